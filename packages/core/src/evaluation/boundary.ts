import { KeelError } from '../errors/index.js'
import { predictedClasses, type MetricDefinition, type PredictionSet } from '../metrics/index.js'
import { normalQuantile } from './normal.js'

/**
 * Intervals that stay honest at the boundary. A percentile bootstrap of a proportion that is 0 or 1
 * on the sample (every row right, every positive found) returns the zero-width interval `[1, 1]`,
 * and so does DeLong's interval of an AUC of 1: both say "no uncertainty" when the sample is merely
 * too small to show any. Here: the Wilson score interval for proportions (Wilson 1927; what
 * statsmodels' `proportion_confint(method='wilson')` gives), and a one-sided exact bound for an AUC
 * at 0 or 1.
 */

/**
 * A bootstrap with fewer distinct replicate values than this cannot show a metric's spread (its
 * percentiles are a handful of repeated values); the interval is replaced or withheld.
 */
export const MIN_DISTINCT_REPLICATES = 5

/** An interval with its bounds, level and how it was made. */
export interface BoundaryInterval {
  readonly lower: number
  readonly upper: number
  readonly level: number
  readonly method: 'wilson' | 'one-sided'
  /** One sentence for the report: why this interval and not the bootstrap's. */
  readonly note: string
}

const checkLevel = (level: number): void => {
  if (!(level > 0 && level < 1)) {
    throw new KeelError('INVALID_ARGUMENT', `level must be in (0, 1), got ${level}`, {
      path: ['level'],
    })
  }
}

/**
 * The Wilson score interval for `successes` out of `trials` at `level` (two-sided). Unlike the
 * normal (Wald) interval it is never zero-width and stays inside [0, 1] at 0 and n successes.
 *
 * @example
 * wilsonInterval(86, 86, 0.95) // [0.9573…, 1]: 86 of 86 right does not mean 100 % for sure
 */
export const wilsonInterval = (
  successes: number,
  trials: number,
  level = 0.95,
): { lower: number; upper: number } => {
  checkLevel(level)
  if (!(Number.isInteger(trials) && trials > 0 && successes >= 0 && successes <= trials)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `a proportion needs 0 ≤ successes ≤ trials and trials > 0, got ${successes} of ${trials}`,
    )
  }
  const z = normalQuantile(1 - (1 - level) / 2)
  const p = successes / trials
  const z2n = (z * z) / trials
  const centre = (p + z2n / 2) / (1 + z2n)
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials))
  // At 0 and n successes the bound is exactly 0 or 1 (the closed form rounds to 1 − 1e-16).
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === trials ? 1 : Math.min(1, centre + half),
  }
}

/**
 * The exact (Clopper–Pearson) one-sided lower bound on a probability after `trials` successes in
 * `trials` independent trials: `(1 − level)^(1/trials)`.
 */
export const allSuccessLowerBound = (trials: number, level = 0.95): number => {
  checkLevel(level)
  if (!(Number.isInteger(trials) && trials > 0)) {
    throw new KeelError('INVALID_ARGUMENT', `trials must be a positive integer, got ${trials}`)
  }
  return (1 - level) ** (1 / trials)
}

/**
 * The counts behind a metric that is a plain proportion of rows, or null when it is not one (a
 * weighted set, a macro average, a regression metric). Accuracy: correct of all rows; binary
 * precision: true positives of predicted positives; binary recall: true positives of actual
 * positives; micro-averaged precision, recall and F1 of single-label multiclass equal accuracy.
 */
export const proportionCounts = (
  def: MetricDefinition,
  data: PredictionSet,
): { successes: number; trials: number } | null => {
  if (data.weight || (data.task !== 'binary' && data.task !== 'multiclass')) return null
  const y = data.y
  const pred = predictedClasses(data)
  const micro = data.task === 'multiclass' && /^(precision|recall|f1)_micro$/.test(def.name)
  if (def.name === 'accuracy' || micro) {
    let correct = 0
    for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) correct++
    return { successes: correct, trials: y.length }
  }
  if (data.task !== 'binary' || (def.name !== 'precision' && def.name !== 'recall')) return null
  let tp = 0
  let denominator = 0
  for (let i = 0; i < y.length; i++) {
    const hit = def.name === 'precision' ? pred[i] === 1 : y[i] === 1
    if (!hit) continue
    denominator++
    if (y[i] === 1 && pred[i] === 1) tp++
  }
  return denominator === 0 ? null : { successes: tp, trials: denominator }
}

/** The Wilson interval of a proportion metric, or null when the metric is not a proportion. */
export const proportionInterval = (
  def: MetricDefinition,
  data: PredictionSet,
  level: number,
  why: string,
): BoundaryInterval | null => {
  const counts = proportionCounts(def, data)
  if (!counts) return null
  const { lower, upper } = wilsonInterval(counts.successes, counts.trials, level)
  return {
    lower,
    upper,
    level,
    method: 'wilson',
    note: `${why}; Wilson score interval for ${counts.successes} of ${counts.trials}`,
  }
}

/**
 * A one-sided bound for a binary ROC-AUC of exactly 1 (or 0) on `y`, where DeLong's variance is zero.
 * Pair each positive with a distinct negative: the min(positives, negatives) pairs are independent
 * and each is ordered correctly with probability AUC, so all of them ordered bounds the AUC below by
 * the exact binomial bound. Conservative (it uses fewer pairs than there are), never zero-width.
 */
export const aucBoundaryInterval = (
  y: ArrayLike<number>,
  auc: number,
  level: number,
): BoundaryInterval | null => {
  if (auc !== 0 && auc !== 1) return null
  let positives = 0
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++
  const pairs = Math.min(positives, y.length - positives)
  if (pairs === 0) return null
  const bound = allSuccessLowerBound(pairs, level)
  const note = `every positive scores ${auc === 1 ? 'above' : 'below'} every negative, so DeLong's interval has zero width; one-sided exact bound from ${pairs} disjoint positive–negative pairs`
  return auc === 1
    ? { lower: bound, upper: 1, level, method: 'one-sided', note }
    : { lower: 0, upper: 1 - bound, level, method: 'one-sided', note }
}

/** Distinct values among bootstrap replicates (sorted copy; NaN-free input). */
export const distinctValues = (values: readonly number[]): number => {
  const sorted = Float64Array.from(values).sort()
  let distinct = sorted.length > 0 ? 1 : 0
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) distinct++
  return distinct
}
