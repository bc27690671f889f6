import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import type { FittedModel, Task } from '../learners/index.js'

/**
 * What a scorer needs from one prediction pass: hard predictions (class index or value) and, for
 * classification, the n × K probability matrix.
 */
export interface FramePrediction {
  readonly pred?: Float64Array
  readonly proba?: Float64Array
}

/**
 * The whole inference path as one function of raw columns: feature pipeline, model and
 * post-processing. Importance measured through it covers the pipeline too, so a raw column that
 * feeds three derived features is permuted once, as it would vary in production.
 */
export type FramePredictor = (X: Frame) => FramePrediction

/** A fitted transformer or pipeline, structurally (anything with `transform`). */
export interface FrameTransform {
  transform(X: Frame): Frame
}

/**
 * A {@link FramePredictor} for a fitted model, optionally behind a fitted feature pipeline:
 * probabilities and arg-max classes for classification, values for regression.
 */
export const framePredictor =
  (model: FittedModel, pipeline?: FrameTransform | null): FramePredictor =>
  (X) => {
    const F = pipeline ? pipeline.transform(X) : X
    if (model.task === 'regression') return { pred: model.predict(F) }
    return { proba: model.predictProba(F), pred: model.predict(F) }
  }

/** The part of a model bundle's `predict` output a scorer reads (see `ModelBundle.predict`). */
export interface BundleLikePredictions {
  readonly task: Task
  readonly classes: readonly string[] | undefined
  readonly prediction: readonly (string | number)[]
  readonly proba: Float64Array | null
}

/**
 * A {@link FramePredictor} for a model bundle (or anything with the same `predict`): calibrated
 * probabilities, and the bundle's own decisions (its threshold) as class indices.
 */
export const bundleFramePredictor =
  (bundle: { predict(X: Frame): BundleLikePredictions }): FramePredictor =>
  (X) => {
    const p = bundle.predict(X)
    if (p.task === 'regression') return { pred: Float64Array.from(p.prediction as number[]) }
    const classes = p.classes ?? []
    const index = new Map(classes.map((c, i) => [c, i]))
    const pred = new Float64Array(p.prediction.length)
    for (let i = 0; i < pred.length; i++) {
      const k = index.get(String(p.prediction[i]))
      if (k === undefined) {
        throw new KeelError('INTERNAL', `prediction "${String(p.prediction[i])}" is not a class`)
      }
      pred[i] = k
    }
    return p.proba ? { pred, proba: p.proba } : { pred }
  }

/** A predictor from either form callers hold. */
export const toFramePredictor = (p: FramePredictor | FittedModel): FramePredictor =>
  typeof p === 'function' ? p : framePredictor(p)
