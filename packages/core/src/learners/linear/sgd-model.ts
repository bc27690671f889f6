import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import { checkTrainingSet } from '../shared/training-set.js'
import { numericFeatureColumns } from '../shared/numeric-features.js'
import {
  assertModelShape,
  modelDocumentHeader,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import type {
  FeatureSpec,
  FitOptions,
  IncrementalModel,
  ModelJSON,
  Task,
  TrainingSet,
} from '../protocol.js'
import { classWeightSchema, effectiveWeights } from './class-weights.js'
import { argmaxRows, probaFromRaw } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'
import { trainSgd, type SgdScaler, type SgdSettings, type SgdState } from './sgd-train.js'

/** The fitted-model kind of {@link SgdLinear}. */
export const SGD_LINEAR_MODEL_KIND = 'sgd-linear'

/** Hyperparameters of {@link SgdLinear}. */
export const sgdLinearParams = z.strictObject({
  optimizer: z
    .enum(['adam', 'sgd'])
    .default('adam')
    .describe('Adam, or plain SGD with momentum. Both keep their state across update() calls.'),
  learningRate: z.number().positive().max(10).default(0.01).describe('Step size.'),
  alpha: z
    .number()
    .min(0)
    .finite()
    .default(1e-4)
    .describe('L2 penalty alpha/2·‖w‖² on the coefficients of the standardized features.'),
  batchSize: z.number().int().min(1).default(32).describe('Rows per mini-batch.'),
  epochs: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(5)
    .describe('Passes over the data per fit() and per update().'),
  shuffle: z.boolean().default(true).describe('Shuffle rows each epoch (with the fit generator).'),
  momentum: z.number().min(0).max(0.999).default(0.9).describe('Momentum of plain SGD.'),
  beta1: z.number().min(0).max(0.9999).default(0.9).describe('Adam first-moment decay.'),
  beta2: z.number().min(0).max(0.999999).default(0.999).describe('Adam second-moment decay.'),
  epsilon: z.number().positive().default(1e-8).describe('Adam denominator guard.'),
  classWeight: classWeightSchema,
})

/** Parsed hyperparameters of {@link SgdLinear}. */
export type SgdLinearParams = z.output<typeof sgdLinearParams>

const lossFor = (task: Task) =>
  task === 'regression' ? 'squared' : task === 'binary' ? 'logistic' : 'multinomial'

/** Everything a fitted {@link SgdLinearModel} is made of. */
export interface SgdModelParts {
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly params: SgdLinearParams
  readonly scaler: SgdScaler
  /** Per-class loss multipliers pinned at the first fit (empty for regression). */
  readonly classWeights: Float64Array
  readonly state: SgdState
  /** Rows seen over all fits and updates. */
  readonly rowsSeen: number
}

/**
 * A linear model trained by mini-batches (logistic, softmax or squared loss) that keeps learning:
 * `update(data)` continues from the saved weights and optimizer moments, so stateful retraining on
 * a new day of data costs one pass over that day. Feature scaling and class weights are pinned at
 * the first fit — updates reuse them, so the meaning of a weight never shifts under the model.
 * Everything update() needs is in the JSON: a reloaded model updates exactly like the original.
 */
export class SgdLinearModel implements IncrementalModel {
  readonly kind = SGD_LINEAR_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly params: Readonly<SgdLinearParams>
  readonly rowsSeen: number
  readonly #parts: SgdModelParts

  constructor(parts: SgdModelParts) {
    this.#parts = parts
    this.task = parts.task
    this.features = Object.freeze([...parts.features])
    this.classes = parts.classes ? Object.freeze([...parts.classes]) : undefined
    this.params = Object.freeze({ ...parts.params })
    this.rowsSeen = parts.rowsSeen
  }

  get #outputs(): number {
    return this.task === 'multiclass' ? this.classes!.length : 1
  }

  /** Coefficients on the original features, `coef[k][j]` (one row unless multiclass). */
  get coef(): Float64Array[] {
    const { state, scaler } = this.#parts
    const d = this.features.length
    return Array.from({ length: this.#outputs }, (_, k) =>
      Float64Array.from({ length: d }, (_, j) => state.coef[k * d + j]! / scaler.scale[j]!),
    )
  }

  /** Intercepts on the original features. */
  get intercept(): Float64Array {
    const { state, scaler } = this.#parts
    const d = this.features.length
    return Float64Array.from({ length: this.#outputs }, (_, k) => {
      let b = state.intercept[k]!
      for (let j = 0; j < d; j++) b -= (state.coef[k * d + j]! * scaler.mean[j]!) / scaler.scale[j]!
      return b
    })
  }

  predictRaw(X: Frame): Float64Array {
    const cols = numericFeatureColumns(X, this.features, this.kind)
    const { state, scaler } = this.#parts
    const K = this.#outputs
    const d = cols.length
    const n = X.numRows
    const out = new Float64Array(n * K)
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        let m = state.intercept[k]!
        for (let j = 0; j < d; j++) {
          m += (state.coef[k * d + j]! * (cols[j]![i]! - scaler.mean[j]!)) / scaler.scale[j]!
        }
        out[i * K + k] = m
      }
    }
    return out
  }

  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return this.probaFromRaw(this.predictRaw(X))
  }

  /** Class probabilities from raw scores of this model (see `FittedModel.probaFromRaw`). */
  probaFromRaw(raw: Float64Array): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    return probaFromRaw(raw, this.task, this.classes!.length)
  }

  predict(X: Frame): Float64Array {
    const raw = this.predictRaw(X)
    if (this.task === 'regression') return raw
    if (this.task === 'binary') return raw.map((m) => (m > 0 ? 1 : 0))
    return argmaxRows(raw, this.#outputs)
  }

  /**
   * Continue training on `data` (one call = `epochs` passes over it) and return a new model; this
   * one is unchanged. A batch may hold a single class; an empty batch returns an equal model.
   * Features and classes must match the first fit (`SCHEMA_MISMATCH` otherwise).
   */
  update(data: TrainingSet, options: FitOptions): SgdLinearModel {
    if (data.task !== this.task) {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        `update data is ${data.task}, the model is ${this.task}`,
        {
          path: ['task'],
        },
      )
    }
    if (
      data.classes &&
      this.classes &&
      data.classes.join('\u0000') !== this.classes.join('\u0000')
    ) {
      throw new KeelError('SCHEMA_MISMATCH', 'update data has different classes than the model', {
        path: ['classes'],
        details: { model: this.classes, data: data.classes },
      })
    }
    const checked = checkTrainingSet(
      data.classes || !this.classes ? data : { ...data, classes: this.classes },
      {
        learner: this.kind,
        requireTwoClasses: false,
        allowEmpty: true,
      },
    )
    if (checked.n === 0) return this
    const cols = numericFeatureColumns(data.X, this.features, this.kind)
    return this.#train(cols, data.y, checked.weight, options, checked.n)
  }

  /** Train from this model's state (used by the first fit too). */
  #train(
    cols: Float64Array[],
    y: Float64Array,
    weight: Float64Array,
    options: FitOptions,
    n: number,
  ): SgdLinearModel {
    const parts = this.#parts
    const w = this.task === 'regression' ? weight : effectiveWeights(weight, y, parts.classWeights)
    const state = trainSgd(
      parts.state,
      parts.scaler,
      { cols, y, weight: w, loss: lossFor(this.task), outputs: this.#outputs },
      settingsOf(parts.params),
      options.rng,
      options.signal,
    )
    for (const v of state.coef) {
      if (!Number.isFinite(v)) {
        throw new KeelError(
          'INVALID_DATA',
          `${this.kind}: training diverged (non-finite weights)`,
          {
            hint: 'lower learningRate',
          },
        )
      }
    }
    return new SgdLinearModel({ ...parts, state, rowsSeen: parts.rowsSeen + n })
  }

  toJSON(): ModelJSON {
    const p = this.#parts
    return {
      ...modelDocumentHeader(this),
      params: { ...this.params },
      scaler: { mean: Array.from(p.scaler.mean), scale: Array.from(p.scaler.scale) },
      classWeights: Array.from(p.classWeights),
      state: {
        coef: Array.from(p.state.coef),
        intercept: Array.from(p.state.intercept),
        m: Array.from(p.state.m),
        v: Array.from(p.state.v),
        t: p.state.t,
      },
      rowsSeen: this.rowsSeen,
    }
  }

  /** Internal: train a fresh model (the learner's fit). */
  static fitFresh(
    parts: SgdModelParts,
    cols: Float64Array[],
    data: TrainingSet,
    weight: Float64Array,
    options: FitOptions,
  ): SgdLinearModel {
    return new SgdLinearModel(parts).#train(cols, data.y, weight, options, data.y.length)
  }
}

