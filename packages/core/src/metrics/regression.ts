import {
  badArgument,
  checkFinite,
  checkLength,
  checkWeights,
  undefinedMetric,
  weightAt,
} from './validate.js'

/** Regression errors, as scikit-learn's `sklearn.metrics` regression functions, with sample weights. */

/** Options for the regression metrics. */
export interface RegressionOptions {
  readonly weight?: Float64Array
}

const weightedMean = (
  name: string,
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  weight: Float64Array | undefined,
  loss: (t: number, p: number) => number,
): number => {
  const n = y.length
  checkLength('pred', pred, n)
  checkFinite('y', y)
  checkFinite('pred', pred)
  const total = checkWeights(weight, n)
  if (total === 0) return undefinedMetric(name, 'total weight is zero')
  let sum = 0
  for (let i = 0; i < n; i++) sum += weightAt(weight, i) * loss(y[i]!, pred[i]!)
  return sum / total
}

/** Mean absolute error: in the target's unit, robust to a few large misses. */
export const meanAbsoluteError = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: RegressionOptions = {},
): number => weightedMean('MAE', y, pred, options.weight, (t, p) => Math.abs(t - p))

/** Mean squared error. */
export const meanSquaredError = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: RegressionOptions = {},
): number => weightedMean('MSE', y, pred, options.weight, (t, p) => (t - p) ** 2)

/** Root mean squared error: the square root of the weighted MSE, in the target's unit. */
export const rootMeanSquaredError = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: RegressionOptions = {},
): number => Math.sqrt(meanSquaredError(y, pred, options))

/**
 * Mean absolute percentage error as a fraction (0.1 = 10%), dividing by `max(|y|, ε)` with ε the
 * float64 epsilon as scikit-learn does: a zero target gives a huge but finite term, so prefer MAE
 * when targets can be 0.
 */
export const meanAbsolutePercentageError = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: RegressionOptions = {},
): number =>
  weightedMean(
    'MAPE',
    y,
    pred,
    options.weight,
    (t, p) => Math.abs(t - p) / Math.max(Math.abs(t), Number.EPSILON),
  )

/**
 * Coefficient of determination: 1 − SSE / SST around the weighted mean. It is negative when the
 * model is worse than predicting the mean. Constant targets follow scikit-learn's `force_finite`:
 * 1 for a perfect prediction, otherwise 0.
 */
export const r2Score = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: RegressionOptions = {},
): number => {
  const mse = meanSquaredError(y, pred, options)
  const total = checkWeights(options.weight, y.length)
  let mean = 0
  for (let i = 0; i < y.length; i++) mean += weightAt(options.weight, i) * y[i]!
  mean /= total
  let sst = 0
  for (let i = 0; i < y.length; i++) sst += weightAt(options.weight, i) * (y[i]! - mean) ** 2
  const sse = mse * total
  if (sst === 0) return sse === 0 ? 1 : 0
  return 1 - sse / sst
}

/**
 * Pinball (quantile) loss at level `alpha`: `α·(y − ŷ)` when under-predicting, `(1 − α)·(ŷ − y)`
 * when over-predicting. Minimised by the α-quantile, so it scores quantile regression; at α = 0.5 it
 * is half the MAE (scikit-learn's `mean_pinball_loss`).
 */
export const meanPinballLoss = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  alpha = 0.5,
  options: RegressionOptions = {},
): number => {
  if (!(alpha >= 0 && alpha <= 1)) badArgument(`alpha must be in [0, 1], got ${alpha}`, ['alpha'])
  return weightedMean('pinball loss', y, pred, options.weight, (t, p) =>
    t >= p ? alpha * (t - p) : (1 - alpha) * (p - t),
  )
}
