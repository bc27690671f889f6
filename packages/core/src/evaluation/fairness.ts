import { KeelError } from '../errors/index.js'
import type { CategoricalColumn } from '../frame/index.js'

/**
 * Group fairness metrics across a sensitive attribute, as fairlearn defines them
 * (`demographic_parity_difference`, `equalized_odds_difference`, ...): a rate per group, then the
 * largest gap between groups (`'between_groups'`, the default) or from the overall rate
 * (`'to_overall'`). Groups where a rate is undefined (no positive rows for a true positive rate) are
 * left out of that rate's gap and listed in `undefinedGroups`.
 */

/** The sensitive attribute: one group label per row, or a categorical column (missing = its own group). */
export type SensitiveAttribute = ArrayLike<string | number> | CategoricalColumn

/** How gaps are measured. */
export type DisparityMethod = 'between_groups' | 'to_overall'

/** Options for the fairness metrics. */
export interface FairnessOptions {
  readonly weight?: Float64Array
  readonly method?: DisparityMethod
}

/** Rates of one group, as plain data. */
export interface GroupRates {
  readonly group: string
  /** Rows (unweighted count). */
  readonly count: number
  readonly selectionRate: number
  readonly truePositiveRate: number | null
  readonly falsePositiveRate: number | null
  readonly accuracy: number
}

/** A fairness report: per-group rates and the disparity summaries. */
export interface FairnessReport {
  readonly method: DisparityMethod
  readonly groups: GroupRates[]
  readonly overall: Omit<GroupRates, 'group'>
  readonly demographicParityDifference: number
  readonly demographicParityRatio: number
  readonly equalOpportunityDifference: number
  readonly equalizedOddsDifference: number
  readonly equalizedOddsRatio: number
  /** Groups left out of a rate's gap because the rate is undefined there. */
  readonly undefinedGroups: string[]
}

const groupLabels = (s: SensitiveAttribute): string[] => {
  if ('kind' in s && s.kind === 'categorical') {
    return Array.from(s.codes, (c) => (c < 0 ? '(missing)' : s.dictionary[c]!))
  }
  const a = s as ArrayLike<string | number>
  return Array.from({ length: a.length }, (_, i) => String(a[i]))
}

interface Tally {
  n: number
  w: number
  sel: number
  pos: number
  tp: number
  neg: number
  fp: number
  correct: number
}

const rates = (t: Tally): Omit<GroupRates, 'group'> => ({
  count: t.n,
  selectionRate: t.sel / t.w,
  truePositiveRate: t.pos > 0 ? t.tp / t.pos : null,
  falsePositiveRate: t.neg > 0 ? t.fp / t.neg : null,
  accuracy: t.correct / t.w,
})

const gap = (values: number[], overall: number | null, method: DisparityMethod): number => {
  if (values.length === 0) return 0
  if (method === 'between_groups' || overall === null)
    return Math.max(...values) - Math.min(...values)
  return Math.max(...values.map((v) => Math.abs(v - overall)))
}

const ratio = (values: number[], overall: number | null, method: DisparityMethod): number => {
  if (values.length === 0) return 1
  if (method === 'between_groups' || overall === null) {
    const max = Math.max(...values)
    return max === 0 ? 1 : Math.min(...values) / max
  }
  return Math.min(
    ...values.map((v) =>
      v === 0 && overall === 0
        ? 1
        : v === 0 || overall === 0
          ? 0
          : Math.min(v / overall, overall / v),
    ),
  )
}

/**
 * Per-group rates and fairlearn's disparity metrics for 0/1 targets and 0/1 predictions.
 *
 * - demographic parity: gap in selection rate P(ŷ = 1 | group);
 * - equal opportunity: gap in true positive rate;
 * - equalized odds: the larger of the true- and false-positive-rate gaps (ratio: the smaller ratio).
 */