const settingsOf = (p: SgdLinearParams): SgdSettings => ({
  optimizer: p.optimizer,
  learningRate: p.learningRate,
  alpha: p.alpha,
  batchSize: p.batchSize,
  epochs: p.epochs,
  shuffle: p.shuffle,
  momentum: p.momentum,
  beta1: p.beta1,
  beta2: p.beta2,
  epsilon: p.epsilon,
})

const sgdModelSchema = modelHeaderSchema.extend({
  params: sgdLinearParams,
  scaler: z.object({ mean: z.array(z.number()), scale: z.array(z.number().positive()) }),
  classWeights: z.array(z.number().positive()),
  state: z.object({
    coef: z.array(z.number()),
    intercept: z.array(z.number()),
    m: z.array(z.number()),
    v: z.array(z.number().min(0)),
    t: z.number().int().min(0),
  }),
  rowsSeen: z.number().int().min(0),
})

/** Load an {@link SgdLinearModel} (with its optimizer state) from JSON. */
export const loadSgdLinearModel = (json: unknown): SgdLinearModel => {
  const doc = parseModelDocument(SGD_LINEAR_MODEL_KIND, sgdModelSchema, json)
  const d = doc.features.length
  const K = doc.task === 'multiclass' ? (doc.classes?.length ?? 0) : 1
  const P = K * d + K
  const check = (ok: boolean, msg: string): void => assertModelShape(ok, SGD_LINEAR_MODEL_KIND, msg)
  check(
    doc.task === 'regression' || (doc.classes?.length ?? 0) >= 2,
    'classification models need classes',
  )
  check(
    doc.features.every((f) => f.kind === 'numeric'),
    'features must be numeric',
  )
  check(doc.scaler.mean.length === d && doc.scaler.scale.length === d, 'scaler size')
  check(doc.state.coef.length === K * d && doc.state.intercept.length === K, 'weight sizes')
  check(doc.state.m.length === P && doc.state.v.length === P, 'optimizer state sizes')
  check(
    doc.classWeights.length === (doc.task === 'regression' ? 0 : (doc.classes?.length ?? 0)),
    'class weights size',
  )
  return new SgdLinearModel({
    task: doc.task,
    features: doc.features,
    classes: doc.classes,
    params: doc.params,
    scaler: {
      mean: Float64Array.from(doc.scaler.mean),
      scale: Float64Array.from(doc.scaler.scale),
    },
    classWeights: Float64Array.from(doc.classWeights),
    state: {
      coef: Float64Array.from(doc.state.coef),
      intercept: Float64Array.from(doc.state.intercept),
      m: Float64Array.from(doc.state.m),
      v: Float64Array.from(doc.state.v),
      t: doc.state.t,
    },
    rowsSeen: doc.rowsSeen,
  })
}
