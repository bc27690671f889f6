import { argsortDescending } from './argsort.js'
import type { PrecisionRecallCurve, RocCurve } from './types.js'
import { checkBinary, checkFinite, checkLength, checkWeights, undefinedMetric } from './validate.js'

/**
 * Threshold curves for binary scores, following scikit-learn's `_binary_clf_curve`: rows with zero
 * weight are dropped, scores are sorted in decreasing order, and there is one point per distinct
 * score (ties move together, which is what gives tied scores half credit in the AUC). A row is
 * predicted positive at threshold `t` when its score is `>= t`.
 */

/** Cumulative weighted false/true positives at each distinct score, in decreasing score order. */
export interface BinaryCounts {
  readonly fps: Float64Array
  readonly tps: Float64Array
  readonly thresholds: Float64Array
}

/**
 * The cumulative counts behind ROC and PR curves. Exposed so that threshold selection and the
 * curves share one pass and one definition of ties.
 */
export const binaryCounts = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  weight?: Float64Array,
): BinaryCounts => {
  const n = y.length
  checkLength('scores', scores, n)
  checkBinary('y', y)
  checkFinite('scores', scores)
  checkWeights(weight, n)
  const sorted = argsortDescending(scores)
  // scikit-learn drops zero-weight rows before finding distinct scores.
  const order = weight ? sorted.filter((i) => weight[i]! > 0) : sorted
  const m = order.length
  const fps: number[] = []
  const tps: number[] = []
  const thresholds: number[] = []
  let tp = 0
  let fp = 0
  for (let r = 0; r < m; r++) {
    const i = order[r]!
    const w = weight ? weight[i]! : 1
    if (y[i] === 1) tp += w
    else fp += w
    // One point at the last row of each run of equal scores.
    if (r === m - 1 || scores[order[r + 1]!] !== scores[i]) {
      fps.push(fp)
      tps.push(tp)
      thresholds.push(scores[i]!)
    }
  }
  if (m === 0) undefinedMetric('binary curve', 'no row has positive weight')
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  }
}

/** Options for {@link rocCurve}. */
export interface RocCurveOptions {
  readonly weight?: Float64Array
  /**
   * Drop points that lie on a straight line between their neighbours (scikit-learn's default,
   * `true`). They never change the area and are suboptimal operating points; keeping them gives one
   * point per distinct score, which is what threshold tables want.
   */
  readonly dropIntermediate?: boolean
}

/**
 * Receiver operating characteristic curve, as scikit-learn's `roc_curve`. The first point is
 * (0, 0) with threshold `max(score) + 1` (scikit-learn 1.2's convention; 1.3+ uses `inf`, which JSON
 * cannot carry). Throws an undefined-metric error when `y` lacks either class.
 */
export const rocCurve = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: RocCurveOptions = {},
): RocCurve => {
  let { fps, tps, thresholds } = binaryCounts(y, scores, options.weight)
  const m = fps.length
  if ((options.dropIntermediate ?? true) && m > 2) {
    const keep: number[] = [0]
    for (let i = 1; i < m - 1; i++) {
      // np.diff(x, 2) != 0: a corner in either coordinate.
      const dF = fps[i + 1]! - fps[i]! - (fps[i]! - fps[i - 1]!)
      const dT = tps[i + 1]! - tps[i]! - (tps[i]! - tps[i - 1]!)
      if (dF !== 0 || dT !== 0) keep.push(i)
    }
    keep.push(m - 1)
    fps = Float64Array.from(keep, (i) => fps[i]!)
    tps = Float64Array.from(keep, (i) => tps[i]!)
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!)
  }
  const N = fps[fps.length - 1]!
  const P = tps[tps.length - 1]!
  if (!(N > 0)) undefinedMetric('ROC curve', 'y has no negative rows')
  if (!(P > 0)) undefinedMetric('ROC curve', 'y has no positive rows')
  const fpr = [0]
  const tpr = [0]
  const th = [thresholds[0]! + 1]
  for (let i = 0; i < fps.length; i++) {
    fpr.push(fps[i]! / N)
    tpr.push(tps[i]! / P)
    th.push(thresholds[i]!)
  }
  return { fpr, tpr, thresholds: th }
}

/** Options for {@link precisionRecallCurve}. */
export interface PrecisionRecallCurveOptions {
  readonly weight?: Float64Array
  /**
   * Keep only the first and last point of every run of equal recall (scikit-learn ≥ 1.3's
   * `drop_intermediate`); default `false`, as scikit-learn. Average precision is unchanged.
   */
  readonly dropIntermediate?: boolean
}

/**
 * Precision–recall curve, as scikit-learn's `precision_recall_curve`: points in increasing threshold
 * order (so recall decreases), ending with the point (recall 0, precision 1) that has no threshold.
 * Throws an undefined-metric error when `y` has no positive row (scikit-learn warns and reports
 * recall 1 everywhere instead).
 */
export const precisionRecallCurve = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: PrecisionRecallCurveOptions = {},
): PrecisionRecallCurve => {
  let { fps, tps, thresholds } = binaryCounts(y, scores, options.weight)
  const m = fps.length
  if (options.dropIntermediate && m > 2) {
    const keep: number[] = [0]
    for (let i = 1; i < m - 1; i++) {
      if (tps[i]! !== tps[i - 1]! || tps[i + 1]! !== tps[i]!) keep.push(i)
    }
    keep.push(m - 1)
    fps = Float64Array.from(keep, (i) => fps[i]!)
    tps = Float64Array.from(keep, (i) => tps[i]!)
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!)
  }
  const P = tps[tps.length - 1]!
  if (!(P > 0)) undefinedMetric('precision-recall curve', 'y has no positive rows')
  const precision: number[] = []
  const recall: number[] = []
  const th: number[] = []
  for (let i = fps.length - 1; i >= 0; i--) {
    const ps = tps[i]! + fps[i]!
    precision.push(ps === 0 ? 0 : tps[i]! / ps)
    recall.push(tps[i]! / P)
    th.push(thresholds[i]!)
  }
  precision.push(1)
  recall.push(0)
  return { precision, recall, thresholds: th }
}
