import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type {
  FeatureSpec,
  FitOptions,
  FittedModel,
  Learner,
  LearnerCapabilities,
  ModelJSON,
  Task,
  TrainingSet,
} from '../protocol.js'
import { checkTrainingSet } from '../shared/training-set.js'
import { numericFeatureColumns, pinNumericFeatures } from '../shared/numeric-features.js'
import {
  assertModelShape,
  modelDocumentHeader,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import { argmaxRows, rawFromProba } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'

/** The fitted-model kind of {@link KNearestNeighbors}. */
export const KNN_MODEL_KIND = 'knn'

/** Hyperparameters of {@link KNearestNeighbors}. */
export const knnParams = z.strictObject({
  k: z.number().int().min(1).max(10_000).default(5).describe('Number of neighbours that vote.'),
  weights: z
    .enum(['uniform', 'distance'])
    .default('uniform')
    .describe(
      'uniform: each neighbour counts the same; distance: by 1/distance (an exact match takes all the weight), as scikit-learn.',
    ),
})

/** Parsed hyperparameters of {@link KNearestNeighbors}. */
export type KnnParams = z.output<typeof knnParams>

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass', 'regression'] as const),
  categorical: false,
  missing: false,
  weights: true,
  incremental: false,
})

interface KnnParts {
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly params: KnnParams
  /** Training rows, row-major n × d. */
  readonly X: Float64Array
  readonly y: Float64Array
  /** Sample weights multiplying each neighbour's vote (all 1 when unweighted). */
  readonly weight: Float64Array
}

/**
 * A fitted k-nearest-neighbours model: brute-force Euclidean search over the stored training rows
 * (typed arrays, exact differences rather than the ‖a‖² − 2a·b + ‖b‖² shortcut, so distances carry
 * no cancellation error). Equal distances are broken by training-row order, which makes results
 * deterministic. Sample weights multiply votes (classification) or averaging weights (regression).
 * The model JSON holds the training rows, so its size grows with the training set.
 */
export class KnnModel implements FittedModel {
  readonly kind = KNN_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly params: Readonly<KnnParams>
  readonly #p: KnnParts

  constructor(parts: KnnParts) {
    this.#p = parts
    this.task = parts.task
    this.features = Object.freeze([...parts.features])
    this.classes = parts.classes ? Object.freeze([...parts.classes]) : undefined
    this.params = Object.freeze({ ...parts.params })
  }

  /**
   * For each query row, the k neighbours' indices and weights. Returns the per-row outputs:
   * class-vote shares (n × K) or the weighted mean target (n).
   */
  #neighbourOutputs(Xq: Frame): Float64Array {
    const cols = numericFeatureColumns(Xq, this.features, this.kind)
    const { X, y, weight, params } = this.#p
    const d = cols.length
    const nTrain = y.length
    const n = Xq.numRows
    const k = params.k
    const K = this.task === 'regression' ? 1 : this.classes!.length
    const out = new Float64Array(n * K)
    const q = new Float64Array(d)
    const bestD = new Float64Array(k)
    const bestI = new Int32Array(k)
    const w = new Float64Array(k)
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) q[j] = cols[j]![r]!
      let filled = 0
      for (let i = 0; i < nTrain; i++) {
        let s = 0
        const base = i * d
        for (let j = 0; j < d; j++) {
          const diff = X[base + j]! - q[j]!
          s += diff * diff
        }
        if (filled === k && s >= bestD[k - 1]!) continue
        // Insertion into the sorted top-k; strict < keeps the earlier training row on ties.
        let at = filled < k ? filled++ : k - 1
        while (at > 0 && bestD[at - 1]! > s) {
          bestD[at] = bestD[at - 1]!
          bestI[at] = bestI[at - 1]!
          at--
        }
        bestD[at] = s
        bestI[at] = i
      }
      let exact = false
      for (let t = 0; t < k; t++) if (bestD[t] === 0) exact = true
      let total = 0
      for (let t = 0; t < k; t++) {
        const base =
          params.weights === 'uniform'
            ? 1
            : exact
              ? bestD[t] === 0
                ? 1
                : 0
              : 1 / Math.sqrt(bestD[t]!)
        w[t] = base * weight[bestI[t]!]!
        total += w[t]!
      }
      if (this.task === 'regression') {
        let s = 0
        for (let t = 0; t < k; t++) s += w[t]! * y[bestI[t]!]!
        out[r] = s / total
      } else {
        for (let t = 0; t < k; t++) {
          const at = r * K + y[bestI[t]!]!
          out[at] = out[at]! + w[t]!
        }
        for (let c = 0; c < K; c++) out[r * K + c] = out[r * K + c]! / total
      }
    }
    return out
  }

  predictRaw(X: Frame): Float64Array {
    const v = this.#neighbourOutputs(X)
    return this.task === 'regression' ? v : rawFromProba(v, this.task)
  }

  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return this.#neighbourOutputs(X)
  }

  predict(X: Frame): Float64Array {
    const v = this.#neighbourOutputs(X)
    return this.task === 'regression' ? v : argmaxRows(v, this.classes!.length)
  }

  toJSON(): ModelJSON {
    const p = this.#p
    return {
      ...modelDocumentHeader(this),
      params: { ...p.params },
      X: Array.from(p.X),
      y: Array.from(p.y),
      weight: Array.from(p.weight),
    }
  }
}

