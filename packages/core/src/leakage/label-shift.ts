import {
  chiSquareHomogeneity,
  compareNumericSamples,
  populationStabilityIndex,
} from '../drift/index.js'
import { SPLIT_LABELS, TRAIN, type LeakageContext } from './context.js'
import type { LeakageCheck } from './types.js'

const labelsOf = (ctx: LeakageContext, rows: Int32Array): Float64Array =>
  Float64Array.from(rows, (r) => ctx.y[r]!).filter((v) => Number.isFinite(v))

const REMARK_TIME =
  'A shift is expected with a time split (the world moves between periods), but it must be known: the test period is what production will look like next.'
const REMARK_OTHER =
  'With a random or stratified split the label should be distributed alike in every split; a shift points at a sampling or labeling problem.'

/**
 * Label distribution shift between splits: class rates (classification) or mean and quantiles
 * (regression) per split, compared with train. A shift warns when it is both large (class rates
 * moving `labelRateShift`, a mean moving `labelMeanShift` train standard deviations) and
 * significant (chi-square or KS p-value below `labelShiftAlpha`), so small splits do not warn on
 * noise. Not leakage in itself, so at most a warning, but a
 * held-out score on a shifted label distribution is not comparable with the training one, and with
 * a time split it is the best preview of production.
 */
export const labelShiftCheck = (
  ctx: LeakageContext,
  splitKind: string | undefined,
): LeakageCheck => {
  const parts = [ctx.split.train, ctx.split.validation, ctx.split.test].map((rows) =>
    labelsOf(ctx, rows),
  )
  const remark = splitKind === 'time' ? REMARK_TIME : REMARK_OTHER
  const base = { check: 'label_shift', severity: 'low' } as const
  if (parts[TRAIN]!.length === 0) {
    return { ...base, status: 'skip', message: 'no labelled train rows', evidence: {} }
  }
  if (ctx.task === 'regression') {
    const summary = parts.map((p) => (p.length > 0 ? numericSummary(p) : null))
    const shifts = parts.slice(1).map((p, s) => {
      if (p.length === 0) return null
      const d = compareNumericSamples(parts[TRAIN]!, p)
      return {
        split: SPLIT_LABELS[s + 1]!,
        standardizedMeanDifference: d.standardizedMeanDifference,
        ks: d.ks.statistic,
        pValue: d.ks.pValue,
        psi: d.psi,
      }
    })
    const significant = shifts.filter(
      (s) =>
        s !== null &&
        Math.abs(s.standardizedMeanDifference) >= ctx.options.labelMeanShift &&
        s.pValue < ctx.options.labelShiftAlpha,
    )
    const worst = Math.max(0, ...significant.map((s) => Math.abs(s!.standardizedMeanDifference)))
    const shifted = significant.length > 0
    return {
      ...base,
      status: shifted ? 'warn' : 'pass',
      message: shifted
        ? `the label's mean moves by ${worst.toFixed(2)} train standard deviations between splits. ${remark}`
        : 'the label is distributed alike in every split',
      evidence: {
        perSplit: Object.fromEntries(SPLIT_LABELS.map((s, k) => [s, summary[k]])),
        shifts,
        threshold: ctx.options.labelMeanShift,
        alpha: ctx.options.labelShiftAlpha,
        remark,
      },
    }
  }
  const K = ctx.numClasses
  const counts = parts.map((p) => {
    const c = new Array<number>(K).fill(0)
    for (const v of p) c[v]!++
    return c
  })
  const rates = counts.map((c, s) =>
    parts[s]!.length > 0 ? c.map((v) => v / parts[s]!.length) : null,
  )
  const shifts = rates.slice(1).map((r, s) => {
    if (r === null) return null
    const maxRateChange = Math.max(...r.map((v, k) => Math.abs(v - rates[TRAIN]![k]!)))
    const pValue = twoClassesPresent(counts[TRAIN]!, counts[s + 1]!)
      ? chiSquareHomogeneity([counts[TRAIN]!, counts[s + 1]!]).pValue
      : 1
    return {
      split: SPLIT_LABELS[s + 1]!,
      maxRateChange,
      pValue,
      psi: populationStabilityIndex(counts[TRAIN]!, counts[s + 1]!),
    }
  })
  const significant = shifts.filter(
    (s) =>
      s !== null &&
      s.maxRateChange >= ctx.options.labelRateShift &&
      s.pValue < ctx.options.labelShiftAlpha,
  )
  const worst = Math.max(0, ...significant.map((s) => s!.maxRateChange))
  const shifted = significant.length > 0
  const fmt = (r: number[] | null): string =>
    r === null ? '–' : r.map((v) => `${(100 * v).toFixed(1)}%`).join('/')
  return {
    ...base,
    status: shifted ? 'warn' : 'pass',
    message: shifted
      ? `class rates move by up to ${(100 * worst).toFixed(1)} points between splits (train ${fmt(rates[0]!)}, validation ${fmt(rates[1]!)}, test ${fmt(rates[2]!)}). ${remark}`
      : `class rates are stable across splits (train ${fmt(rates[0]!)}, validation ${fmt(rates[1]!)}, test ${fmt(rates[2]!)})`,
    evidence: {
      counts: Object.fromEntries(SPLIT_LABELS.map((s, k) => [s, counts[k]])),
      rates: Object.fromEntries(SPLIT_LABELS.map((s, k) => [s, rates[k]])),
      shifts,
      threshold: ctx.options.labelRateShift,
      alpha: ctx.options.labelShiftAlpha,
      remark,
    },
  }
}

const numericSummary = (v: Float64Array) => {
  const s = v.slice().sort()
  const q = (p: number): number => {
    const at = p * (s.length - 1)
    const lo = Math.floor(at)
    const hi = Math.min(s.length - 1, lo + 1)
    return s[lo]! + (s[hi]! - s[lo]!) * (at - lo)
  }
  let mean = 0
  for (const x of s) mean += x
  mean /= s.length
  return { n: s.length, mean, p10: q(0.1), p50: q(0.5), p90: q(0.9) }
}

/** A chi-square test needs at least two classes observed across the two splits. */
const twoClassesPresent = (a: readonly number[], b: readonly number[]): boolean =>
  a.filter((v, k) => v + b[k]! > 0).length >= 2