export const fairnessReport = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  sensitive: SensitiveAttribute,
  options: FairnessOptions = {},
): FairnessReport => {
  const n = y.length
  const labels = groupLabels(sensitive)
  if (pred.length !== n || labels.length !== n) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'y, pred and the sensitive attribute must have equal lengths',
    )
  }
  const w = options.weight
  if (w && w.length !== n) throw new KeelError('INVALID_ARGUMENT', 'weight length differs')
  const tallies = new Map<string, Tally>()
  const all: Tally = { n: 0, w: 0, sel: 0, pos: 0, tp: 0, neg: 0, fp: 0, correct: 0 }
  for (let i = 0; i < n; i++) {
    if ((y[i] !== 0 && y[i] !== 1) || (pred[i] !== 0 && pred[i] !== 1)) {
      throw new KeelError('INVALID_DATA', `row ${i}: y and pred must be 0 or 1`, { path: [i] })
    }
    const label = labels[i]!
    let t = tallies.get(label)
    if (!t)
      tallies.set(label, (t = { n: 0, w: 0, sel: 0, pos: 0, tp: 0, neg: 0, fp: 0, correct: 0 }))
    const wi = w ? w[i]! : 1
    for (const u of [t, all]) {
      u.n++
      u.w += wi
      u.sel += wi * pred[i]!
      if (y[i] === 1) {
        u.pos += wi
        u.tp += wi * pred[i]!
      } else {
        u.neg += wi
        u.fp += wi * pred[i]!
      }
      if (y[i] === pred[i]) u.correct += wi
    }
  }
  if (!(all.w > 0)) throw new KeelError('INVALID_DATA', 'total weight is zero')
  const method = options.method ?? 'between_groups'
  const groups = [...tallies.entries()]
    .filter(([, t]) => t.w > 0)
    .map(([group, t]) => ({ group, ...rates(t) }))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
  const overall = rates(all)
  const defined = (key: 'truePositiveRate' | 'falsePositiveRate'): number[] =>
    groups.map((g) => g[key]).filter((v): v is number => v !== null)
  const sel = groups.map((g) => g.selectionRate)
  const tpr = defined('truePositiveRate')
  const fpr = defined('falsePositiveRate')
  return {
    method,
    groups,
    overall,
    demographicParityDifference: gap(sel, overall.selectionRate, method),
    demographicParityRatio: ratio(sel, overall.selectionRate, method),
    equalOpportunityDifference: gap(tpr, overall.truePositiveRate, method),
    equalizedOddsDifference: Math.max(
      gap(tpr, overall.truePositiveRate, method),
      gap(fpr, overall.falsePositiveRate, method),
    ),
    equalizedOddsRatio: Math.min(
      ratio(tpr, overall.truePositiveRate, method),
      ratio(fpr, overall.falsePositiveRate, method),
    ),
    undefinedGroups: groups
      .filter((g) => g.truePositiveRate === null || g.falsePositiveRate === null)
      .map((g) => g.group),
  }
}

/** fairlearn's `demographic_parity_difference` (y is not needed; pass predictions twice if absent). */
export const demographicParityDifference = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  sensitive: SensitiveAttribute,
  options: FairnessOptions = {},
): number => fairnessReport(y, pred, sensitive, options).demographicParityDifference

/** fairlearn's `demographic_parity_ratio`: 1 is parity. */
export const demographicParityRatio = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  sensitive: SensitiveAttribute,
  options: FairnessOptions = {},
): number => fairnessReport(y, pred, sensitive, options).demographicParityRatio

/** fairlearn's `equal_opportunity_difference`: the true-positive-rate gap. */
export const equalOpportunityDifference = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  sensitive: SensitiveAttribute,
  options: FairnessOptions = {},
): number => fairnessReport(y, pred, sensitive, options).equalOpportunityDifference

/** fairlearn's `equalized_odds_difference`: the larger of the TPR and FPR gaps. */
export const equalizedOddsDifference = (
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  sensitive: SensitiveAttribute,
  options: FairnessOptions = {},
): number => fairnessReport(y, pred, sensitive, options).equalizedOddsDifference