/**
 * k-nearest neighbours for classification (vote shares as probabilities) and regression (mean of
 * the neighbours' targets). Needs numeric, complete features; scale them first — Euclidean distance
 * weighs every unit equally. Rows of zero weight are left out of the stored training set.
 */
export class KNearestNeighbors implements Learner<KnnModel, KnnParams> {
  readonly kind = 'knn'
  readonly params: Readonly<KnnParams>
  readonly capabilities = CAPABILITIES

  constructor(params: KnnParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, _options: FitOptions): KnnModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const features = pinNumericFeatures(data.X, this.kind)
    const cols = numericFeatureColumns(data.X, features, this.kind)
    const keep: number[] = []
    for (let i = 0; i < c.n; i++) if (c.weight[i]! > 0) keep.push(i)
    if (keep.length < this.params.k) {
      throw new KeelError(
        'INVALID_DATA',
        `knn: k = ${this.params.k} but the training set has ${keep.length} rows with positive weight`,
        { path: ['k'] },
      )
    }
    const d = cols.length
    const X = new Float64Array(keep.length * d)
    keep.forEach((i, r) => {
      for (let j = 0; j < d; j++) X[r * d + j] = cols[j]![i]!
    })
    return new KnnModel({
      task: data.task,
      features,
      classes: c.classes,
      params: this.params,
      X,
      y: Float64Array.from(keep, (i) => data.y[i]!),
      weight: Float64Array.from(keep, (i) => c.weight[i]!),
    })
  }
}

const knnModelSchema = modelHeaderSchema.extend({
  params: knnParams,
  X: z.array(z.number()),
  y: z.array(z.number()),
  weight: z.array(z.number().positive()),
})

/** Load a {@link KnnModel} from JSON. */
export const loadKnnModel = (json: unknown): KnnModel => {
  const doc = parseModelDocument(KNN_MODEL_KIND, knnModelSchema, json)
  const n = doc.y.length
  const d = doc.features.length
  const check = (ok: boolean, msg: string): void => assertModelShape(ok, KNN_MODEL_KIND, msg)
  check(
    doc.features.every((f) => f.kind === 'numeric'),
    'features must be numeric',
  )
  check(doc.X.length === n * d && doc.weight.length === n, 'training rows do not match')
  check(n >= doc.params.k, 'fewer training rows than k')
  if (doc.task !== 'regression') {
    const K = doc.classes?.length ?? 0
    check(K >= 2, 'classification models need classes')
    check(
      doc.y.every((v) => Number.isInteger(v) && v >= 0 && v < K),
      'labels must be class indices',
    )
  }
  return new KnnModel({
    task: doc.task,
    features: doc.features,
    classes: doc.classes,
    params: doc.params,
    X: Float64Array.from(doc.X),
    y: Float64Array.from(doc.y),
    weight: Float64Array.from(doc.weight),
  })
}

/** A {@link KNearestNeighbors} learner from loose hyperparameters. */
export const kNearestNeighbors = (params: unknown = {}): KNearestNeighbors =>
  new KNearestNeighbors(parseParams('knn', knnParams, params))

/** Registry entry for `knn`. */
export const knnDefinition: LearnerDefinition<typeof knnParams> = {
  kind: 'knn',
  description: 'k-nearest neighbours (Euclidean, brute force) for classification and regression.',
  params: knnParams,
  create: (params) => new KNearestNeighbors(params),
}
