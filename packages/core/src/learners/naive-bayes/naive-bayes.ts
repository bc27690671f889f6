import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import { alignFeatures, pinFeatures, UNSEEN_CATEGORY } from '../features.js'
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
import {
  assertModelShape,
  modelDocumentHeader,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import { argmaxRows, probaFromRaw } from '../shared/link.js'

/** The fitted-model kind of {@link NaiveBayes}. */
export const NAIVE_BAYES_MODEL_KIND = 'naive-bayes'

/** Hyperparameters of {@link NaiveBayes}. */
export const naiveBayesParams = z.strictObject({
  varSmoothing: z
    .number()
    .positive()
    .max(1)
    .default(1e-9)
    .describe(
      'Numeric features: this share of the largest feature variance is added to every variance (scikit-learn GaussianNB var_smoothing).',
    ),
  alpha: z
    .number()
    .min(1e-10)
    .finite()
    .default(1)
    .describe(
      'Categorical features: additive (Laplace / Lidstone) smoothing of category counts (scikit-learn CategoricalNB alpha).',
    ),
})

/** Parsed hyperparameters of {@link NaiveBayes}. */
export type NaiveBayesParams = z.output<typeof naiveBayesParams>

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass'] as const),
  categorical: true,
  missing: true,
  weights: true,
  incremental: false,
})

/** Per-feature class-conditional statistics. */
type FeatureStats =
  | { readonly kind: 'numeric'; readonly mean: Float64Array; readonly variance: Float64Array }
  /** `logProb[c][v]`: log P(category v | class c); `unseen[c]`: for a category not seen at fit. */
  | {
      readonly kind: 'categorical'
      readonly logProb: Float64Array[]
      readonly unseen: Float64Array
    }

interface NaiveBayesParts {
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[]
  readonly params: NaiveBayesParams
  readonly classLogPrior: Float64Array
  readonly stats: readonly FeatureStats[]
}

/**
 * A fitted naive Bayes classifier over mixed features: Gaussian likelihoods for numeric columns
 * (scikit-learn's GaussianNB) and smoothed category frequencies for categorical ones
 * (CategoricalNB), multiplied under the naive independence assumption. A missing value (NaN or a
 * missing category) contributes no term — the model marginalizes it out; a category unseen at fit
 * gets the smoothed probability of a zero count.
 */
export class NaiveBayesModel implements FittedModel {
  readonly kind = NAIVE_BAYES_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[]
  readonly #p: NaiveBayesParts

  constructor(parts: NaiveBayesParts) {
    this.#p = parts
    this.task = parts.task
    this.features = Object.freeze([...parts.features])
    this.classes = Object.freeze([...parts.classes])
  }

  /** Joint log-likelihood log P(c) + Σ log P(xⱼ | c), n × K, in scikit-learn's summation order. */
  jointLogLikelihood(X: Frame): Float64Array {
    const cols = alignFeatures(X, this.features)
    const { stats, classLogPrior } = this.#p
    const K = this.classes.length
    const n = X.numRows
    const out = new Float64Array(n * K)
    for (let c = 0; c < K; c++) {
      for (let i = 0; i < n; i++) {
        let logNorm = 0
        let quad = 0
        let cat = 0
        for (let j = 0; j < stats.length; j++) {
          const s = stats[j]!
          if (s.kind === 'numeric') {
            const x = cols[j]![i]!
            if (Number.isNaN(x)) continue
            const v = s.variance[c]!
            logNorm += Math.log(2 * Math.PI * v)
            quad += (x - s.mean[c]!) ** 2 / v
          } else {
            const code = cols[j]![i]!
            if (code === -1) continue
            cat += code === UNSEEN_CATEGORY ? s.unseen[c]! : s.logProb[c]![code]!
          }
        }
        out[i * K + c] = classLogPrior[c]! + (-0.5 * logNorm - 0.5 * quad) + cat
      }
    }
    return out
  }

