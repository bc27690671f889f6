import { KeelError } from '../../errors/index.js'
import type { Cell, Frame } from '../../frame/index.js'
import { alignFeatures, UNSEEN_CATEGORY } from '../features.js'
import type {
  FeatureSpec,
  FitOptions,
  IncrementalModel,
  ModelJSON,
  Task,
  TrainingSet,
} from '../protocol.js'
import { fitBoosted } from './fit.js'
import { featureImportance, type ImportanceType } from './importance.js'
import { sigmoid } from './loss/logistic.js'
import { softmaxInto } from './loss/softmax.js'
import { modelToJSON } from './model-json.js'
import { Forest } from './predictor.js'
import { rowMajor } from './row-major.js'
import { shapValues } from './shap.js'
import type { GbdtState } from './state.js'

/** Rows per chunk when converting a frame for batch prediction (bounds the scratch memory). */
const CHUNK = 8192

/**
 * A fitted gradient-boosted tree ensemble. Immutable: `update` returns a new model with more trees.
 *
 * Prediction works on raw feature values (thresholds are stored as floats), so neither the binner
 * nor the training data is needed. Missing values — NaN, code −1 — take each split's learned
 * default direction; a category not seen at fit (UNSEEN_CATEGORY) goes the way missing values go.
 */
export class GbdtModel implements IncrementalModel {
  readonly kind = 'gbdt'
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly state: GbdtState
  readonly #forest: Forest
  #codeIndex: (Map<string, number> | undefined)[] | undefined

  constructor(state: GbdtState) {
    this.state = state
    this.task = state.task
    this.features = state.features
    this.classes = state.classes
    this.#forest = new Forest(
      state.trees,
      state.outputs,
      state.base,
      state.features.map((f) => (f.kind === 'categorical' ? f.categories.length : 0)),
    )
  }

  /** Raw outputs per row: K for multiclass, else 1. */
  get numOutputs(): number {
    return this.#forest.numOutputs
  }

  /** Number of trees in the ensemble. */
  get numTrees(): number {
    return this.state.trees.length
  }

  /** Raw scores (logits or regression values), row-major n × numOutputs. */
  predictRaw(X: Frame): Float64Array {
    const cols = alignFeatures(X, this.features)
    const n = X.numRows
    const K = this.numOutputs
    const out = new Float64Array(n * K)
    const buf = new Float64Array(Math.min(n, CHUNK) * this.features.length)
    for (let s = 0; s < n; s += CHUNK) {
      const e = Math.min(n, s + CHUNK)
      rowMajor(cols, s, e, buf)
      this.#forest.rawRowsInto(buf, e - s, out.subarray(s * K, e * K))
    }
    return out
  }

  /** Class probabilities, n × K (K = 2 for binary). Regression models have none. */
  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') {
      throw new KeelError('INVALID_ARGUMENT', 'a regression model has no class probabilities')
    }
    return this.probaFromRaw(this.predictRaw(X))
  }

  /** Class probabilities from raw scores of this model (see `FittedModel.probaFromRaw`). */
  probaFromRaw(raw: Float64Array): Float64Array {
    if (this.task === 'regression') {
      throw new KeelError('INVALID_ARGUMENT', 'a regression model has no class probabilities')
    }
    return probaFromRaw(raw, this.task, this.numOutputs)
  }

  /** Class index per row for classification (argmax), the predicted value for regression. */
  predict(X: Frame): Float64Array {
    const raw = this.predictRaw(X)
    const n = X.numRows
    if (this.task === 'regression') return raw
    const out = new Float64Array(n)
    if (this.task === 'binary') {
      for (let i = 0; i < n; i++) out[i] = raw[i]! > 0 ? 1 : 0
      return out
    }
    const K = this.numOutputs
    for (let i = 0; i < n; i++) {
      let best = 0
      for (let c = 1; c < K; c++) if (raw[i * K + c]! > raw[i * K + best]!) best = c
      out[i] = best
    }
    return out
  }

  /**
   * Raw score of one row given as feature values in model order (see {@link encodeRow}): the
   * allocation-free online path for single-output models.
   */
  rawRow(values: ArrayLike<number>): number {
    return this.#forest.rawRow(values)
  }

  /** Raw scores of one row into `out` (numOutputs values), for any task. */
  rawRowInto(values: ArrayLike<number>, out: Float64Array): void {
    this.#forest.rawRowInto(values, out)
  }

  /**
   * One record as the value vector the row methods take: numbers as is (null/undefined → NaN),
   * categories by name onto the training dictionary (missing → −1, unseen → UNSEEN_CATEGORY).
   */
  encodeRow(row: Readonly<Record<string, Cell | undefined>>, out?: Float64Array): Float64Array {
    const F = this.features.length
    const x = out ?? new Float64Array(F)
    this.#codeIndex ??= this.features.map((f) =>
      f.kind === 'categorical' ? new Map(f.categories.map((c, i) => [c, i])) : undefined,
    )
    for (let f = 0; f < F; f++) {
      const spec = this.features[f]!
      const v = row[spec.name]
      if (spec.kind === 'categorical') {
        x[f] =
          v === null || v === undefined
            ? -1
            : (this.#codeIndex[f]!.get(String(v)) ?? UNSEEN_CATEGORY)
      } else {
        x[f] = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN
      }
    }
    return x
  }

  /**
   * Exact TreeSHAP contributions (path-dependent, Lundberg et al.): for each row and output,
   * numFeatures values then the bias; they sum to the raw score. Layout n × K × (F + 1).
   */
  contributions(X: Frame): Float64Array {
    const cols = alignFeatures(X, this.features)
    return shapValues(this.state, rowMajor(cols, 0, X.numRows), X.numRows)
  }

  /** Per-feature importance by feature name: number of splits, or total gain of its splits. */
  featureImportance(type: ImportanceType = 'gain'): Record<string, number> {
    return featureImportance(this.state, type)
  }

  /**
   * Keep boosting on new data (stateful retraining): the existing trees stay as they are and
   * `params.nEstimators` new rounds start from the current ensemble's scores. Features, task and
   * classes must match the model's.
   */
  update(data: TrainingSet, options: FitOptions): GbdtModel {
    if (data.task !== this.task) {
      throw new KeelError('SCHEMA_MISMATCH', `model is ${this.task}, data is ${data.task}`, {
        path: ['task'],
      })
    }
    if (
      this.classes &&
      data.classes &&
      data.classes.join('\u0000') !== this.classes.join('\u0000')
    ) {
      throw new KeelError('SCHEMA_MISMATCH', 'classes differ from the model', {
        path: ['classes'],
        details: { model: this.classes, data: data.classes },
      })
    }
    return new GbdtModel(fitBoosted(this.state.params, data, options, this.state))
  }

  /** Versioned JSON (format 'keel-model', kind 'gbdt'). */
  toJSON(): ModelJSON {
    return modelToJSON(this.state)
  }
}

/** Probabilities from raw scores: sigmoid columns [1 − p, p] for binary, softmax for multiclass. */
export const probaFromRaw = (raw: Float64Array, task: Task, K: number): Float64Array => {
  if (task === 'binary') {
    const n = raw.length
    const out = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]!)
      out[2 * i] = 1 - p
      out[2 * i + 1] = p
    }
    return out
  }
  const n = raw.length / K
  const out = new Float64Array(raw.length)
  const p = new Float64Array(K)
  for (let i = 0; i < n; i++) {
    softmaxInto(raw, i * K, K, p)
    out.set(p, i * K)
  }
  return out
}
