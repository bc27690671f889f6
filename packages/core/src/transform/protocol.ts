import type { ColumnKind, Frame } from '../frame/index.js'
import type { Task } from '../learners/index.js'
import type { Rng } from '../random/index.js'

/**
 * One column a fitted transformer reads or writes, pinned at fit. `categories` is present on a
 * categorical output whose dictionary is fixed at fit (hash buckets, bins, declared categories):
 * every transform then emits exactly that dictionary, so downstream code can rely on codes alone.
 */
export interface TransformerColumn {
  readonly name: string
  readonly kind: ColumnKind
  readonly categories?: readonly string[]
}

/** Options for every transformer fit. The generator is required: Keel has no hidden randomness. */
export interface TransformerFitOptions {
  readonly rng: Rng
  /**
   * The target, aligned with the frame's rows: class index (0..K-1) for classification, the value
   * for regression. Only target-aware steps (target encoding) read it; the others ignore it.
   */
  readonly y?: Float64Array
  /** What `y` is; target-aware steps need it (binary and multiclass targets are class indices). */
  readonly task?: Task
  /**
   * Column roles from the schema contract (`feature`, `label`, `id`, …) keyed by column name, so a
   * column transformer can select columns by role. Absent roles select nothing.
   */
  readonly roles?: Readonly<Record<string, string>>
}

/** What {@link Transformer.fitTransform} returns: the fitted step and the transformed training frame. */
export interface FitTransformResult<F extends FittedTransformer = FittedTransformer> {
  readonly fitted: F
  readonly output: Frame
}

/** The plain-data description of an unfitted transformer: enough to rebuild it from a registry. */
export interface TransformerSpec {
  readonly kind: string
  readonly params?: unknown
}

/**
 * An unfitted transformer: validated hyperparameters and a `fit` that returns a new immutable fitted
 * transformer. Fitting reads only the frame it is given (the training rows) and never changes the
 * transformer or the frame; the same generator seed and data give a bit-identical fitted state.
 */
export interface Transformer<F extends FittedTransformer = FittedTransformer, P = unknown> {
  readonly kind: string
  /** Hyperparameters after validation and defaults: plain JSON data. */
  readonly params: Readonly<P>
  fit(frame: Frame, options: TransformerFitOptions): F
  /**
   * Fit, then transform the same training frame. Equal to `fit(frame).transform(frame)` except for
   * target-aware steps, whose training output is cross-fitted (out-of-fold), so a model trained on it
   * does not see each row's own target through its encoding. Pipelines use this between steps.
   */
  fitTransform(frame: Frame, options: TransformerFitOptions): FitTransformResult<F>
  /** `{ kind, params }`: rebuilds this transformer through {@link createTransformer}. */
  toSpec(): TransformerSpec
}

/** Serialized form of any fitted transformer: versioned, human-readable JSON, loaded by `kind`. */
export interface TransformerJSON {
  readonly format: 'keel-transformer'
  readonly formatVersion: number
  readonly kind: string
  readonly params: unknown
  readonly inputs: readonly TransformerColumn[]
  readonly outputs: readonly TransformerColumn[]
  /** The fitted state: plain JSON (finite numbers, strings, arrays, objects, nested documents). */
  readonly state: unknown
}

/**
 * A fitted transformer. `transform` reads the pinned `inputs` by name (order and extra columns do
 * not matter; a missing column or an incompatible kind is a `SCHEMA_MISMATCH` error listing every
 * problem) and returns a new frame holding exactly `outputs`, in that order. It is a pure
 * row-wise function of the fitted state: a row gives the same values alone or inside any batch.
 */
export interface FittedTransformer {
  readonly kind: string
  readonly inputs: readonly TransformerColumn[]
  readonly outputs: readonly TransformerColumn[]
  transform(frame: Frame): Frame
  toJSON(): TransformerJSON
}
