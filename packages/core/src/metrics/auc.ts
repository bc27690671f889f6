import { argsortDescending } from './argsort.js'
import { binaryCounts } from './curves.js'
import {
  badArgument,
  checkBinary,
  checkClassIndices,
  checkFinite,
  checkLength,
  checkWeights,
  matrixWidth,
  undefinedMetric,
} from './validate.js'

/**
 * Threshold-free ranking quality of scores: ROC-AUC and average precision, O(n log n) (one sort).
 * Tied scores share one curve point, so a tie between a positive and a negative counts one half
 * (the Mann–Whitney convention); all-equal scores give AUC 0.5.
 */

/** Options for the binary ranking scores. */
export interface BinaryScoreOptions {
  readonly weight?: Float64Array
}

/**
 * Area under the ROC curve for 0/1 targets and positive-class scores: the probability that a random
 * positive scores above a random negative (ties count 1/2). Invariant to any strictly increasing
 * transform of the scores. Throws an undefined-metric error when `y` has one class only.
 */
export const rocAucScore = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number => {
  const { fps, tps } = binaryCounts(y, scores, options.weight)
  const m = fps.length
  const N = fps[m - 1]!
  const P = tps[m - 1]!
  if (!(N > 0) || !(P > 0)) return undefinedMetric('ROC-AUC', 'y holds a single class')
  let area = 0
  let f0 = 0
  let t0 = 0
  for (let i = 0; i < m; i++) {
    area += (fps[i]! - f0) * (tps[i]! + t0)
    f0 = fps[i]!
    t0 = tps[i]!
  }
  return area / (2 * N * P)
}

/**
 * ROC-AUC of the same rows under many row multiplicities, for the bootstrap: the scores are sorted
 * once, and each call walks that order in O(n) with `counts[i]` copies of row `i` (0 leaves it
 * out). The counts are whole numbers, so every partial sum is an exact integer and the result is
 * bit for bit what {@link rocAucScore} gives on the rows repeated as `counts` says (for fewer than
 * 2^26 rows, where `2·N·P` stays below 2^53). Throws an undefined-metric error when the counted
 * rows hold one class only.
 *
 * @example
 * const auc = rocAucResampler(y, scores)
 * const replicate = auc(multiplicities) // one bootstrap resample, no sort
 */
export const rocAucResampler = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
): ((counts: ArrayLike<number>) => number) => {
  const n = y.length
  checkLength('scores', scores, n)
  checkBinary('y', y)
  checkFinite('scores', scores)
  const order = argsortDescending(scores)
  const sorted = new Float64Array(n)
  const positive = new Uint8Array(n)
  for (let r = 0; r < n; r++) {
    sorted[r] = scores[order[r]!]!
    positive[r] = y[order[r]!] === 1 ? 1 : 0
  }
  return (counts) => {
    checkLength('counts', counts, n)
    let area = 0
    let f0 = 0
    let t0 = 0
    let fp = 0
    let tp = 0
    let last = -1 // the last counted row: a curve point closes where the next counted score differs
    for (let r = 0; r < n; r++) {
      const c = counts[order[r]!]!
      if (c === 0) continue
      if (last >= 0 && sorted[r] !== sorted[last]) {
        area += (fp - f0) * (tp + t0)
        f0 = fp
        t0 = tp
      }
      if (positive[r] === 1) tp += c
      else fp += c
      last = r
    }
    area += (fp - f0) * (tp + t0)
    if (!(fp > 0) || !(tp > 0)) return undefinedMetric('ROC-AUC', 'y holds a single class')
    return area / (2 * fp * tp)
  }
}

/**
 * Average precision, scikit-learn's step definition `Σ (R_n − R_{n−1}) · P_n` over distinct
 * thresholds: no interpolation, so it is not the trapezoidal area under the PR curve (which is
 * optimistic). Throws an undefined-metric error when `y` has no positive row.
 */
export const averagePrecisionScore = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number => {
  const { fps, tps } = binaryCounts(y, scores, options.weight)
  const m = fps.length
  const P = tps[m - 1]!
  if (!(P > 0)) return undefinedMetric('average precision', 'y has no positive rows')
  let ap = 0
  let prevRecall = 0
  for (let i = 0; i < m; i++) {
    const recall = tps[i]! / P
    const precision = tps[i]! / (tps[i]! + fps[i]!)
    ap += (recall - prevRecall) * precision
    prevRecall = recall
  }
  return ap
}

/** Options for one-vs-rest multiclass scores. */
export interface OvrOptions {
  readonly weight?: Float64Array
  /** `'macro'` (default): plain mean over classes; `'weighted'`: weighted by class prevalence. */
  readonly average?: 'macro' | 'weighted'
}

const ovr = (
  name: string,
  score: (y: Float64Array, s: Float64Array, w: Float64Array | undefined) => number,
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: OvrOptions,
): number => {
  const n = y.length
  const k = matrixWidth('proba', proba, n)
  if (k < 2) badArgument(`${name} needs at least two probability columns`, ['proba'])
  checkClassIndices('y', y, k)
  checkWeights(options.weight, n)
  const yk = new Float64Array(n)
  const sk = new Float64Array(n)
  let sum = 0
  let wsum = 0
  for (let c = 0; c < k; c++) {
    let prevalence = 0
    for (let i = 0; i < n; i++) {
      yk[i] = y[i] === c ? 1 : 0
      sk[i] = proba[i * k + c]!
      if (y[i] === c) prevalence += options.weight ? options.weight[i]! : 1
    }
    if (prevalence === 0) undefinedMetric(name, `class ${c} does not occur in y`)
    const w = options.average === 'weighted' ? prevalence : 1
    sum += w * score(yk, sk, options.weight)
    wsum += w
  }
  return sum / wsum
}

/**
 * Multiclass ROC-AUC, one class against the rest, averaged (scikit-learn's
 * `roc_auc_score(multi_class='ovr')`). Every class must occur in `y`. Unlike scikit-learn, rows of
 * `proba` are not required to sum to 1: each class's AUC only uses the ordering of its column.
 */
export const rocAucOvrScore = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: OvrOptions = {},
): number =>
  ovr(
    'ROC-AUC (one-vs-rest)',
    (a, s, w) => rocAucScore(a, s, w ? { weight: w } : {}),
    y,
    proba,
    options,
  )

/** Multiclass average precision, one class against the rest, averaged (as scikit-learn ≥ 1.3). */
export const averagePrecisionOvrScore = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: OvrOptions = {},
): number =>
  ovr(
    'average precision (one-vs-rest)',
    (a, s, w) => averagePrecisionScore(a, s, w ? { weight: w } : {}),
    y,
    proba,
    options,
  )

/** Column `c` of a row-major n×K matrix. */
export const probaColumn = (proba: ArrayLike<number>, n: number, c: number): Float64Array => {
  const k = matrixWidth('proba', proba, n)
  if (c < 0 || c >= k) badArgument(`class ${c} is outside the ${k} probability columns`)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = proba[i * k + c]!
  return out
}
