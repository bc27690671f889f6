import { KeelError } from '../errors/index.js'
import type { PredictionSet } from './types.js'
import { badArgument, checkLength, matrixWidth } from './validate.js'

/**
 * Helpers that read a {@link PredictionSet}: hard labels, positive-class scores, row subsets. They
 * are what lets one catalogue entry score any prediction set of its task.
 */

/** Number of classes of a classification prediction set. */
export const classCountOf = (data: PredictionSet): number => {
  if (data.numClasses !== undefined) return data.numClasses
  if (data.proba) return matrixWidth('proba', data.proba, data.y.length)
  let k = 2
  for (const v of data.y) k = Math.max(k, v + 1)
  if (data.pred) for (const v of data.pred) k = Math.max(k, v + 1)
  return k
}

/**
 * Predicted class per row: `pred` when given, otherwise the arg-max of `proba` (first maximum on
 * ties, as NumPy). For binary this is "probability ≥ 0.5 → class 1" except at exactly 0.5, where the
 * arg-max keeps class 0; use a threshold (see `chooseThreshold`) to set the operating point.
 */
export const predictedClasses = (data: PredictionSet): Float64Array => {
  if (data.pred) return data.pred
  if (!data.proba) return needs(data, 'pred or proba')
  const n = data.y.length
  const k = matrixWidth('proba', data.proba, n)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (data.proba[i * k + c]! > data.proba[i * k + best]!) best = c
    out[i] = best
  }
  return out
}

/** Positive-class probability per row (column 1 of a binary `proba`). */
export const positiveScores = (data: PredictionSet): Float64Array => {
  if (!data.proba) return needs(data, 'proba')
  const n = data.y.length
  const k = matrixWidth('proba', data.proba, n)
  if (k !== 2) badArgument(`expected binary probabilities (2 columns), got ${k}`, ['proba'])
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = data.proba[2 * i + 1]!
  return out
}

/** Predicted values (regression) or scores (ranking). */
export const predictedValues = (data: PredictionSet): Float64Array =>
  data.pred ?? needs(data, 'pred')

/** The probability matrix, required. */
export const probabilities = (data: PredictionSet): Float64Array =>
  data.proba ?? needs(data, 'proba')

const needs = (data: PredictionSet, what: string): never => {
  throw new KeelError('INVALID_ARGUMENT', `this metric needs ${what} in the prediction set`, {
    path: [what],
    details: { task: data.task },
  })
}

/** Check that every array of the set has one entry (or K) per row of `y`. */
export const checkPredictionSet = (data: PredictionSet): void => {
  const n = data.y.length
  if (data.pred) checkLength('pred', data.pred, n)
  if (data.weight) checkLength('weight', data.weight, n)
  if (data.group) checkLength('group', data.group, n)
  if (data.proba) {
    const k = matrixWidth('proba', data.proba, n)
    if (data.numClasses !== undefined && k !== data.numClasses) {
      badArgument(`proba has ${k} columns but numClasses is ${data.numClasses}`, ['proba'])
    }
  }
}

/**
 * The rows at `indices` (repeats allowed) as a new prediction set. Used by bootstrap resampling and
 * slices; `numClasses` is kept so a resample missing a class still has the full probability width.
 */
export const takePredictionRows = (
  data: PredictionSet,
  indices: ArrayLike<number>,
): PredictionSet => {
  const m = indices.length
  const pick = (a: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(m)
    for (let j = 0; j < m; j++) out[j] = a[indices[j]!]!
    return out
  }
  let proba: Float64Array | undefined
  if (data.proba) {
    const k = matrixWidth('proba', data.proba, data.y.length)
    proba = new Float64Array(m * k)
    for (let j = 0; j < m; j++) {
      const i = indices[j]!
      for (let c = 0; c < k; c++) proba[j * k + c] = data.proba[i * k + c]!
    }
  }
  return {
    task: data.task,
    y: pick(data.y),
    ...(data.pred ? { pred: pick(data.pred) } : {}),
    ...(proba ? { proba } : {}),
    ...(data.numClasses !== undefined
      ? { numClasses: data.numClasses }
      : data.proba
        ? { numClasses: matrixWidth('proba', data.proba, data.y.length) }
        : {}),
    ...(data.weight ? { weight: pick(data.weight) } : {}),
    ...(data.group ? { group: pick(data.group) } : {}),
  }
}

/** Rows where `mask[i]` is truthy. */
export const filterPredictionRows = (
  data: PredictionSet,
  mask: ArrayLike<number | boolean>,
): PredictionSet => {
  checkLength('mask', mask, data.y.length)
  const idx: number[] = []
  for (let i = 0; i < mask.length; i++) if (mask[i]) idx.push(i)
  return takePredictionRows(data, idx)
}