  /** Binary: the log-odds of the positive class; multiclass: normalized log probabilities. */
  predictRaw(X: Frame): Float64Array {
    const jll = this.jointLogLikelihood(X)
    const K = this.classes.length
    const n = X.numRows
    if (this.task === 'binary') {
      return Float64Array.from({ length: n }, (_, i) => jll[2 * i + 1]! - jll[2 * i]!)
    }
    const out = new Float64Array(jll.length)
    for (let i = 0; i < n; i++) {
      let max = -Infinity
      for (let c = 0; c < K; c++) max = Math.max(max, jll[i * K + c]!)
      let s = 0
      for (let c = 0; c < K; c++) s += Math.exp(jll[i * K + c]! - max)
      const lse = max + Math.log(s)
      for (let c = 0; c < K; c++) out[i * K + c] = jll[i * K + c]! - lse
    }
    return out
  }

  predictProba(X: Frame): Float64Array {
    return probaFromRaw(this.predictRaw(X), this.task, this.classes.length)
  }

  predict(X: Frame): Float64Array {
    return argmaxRows(this.jointLogLikelihood(X), this.classes.length)
  }

  toJSON(): ModelJSON {
    const p = this.#p
    return {
      ...modelDocumentHeader(this),
      params: { ...p.params },
      classLogPrior: Array.from(p.classLogPrior),
      stats: p.stats.map((s) =>
        s.kind === 'numeric'
          ? { kind: 'numeric', mean: Array.from(s.mean), variance: Array.from(s.variance) }
          : {
              kind: 'categorical',
              logProb: s.logProb.map((r) => Array.from(r)),
              unseen: Array.from(s.unseen),
            },
      ),
    }
  }
}

/** Unweighted population variance of the non-missing values (GaussianNB's epsilon uses it). */
const plainVariance = (x: Float64Array): number => {
  let m = 0
  let n = 0
  for (const v of x) if (!Number.isNaN(v)) [m, n] = [m + v, n + 1]
  if (n === 0) return 0
  m /= n
  let s = 0
  for (const v of x) if (!Number.isNaN(v)) s += (v - m) ** 2
  return s / n
}

/** Weighted mean and variance of `x` over rows where `take(i)` holds and x is not missing. */
const weightedMoments = (x: Float64Array, w: Float64Array, take: (i: number) => boolean) => {
  let sw = 0
  let sx = 0
  for (let i = 0; i < x.length; i++) {
    if (!take(i) || Number.isNaN(x[i]!)) continue
    sw += w[i]!
    sx += w[i]! * x[i]!
  }
  if (!(sw > 0)) return undefined
  const mean = sx / sw
  let sv = 0
  for (let i = 0; i < x.length; i++) {
    if (!take(i) || Number.isNaN(x[i]!)) continue
    sv += w[i]! * (x[i]! - mean) ** 2
  }
  return { mean, variance: sv / sw }
}

/**
 * Naive Bayes for classification over numeric (Gaussian) and categorical (smoothed counts)
 * features, with sample weights and native missing values. Matches scikit-learn's GaussianNB on
 * numeric data and CategoricalNB on categorical data.
 */
export class NaiveBayes implements Learner<NaiveBayesModel, NaiveBayesParams> {
  readonly kind = 'naive-bayes'
  readonly params: Readonly<NaiveBayesParams>
  readonly capabilities = CAPABILITIES

