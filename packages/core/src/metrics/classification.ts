import type { AveragingMethod, ClassificationOptions } from './types.js'
import {
  badArgument,
  checkClassIndices,
  checkLength,
  checkWeights,
  undefinedMetric,
  weightAt,
} from './validate.js'

/**
 * Label-based classification metrics (hard predictions), defined as scikit-learn defines them so
 * that numbers agree with the reference: weighted counts, the label set inferred as the sorted union
 * of classes in `y` and `pred`, and 0 where a ratio has a zero denominator (scikit-learn's
 * `zero_division="warn"` result).
 */

/** Weighted per-class counts over all rows: true positives, predicted count, true count. */
interface ClassCounts {
  readonly tp: Float64Array
  readonly predicted: Float64Array
  readonly actual: Float64Array
  readonly present: number[]
  readonly total: number
}

const countClasses = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  weight: Float64Array | undefined,
): ClassCounts => {
  const n = y.length
  checkLength('pred', pred, n)
  checkClassIndices('y', y)
  checkClassIndices('pred', pred)
  const total = checkWeights(weight, n)
  let k = 0
  for (let i = 0; i < n; i++) k = Math.max(k, y[i]! + 1, pred[i]! + 1)
  const tp = new Float64Array(k)
  const predicted = new Float64Array(k)
  const actual = new Float64Array(k)
  const seen = new Uint8Array(k)
  for (let i = 0; i < n; i++) {
    const w = weightAt(weight, i)
    const t = y[i]!
    const p = pred[i]!
    actual[t] = actual[t]! + w
    predicted[p] = predicted[p]! + w
    if (t === p) tp[t] = tp[t]! + w
    seen[t] = 1
    seen[p] = 1
  }
  const present: number[] = []
  for (let c = 0; c < k; c++) if (seen[c]) present.push(c)
  return { tp, predicted, actual, present, total }
}

const ratio = (num: number, den: number, zeroDivision: number): number =>
  den === 0 ? zeroDivision : num / den

/** A confusion matrix as plain data: `matrix[i][j]` is the weight of rows of `labels[i]` predicted `labels[j]`. */
export interface ConfusionMatrix {
  readonly labels: number[]
  readonly matrix: number[][]
}

/**
 * The (weighted) confusion matrix. Rows whose true or predicted class is not in `labels` are left
 * out, as in scikit-learn.
 */
export const confusionMatrix = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: ClassificationOptions = {},
): ConfusionMatrix => {
  const counts = countClasses(y, pred, options.weight)
  const labels = options.labels ? [...options.labels] : counts.present
  const index = new Map(labels.map((l, i) => [l, i]))
  const matrix = labels.map(() => labels.map(() => 0))
  for (let i = 0; i < y.length; i++) {
    const a = index.get(y[i]!)
    const b = index.get(pred[i]!)
    if (a === undefined || b === undefined) continue
    matrix[a]![b]! += weightAt(options.weight, i)
  }
  return { labels, matrix }
}

/** Weighted share of rows predicted correctly. */
export const accuracyScore = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): number => {
  const c = countClasses(y, pred, options.weight)
  if (c.total === 0) return undefinedMetric('accuracy', 'total weight is zero')
  let correct = 0
  for (const k of c.present) correct += c.tp[k]!
  return correct / c.total
}

/**
 * Mean recall over the classes that occur in `y` (classes only predicted are skipped, as
 * scikit-learn does with a warning). Robust to class imbalance: a majority-class predictor scores 1/K.
 */
export const balancedAccuracyScore = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): number => {
  const c = countClasses(y, pred, options.weight)
  let sum = 0
  let m = 0
  for (const k of c.present) {
    if (c.actual[k]! > 0) {
      sum += c.tp[k]! / c.actual[k]!
      m++
    }
  }
  if (m === 0) return undefinedMetric('balanced accuracy', 'no class has positive weight')
  return sum / m
}

/** Options for precision, recall and F-scores. */
export interface PrecisionRecallOptions extends ClassificationOptions {
  /** How classes combine; default `'binary'` (score of `positiveClass` only; data must be 0/1). */
  readonly average?: AveragingMethod
  /** The class whose scores `'binary'` reports; default 1. */
  readonly positiveClass?: number
  /** Value of a ratio whose denominator is zero; default 0 (scikit-learn's default result). */
  readonly zeroDivision?: 0 | 1
}

/** Per-class precision, recall, F1 and support (weighted true count), for the report tables. */
export interface PerClassScores {
  readonly labels: number[]
  readonly precision: number[]
  readonly recall: number[]
  readonly f1: number[]
  readonly support: number[]
}

const fbetaFromCounts = (
  tp: number,
  pred: number,
  act: number,
  beta: number,
  zd: number,
): number => {
  const b2 = beta * beta
  // (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp), with fn = act − tp and fp = pred − tp.
  const den = (1 + b2) * tp + b2 * (act - tp) + (pred - tp)
  return ratio((1 + b2) * tp, den, zd)
}

/** Precision, recall, F1 and support of every class in `labels` (default: classes present). */
export const perClassScores = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: ClassificationOptions & { readonly zeroDivision?: 0 | 1 } = {},
): PerClassScores => {
  const c = countClasses(y, pred, options.weight)
  const zd = options.zeroDivision ?? 0
  const labels = options.labels ? [...options.labels] : c.present
  const get = (a: Float64Array, k: number): number => (k < a.length ? a[k]! : 0)
  return {
    labels,
    precision: labels.map((k) => ratio(get(c.tp, k), get(c.predicted, k), zd)),
    recall: labels.map((k) => ratio(get(c.tp, k), get(c.actual, k), zd)),
    f1: labels.map((k) =>
      fbetaFromCounts(get(c.tp, k), get(c.predicted, k), get(c.actual, k), 1, zd),
    ),
    support: labels.map((k) => get(c.actual, k)),
  }
}

