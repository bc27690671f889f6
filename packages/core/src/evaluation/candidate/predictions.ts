import { KeelError } from '../../errors/index.js'
import type { BundleCalibrator, ModelBundle } from '../../bundle/index.js'
import type { Frame } from '../../frame/index.js'
import type { PredictionSet } from '../../metrics/index.js'
import type { Task } from '../../learners/index.js'

/**
 * Turning a bundle (or precomputed baseline outputs) into prediction sets on an evaluation split.
 * The candidate's raw probabilities are kept apart from its served ones, because calibration and
 * the threshold are chosen on validation between the two.
 */

/** A baseline's outputs on the test rows: class probabilities (n×K) and/or predictions. */
export interface BaselinePredictions {
  readonly name: string
  /** Row-major n×K class probabilities (classification). */
  readonly proba?: Float64Array
  /** Predicted class indices (classification) or values (regression). */
  readonly pred?: Float64Array
}

/** The bundle's raw input columns out of a split frame (extra columns are ignored). */
export const bundleInputs = (bundle: ModelBundle, frame: Frame): Frame => {
  const names = bundle.inputs.map((f) => f.name)
  const missing = names.filter((n) => !frame.has(n))
  if (missing.length > 0) {
    throw new KeelError(
      'SCHEMA_MISMATCH',
      `the evaluation data lacks the model's inputs: ${missing.join(', ')}`,
      {
        details: { missing },
      },
    )
  }
  return frame.select(names)
}

/**
 * The model's output before post-processing: n×K probabilities (classification) or values
 * (regression), through the bundle's own pipeline, so it is what serving computes.
 */
export const rawOutputs = (bundle: ModelBundle, frame: Frame): Float64Array => {
  const features = bundle.features(bundleInputs(bundle, frame))
  return bundle.task === 'regression'
    ? bundle.model.predict(features)
    : bundle.model.predictProba(features)
}

/** Column 1 of a binary n×2 probability matrix. */
export const positiveColumn = (proba: Float64Array): Float64Array => {
  const n = proba.length / 2
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = proba[2 * i + 1]!
  return out
}

const argmax = (proba: Float64Array, k: number): Float64Array => {
  const n = proba.length / k
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c
    out[i] = best
  }
  return out
}

/** How served predictions are made from raw outputs. */
export interface PostProcessing {
  readonly calibrator: BundleCalibrator | null
  readonly threshold: number
}

/**
 * The prediction set a bundle serves: binary probabilities through the calibrator, the class by the
 * threshold (`p ≥ threshold`, as `ModelBundle.predict`); multiclass arg-max; regression values.
 */
export const servedPredictionSet = (
  task: Task,
  y: Float64Array,
  raw: Float64Array,
  numClasses: number,
  post: PostProcessing,
): PredictionSet => {
  if (task === 'regression') return { task, y, pred: raw }
  if (task === 'multiclass')
    return { task, y, proba: raw, pred: argmax(raw, numClasses), numClasses }
  const positive = positiveColumn(raw)
  const p = post.calibrator ? post.calibrator.apply(positive) : positive
  const n = p.length
  const proba = new Float64Array(2 * n)
  const pred = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    proba[2 * i] = 1 - p[i]!
    proba[2 * i + 1] = p[i]!
    pred[i] = p[i]! >= post.threshold ? 1 : 0
  }
  return { task, y, proba, pred, numClasses: 2 }
}

/**
 * Another bundle (the champion) scored exactly as it serves, on the same rows. Its classes must be
 * the candidate's, in the same order, or the comparison would pair different labels.
 */
export const championPredictionSet = (
  champion: ModelBundle,
  frame: Frame,
  y: Float64Array,
  classes: readonly string[] | undefined,
): PredictionSet => {
  const p = champion.predict(bundleInputs(champion, frame))
  if (champion.task === 'regression') {
    return { task: 'regression', y, pred: Float64Array.from(p.prediction as number[]) }
  }
  const theirs = champion.label.classes ?? []
  if (!classes || theirs.length !== classes.length || theirs.some((c, i) => c !== classes[i])) {
    throw new KeelError(
      'SCHEMA_MISMATCH',
      'the champion predicts different classes than the candidate',
      {
        details: { champion: theirs, candidate: classes },
      },
    )
  }
  const index = new Map(classes.map((c, i) => [c, i]))
  const pred = Float64Array.from(p.prediction as string[], (c) => index.get(c)!)
  return { task: champion.task, y, proba: p.proba!, pred, numClasses: classes.length }
}

/** A baseline's prediction set on the test rows (hard predictions derived from probabilities). */
export const baselinePredictionSet = (
  b: BaselinePredictions,
  task: Task,
  y: Float64Array,
  numClasses: number,
): PredictionSet => {
  const n = y.length
  if (b.proba && b.proba.length !== n * Math.max(1, numClasses)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `baseline "${b.name}": proba has ${b.proba.length} values for ${n} rows`,
    )
  }
  if (b.pred && b.pred.length !== n) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `baseline "${b.name}": pred has ${b.pred.length} values for ${n} rows`,
    )
  }
  if (task === 'regression') {
    if (!b.pred) throw new KeelError('INVALID_ARGUMENT', `baseline "${b.name}" has no predictions`)
    return { task, y, pred: b.pred }
  }
  const pred = b.pred ?? (b.proba ? argmax(b.proba, numClasses) : undefined)
  if (!pred) throw new KeelError('INVALID_ARGUMENT', `baseline "${b.name}" has no predictions`)
  return { task, y, pred, ...(b.proba ? { proba: b.proba } : {}), numClasses }
}