  constructor(params: NaiveBayesParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, _options: FitOptions): NaiveBayesModel {
    const ck = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const classes = ck.classes!
    const K = classes.length
    const absent = classes.filter((_, c) => !(ck.classWeightSums[c]! > 0))
    if (absent.length > 0) {
      throw new KeelError(
        'INVALID_DATA',
        `naive-bayes: class ${absent.map((c) => `"${c}"`).join(', ')} has no training rows with positive weight (its prior would be log 0)`,
        { path: ['y'] },
      )
    }
    const features = pinFeatures(data.X)
    const cols = alignFeatures(data.X, features)
    const { weight } = ck
    const y = data.y
    let maxVar = 0
    cols.forEach((c, j) => {
      if (features[j]!.kind === 'numeric')
        maxVar = Math.max(maxVar, plainVariance(c as Float64Array))
    })
    // scikit-learn: epsilon = var_smoothing · max variance. A floor keeps variances positive when
    // every numeric feature is constant (scikit-learn would divide by zero there).
    const epsilon = this.params.varSmoothing * (maxVar > 0 ? maxVar : 1)
    const stats: FeatureStats[] = features.map((f, j) => {
      const col = cols[j]!
      if (f.kind === 'numeric') {
        const x = col as Float64Array
        const overall = weightedMoments(x, weight, () => true) ?? { mean: 0, variance: 0 }
        const mean = new Float64Array(K)
        const variance = new Float64Array(K)
        for (let c = 0; c < K; c++) {
          const m = weightedMoments(x, weight, (i) => y[i] === c) ?? overall
          mean[c] = m.mean
          variance[c] = m.variance + epsilon
        }
        return { kind: 'numeric', mean, variance }
      }
      const codes = col as Int32Array
      const V = f.categories.length
      const counts = Array.from({ length: K }, () => new Float64Array(V))
      for (let i = 0; i < codes.length; i++) {
        const v = codes[i]!
        if (v < 0) continue
        counts[y[i]!]![v] = counts[y[i]!]![v]! + weight[i]!
      }
      const alpha = this.params.alpha
      const unseen = new Float64Array(K)
      const logProb = counts.map((row, c) => {
        const total = row.reduce((a, b) => a + b, 0) + alpha * V
        unseen[c] = Math.log(alpha) - Math.log(total)
        return row.map((n) => Math.log(n + alpha) - Math.log(total))
      })
      return { kind: 'categorical', logProb, unseen }
    })
    const classLogPrior = ck.classWeightSums.map((s) => Math.log(s / ck.weightSum))
    return new NaiveBayesModel({
      task: data.task,
      features,
      classes,
      params: this.params,
      classLogPrior,
      stats,
    })
  }
}

const statsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('numeric'),
    mean: z.array(z.number()),
    variance: z.array(z.number().positive()),
  }),
  z.object({
    kind: z.literal('categorical'),
    logProb: z.array(z.array(z.number().max(0))),
    unseen: z.array(z.number().max(0)),
  }),
])

const naiveBayesModelSchema = modelHeaderSchema.extend({
  params: naiveBayesParams,
  classLogPrior: z.array(z.number().max(0)),
  stats: z.array(statsSchema),
})

/** Load a {@link NaiveBayesModel} from JSON. */
export const loadNaiveBayesModel = (json: unknown): NaiveBayesModel => {
  const doc = parseModelDocument(NAIVE_BAYES_MODEL_KIND, naiveBayesModelSchema, json)
  const K = doc.classes?.length ?? 0
  const check = (ok: boolean, msg: string): void =>
    assertModelShape(ok, NAIVE_BAYES_MODEL_KIND, msg)
  check(doc.task !== 'regression' && K >= 2, 'naive Bayes is a classifier with at least 2 classes')
  check(doc.classLogPrior.length === K, 'one prior per class')
  check(doc.stats.length === doc.features.length, 'one statistics entry per feature')
  const stats: FeatureStats[] = doc.stats.map((s, j) => {
    const f = doc.features[j]!
    check(s.kind === f.kind, `feature ${j} statistics do not match its kind`)
    if (s.kind === 'numeric') {
      check(
        s.mean.length === K && s.variance.length === K,
        `feature ${j}: one mean and variance per class`,
      )
      return {
        kind: 'numeric',
        mean: Float64Array.from(s.mean),
        variance: Float64Array.from(s.variance),
      }
    }
    const V = f.kind === 'categorical' ? f.categories.length : 0
    check(s.logProb.length === K && s.unseen.length === K, `feature ${j}: one row per class`)
    check(
      s.logProb.every((r) => r.length === V),
      `feature ${j}: one entry per category`,
    )
    return {
      kind: 'categorical',
      logProb: s.logProb.map((r) => Float64Array.from(r)),
      unseen: Float64Array.from(s.unseen),
    }
  })
  return new NaiveBayesModel({
    task: doc.task,
    features: doc.features,
    classes: doc.classes!,
    params: doc.params,
    classLogPrior: Float64Array.from(doc.classLogPrior),
    stats,
  })
}

/** A {@link NaiveBayes} learner from loose hyperparameters. */
export const naiveBayes = (params: unknown = {}): NaiveBayes =>
  new NaiveBayes(parseParams('naive-bayes', naiveBayesParams, params))

/** Registry entry for `naive-bayes`. */
export const naiveBayesDefinition: LearnerDefinition<typeof naiveBayesParams> = {
  kind: 'naive-bayes',
  description: 'Naive Bayes: Gaussian for numeric features, smoothed counts for categorical ones.',
  params: naiveBayesParams,
  create: (params) => new NaiveBayes(params),
}
