import {
  badArgument,
  checkBinary,
  checkClassIndices,
  checkFinite,
  checkLength,
  checkProbabilities,
  checkWeights,
  matrixWidth,
  undefinedMetric,
  weightAt,
} from './validate.js'

/**
 * Proper scoring rules on predicted probabilities: they reward calibration as well as ranking, so
 * they are what probability calibration and model comparison optimise.
 */

/** Options for {@link logLoss}. */
export interface LogLossOptions {
  readonly weight?: Float64Array
  /**
   * Probabilities are clipped to `[eps, 1 − eps]` before the log so a confident mistake costs a
   * large finite amount instead of `Infinity`. Default: float64 machine epsilon (2.22e-16), as
   * scikit-learn's `eps="auto"`.
   */
  readonly eps?: number
}

/**
 * Cross-entropy of n×K probabilities (row-major; K = 2 for binary) against class indices, as
 * scikit-learn 1.2's `log_loss`: clip, renormalise each row to sum 1, then the weighted mean of
 * `−log p[y]`. Lower is better; predicting the base rate scores the label entropy.
 */
export const logLoss = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: LogLossOptions = {},
): number => {
  const n = y.length
  const k = matrixWidth('proba', proba, n)
  if (k < 2) badArgument('log loss needs at least two probability columns', ['proba'])
  checkClassIndices('y', y, k)
  checkFinite('proba', proba)
  const total = checkWeights(options.weight, n)
  if (total === 0) return undefinedMetric('log loss', 'total weight is zero')
  const eps = options.eps ?? Number.EPSILON
  if (!(eps >= 0 && eps < 0.5)) badArgument(`eps must be in [0, 0.5), got ${eps}`, ['eps'])
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps)
  let sum = 0
  for (let i = 0; i < n; i++) {
    let rowSum = 0
    for (let c = 0; c < k; c++) rowSum += clip(proba[i * k + c]!)
    const p = clip(proba[i * k + y[i]!]!) / rowSum
    sum += weightAt(options.weight, i) * -Math.log(p)
  }
  return sum / total
}

/**
 * Brier score for 0/1 targets and positive-class probabilities: the weighted mean squared error of
 * the probability (scikit-learn's `brier_score_loss`). In [0, 1]; lower is better.
 */
export const brierScore = (
  y: ArrayLike<number>,
  prob: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): number => {
  const n = y.length
  checkLength('prob', prob, n)
  checkBinary('y', y)
  checkProbabilities('prob', prob)
  const total = checkWeights(options.weight, n)
  if (total === 0) return undefinedMetric('Brier score', 'total weight is zero')
  let sum = 0
  for (let i = 0; i < n; i++) sum += weightAt(options.weight, i) * (y[i]! - prob[i]!) ** 2
  return sum / total
}

/**
 * Multiclass Brier score: the weighted mean over rows of `Σ_k (p_k − [y = k])²`, in [0, 2]. For
 * K = 2 it is twice {@link brierScore} (both columns count), so the catalogue's `brier` uses the
 * binary form for binary tasks.
 */
export const multiclassBrierScore = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): number => {
  const n = y.length
  const k = matrixWidth('proba', proba, n)
  checkClassIndices('y', y, k)
  checkProbabilities('proba', proba)
  const total = checkWeights(options.weight, n)
  if (total === 0) return undefinedMetric('Brier score', 'total weight is zero')
  let sum = 0
  for (let i = 0; i < n; i++) {
    let row = 0
    for (let c = 0; c < k; c++) row += (proba[i * k + c]! - (y[i] === c ? 1 : 0)) ** 2
    sum += weightAt(options.weight, i) * row
  }
  return sum / total
}