type Which = 'precision' | 'recall' | 'fbeta'

const averaged = (
  which: Which,
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  beta: number,
  options: PrecisionRecallOptions,
): number => {
  const c = countClasses(y, pred, options.weight)
  const zd = options.zeroDivision ?? 0
  const average = options.average ?? 'binary'
  const get = (a: Float64Array, k: number): number => (k < a.length ? a[k]! : 0)
  const score = (tp: number, p: number, a: number): number =>
    which === 'precision'
      ? ratio(tp, p, zd)
      : which === 'recall'
        ? ratio(tp, a, zd)
        : fbetaFromCounts(tp, p, a, beta, zd)
  if (average === 'binary') {
    const pos = options.positiveClass ?? 1
    if (c.present.some((k) => k > 1)) {
      badArgument(`average 'binary' needs 0/1 classes; use 'macro', 'micro' or 'weighted'`, [
        'average',
      ])
    }
    return score(get(c.tp, pos), get(c.predicted, pos), get(c.actual, pos))
  }
  const labels = options.labels ? [...options.labels] : c.present
  if (average === 'micro') {
    let tp = 0
    let p = 0
    let a = 0
    for (const k of labels) {
      tp += get(c.tp, k)
      p += get(c.predicted, k)
      a += get(c.actual, k)
    }
    return score(tp, p, a)
  }
  let sum = 0
  let wsum = 0
  for (const k of labels) {
    const w = average === 'weighted' ? get(c.actual, k) : 1
    sum += w * score(get(c.tp, k), get(c.predicted, k), get(c.actual, k))
    wsum += w
  }
  return wsum === 0 ? zd : sum / wsum
}

/** Precision (positive predictive value): of the rows predicted as a class, the share that are. */
export const precisionScore = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: PrecisionRecallOptions = {},
): number => averaged('precision', y, pred, 1, options)

/** Recall (true positive rate): of the rows of a class, the share predicted as it. */
export const recallScore = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: PrecisionRecallOptions = {},
): number => averaged('recall', y, pred, 1, options)

/** F-beta: the weighted harmonic mean of precision and recall; beta > 1 favours recall. */
export const fbetaScore = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  beta: number,
  options: PrecisionRecallOptions = {},
): number => {
  if (!(beta > 0)) badArgument(`beta must be positive, got ${beta}`, ['beta'])
  return averaged('fbeta', y, pred, beta, options)
}

/**
 * F1. Asymmetric in the positive class: the book's model A scores 0.17 with CANCER positive and
 * 0.95 with NORMAL positive, so `positiveClass` is explicit.
 */
export const f1Score = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: PrecisionRecallOptions = {},
): number => averaged('fbeta', y, pred, 1, options)

const squareSums = (counts: ClassCounts): { t: number; p: number; tp: number } => {
  let t = 0
  let p = 0
  let tp = 0
  for (const k of counts.present) {
    t += counts.actual[k]! * counts.actual[k]!
    p += counts.predicted[k]! * counts.predicted[k]!
    tp += counts.actual[k]! * counts.predicted[k]!
  }
  return { t, p, tp }
}

/**
 * Matthews correlation coefficient (multiclass form of Gorodkin 2004, as scikit-learn). Returns 0
 * when either the truth or the predictions hold a single class, as scikit-learn does.
 */
export const matthewsCorrcoef = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): number => {
  const c = countClasses(y, pred, options.weight)
  let correct = 0
  for (const k of c.present) correct += c.tp[k]!
  const s = c.total
  const sq = squareSums(c)
  const covYtYp = correct * s - sq.tp
  const covYpYp = s * s - sq.p
  const covYtYt = s * s - sq.t
  if (covYpYp * covYtYt === 0) return 0
  return covYtYp / Math.sqrt(covYtYt * covYpYp)
}

/** Options for {@link cohenKappaScore}. */
export interface KappaOptions extends ClassificationOptions {
  /** Disagreement weights for ordinal classes: none (default), linear or quadratic in label position. */
  readonly weighting?: 'none' | 'linear' | 'quadratic'
}

/**
 * Cohen's kappa: agreement between two labelings beyond chance. Used for model vs truth and for
 * annotator agreement. Linear/quadratic weights use positions in the label list (as scikit-learn).
 */
export const cohenKappaScore = (
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: KappaOptions = {},
): number => {
  const { labels, matrix } = confusionMatrix(a, b, options)
  const m = labels.length
  const rows = matrix.map((r) => r.reduce((s, v) => s + v, 0))
  const cols = labels.map((_, j) => matrix.reduce((s, r) => s + r[j]!, 0))
  const total = rows.reduce((s, v) => s + v, 0)
  const weighting = options.weighting ?? 'none'
  const w = (i: number, j: number): number =>
    weighting === 'none'
      ? i === j
        ? 0
        : 1
      : weighting === 'linear'
        ? Math.abs(i - j)
        : (i - j) ** 2
  let observed = 0
  let expected = 0
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      observed += w(i, j) * matrix[i]![j]!
      expected += (w(i, j) * cols[i]! * rows[j]!) / total
    }
  }
  if (!(expected > 0)) return undefinedMetric("Cohen's kappa", 'chance disagreement is zero')
  return 1 - observed / expected
}
