import type { Frame } from '../frame/index.js'
import type { Rng } from '../random/index.js'

/** What a model predicts. Classification targets are class indices `0..K-1` into `classes`. */
export type Task = 'binary' | 'multiclass' | 'regression'

/**
 * One input feature as pinned at fit. Numeric covers the numeric, boolean and timestamp column kinds;
 * categorical features keep the training dictionary so that codes from any later frame can be mapped
 * back onto it by name (see {@link alignFeatures}).
 */
export type FeatureSpec =
  | { readonly name: string; readonly kind: 'numeric' }
  | { readonly name: string; readonly kind: 'categorical'; readonly categories: readonly string[] }

/** The data a learner fits on. `X` holds feature columns only. */
export interface TrainingSet {
  readonly X: Frame
  /** Class index (as a float) for classification, the target for regression. */
  readonly y: Float64Array
  readonly task: Task
  /** Class names for classification (`classes[k]` is the label of index k). */
  readonly classes?: readonly string[]
  /** Non-negative sample weights; absent means all 1. */
  readonly weight?: Float64Array
}

/** Progress of a long fit. */
export interface FitProgress {
  readonly done: number
  readonly total: number
  readonly message?: string
}

/** Options for every fit. The generator is required: Keel has no hidden randomness. */
export interface FitOptions {
  readonly rng: Rng
  /** Held-out data for early stopping and monitoring, when the learner uses it. */
  readonly validation?: TrainingSet
  readonly onProgress?: (p: FitProgress) => void
  readonly signal?: AbortSignal
}

/** What a learner can do; evaluation and the config checker read this. */
export interface LearnerCapabilities {
  readonly tasks: readonly Task[]
  /** Accepts categorical feature columns natively. */
  readonly categorical: boolean
  /** Accepts missing values (NaN / -1) natively. */
  readonly missing: boolean
  readonly weights: boolean
  /** The fitted model implements {@link IncrementalModel}. */
  readonly incremental: boolean
}

/**
 * An unfitted learner: validated hyperparameters and a `fit` that returns a new immutable fitted
 * model. A learner never changes when it fits; fitting twice with the same generator seed and data
 * gives bit-identical models.
 */
export interface Learner<M extends FittedModel = FittedModel, P = unknown> {
  readonly kind: string
  readonly params: Readonly<P>
  readonly capabilities: LearnerCapabilities
  fit(data: TrainingSet, options: FitOptions): M
}

/** Serialized form of any fitted model: versioned, human-readable JSON, loaded by `kind`. */
export interface ModelJSON {
  readonly format: 'keel-model'
  readonly formatVersion: number
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes?: readonly string[]
  readonly [key: string]: unknown
}

/**
 * A fitted model. Output matrices are row-major `Float64Array`s:
 * - `predictRaw`: n × 1 for binary (the logit) and regression, n × K for multiclass;
 * - `predictProba`: n × K, K = 2 for binary (column 1 is the positive class);
 * - `predict`: class index or regression value per row.
 */
export interface FittedModel {
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  predictRaw(X: Frame): Float64Array
  predictProba(X: Frame): Float64Array
  /**
   * Optional: the probabilities `predictProba(X)` gives, from `raw = predictRaw(X)` already
   * computed — bit for bit the same numbers, without predicting twice.
   */
  probaFromRaw?(raw: Float64Array): Float64Array
  predict(X: Frame): Float64Array
  toJSON(): ModelJSON
}

/** A fitted model that can keep learning from new data (stateful retraining). */
export interface IncrementalModel extends FittedModel {
  update(data: TrainingSet, options: FitOptions): IncrementalModel
}

/** True when `m` can learn incrementally. */
export const isIncremental = (m: FittedModel): m is IncrementalModel =>
  typeof (m as Partial<IncrementalModel>).update === 'function'

/** Number of columns of `predictRaw` for a task. */
export const rawWidth = (task: Task, numClasses: number): number =>
  task === 'multiclass' ? numClasses : 1
