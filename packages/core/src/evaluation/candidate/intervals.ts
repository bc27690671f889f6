import { compareModels, type PairedComparison } from '../paired.js'
import { delongInterval } from '../delong.js'
import {
  aucBoundaryInterval,
  distinctValues,
  MIN_DISTINCT_REPLICATES,
  proportionInterval,
} from '../boundary.js'
import {
  intervalFromReplicates,
  resamplePredictionSet,
  resampler,
  type BootstrapResample,
} from '../bootstrap.js'
import {
  isUndefinedMetricError,
  metricByName,
  positiveScores,
  type MetricDefinition,
  type PredictionSet,
} from '../../metrics/index.js'
import type { Rng } from '../../random/index.js'
import type { EvaluationConfig } from './config-schema.js'
import type { MetricWithInterval } from './report-types.js'

/**
 * Test-set metrics with intervals, and paired comparisons with other models, under a compute budget.
 * ROC-AUC uses DeLong's analytic interval (one sort); everything else a seeded bootstrap on
 * resamples shared by all metrics: plain row resampling by default (what a scikit-learn user's own
 * bootstrap computes), stratified by the label only when the config asks (`bootstrap.stratify`),
 * since stratifying fixes the class counts and narrows the interval. Each bootstrap draws at most
 * {@link RESAMPLE_BUDGET} rows in total, so a large test split gets fewer resamples (never fewer
 * than {@link MIN_RESAMPLES}) instead of minutes of work; the report records how many were used.
 * At the boundary (a proportion of 0 or 1, an AUC of 1) the bootstrap and DeLong give zero-width
 * intervals; those become a Wilson interval, a one-sided bound, or no interval with a note.
 */

/** Rows drawn per bootstrap (resamples × rows), the cap that keeps large evaluations bounded. */
export const RESAMPLE_BUDGET = 10_000_000
/** The floor under budgeted resamples: below ~100 percentile intervals are too coarse to use. */
export const MIN_RESAMPLES = 100

/** Resamples for `n` rows: the configured number, reduced to fit the budget. */
export const budgetedResamples = (n: number, requested: number): number =>
  Math.min(requested, Math.max(MIN_RESAMPLES, Math.floor(RESAMPLE_BUDGET / Math.max(1, n))))

const isClassification = (d: PredictionSet): boolean =>
  d.task === 'binary' || d.task === 'multiclass'

const safeValue = (def: MetricDefinition, data: PredictionSet): number | null => {
  try {
    const v = def.compute(data)
    return Number.isFinite(v) ? v : null
  } catch (e) {
    if (isUndefinedMetricError(e)) return null
    throw e
  }
}

/** Point values of metrics (null where undefined on the data). */
export const pointMetrics = (
  data: PredictionSet,
  metrics: readonly string[],
): Record<string, number | null> => {
  const out: Record<string, number | null> = {}
  for (const m of metrics) out[metricByName(m).name] = safeValue(metricByName(m), data)
  return out
}

/** The resampling scheme the config asks for: label strata only when `stratify` is set. */
const schemeFor = (
  data: PredictionSet,
  bootstrap: EvaluationConfig['bootstrap'],
): { strata?: Float64Array } =>
  bootstrap.stratify && isClassification(data) ? { strata: data.y } : {}

/**
 * What to report instead of a percentile interval that cannot show the spread (fewer than
 * {@link MIN_DISTINCT_REPLICATES} distinct replicates, or zero width): a Wilson interval for a
 * proportion, otherwise the value alone with a note.
 */
const degenerateInterval = (
  def: MetricDefinition,
  data: PredictionSet,
  value: number,
  distinct: number,
  level: number,
): MetricWithInterval => {
  const why = `the bootstrap gave ${distinct} distinct value${distinct === 1 ? '' : 's'}`
  const wilson = proportionInterval(def, data, level, why)
  if (wilson) return { value, ...wilson }
  return { value, method: 'none', note: `${why}: the sample is too small for an interval` }
}

const isAucByDelong = (def: MetricDefinition, data: PredictionSet): boolean =>
  def.name === 'roc_auc' && data.task === 'binary' && !data.weight

/**
 * Metrics with their intervals, keyed by canonical name. ROC-AUC gets DeLong's interval; every
 * other metric is bootstrapped on one shared set of class-stratified resamples (each resample is
 * drawn and copied once and scored by every metric), which is what keeps a large test split
 * affordable. Resamples where a metric is undefined are skipped for that metric.
 */
export const metricIntervals = (
  data: PredictionSet,
  metrics: readonly string[],
  bootstrap: EvaluationConfig['bootstrap'],
  rng: Rng,
): Record<string, MetricWithInterval> => {
  const out: Record<string, MetricWithInterval> = {}
  const boot: { def: MetricDefinition; value: number }[] = []
  for (const m of metrics) {
    const def = metricByName(m)
    const value = safeValue(def, data)
    if (value === null) {
      out[def.name] = { value: null, method: 'none' }
      continue
    }
    if (isAucByDelong(def, data)) {
      const boundary = aucBoundaryInterval(data.y, value, bootstrap.level)
      if (boundary) {
        out[def.name] = { value, ...boundary }
        continue
      }
      const ci = delongInterval(data.y, positiveScores(data), bootstrap.level)
      if (Number.isFinite(ci.lower) && Number.isFinite(ci.upper)) {
        out[def.name] = {
          value,
          lower: ci.lower,
          upper: ci.upper,
          level: bootstrap.level,
          method: 'delong',
        }
        continue
      }
    }
    out[def.name] = { value, method: 'none' }
    boot.push({ def, value })
  }
  if (boot.length === 0) return out
  const n = data.y.length
  const resamples = budgetedResamples(n, bootstrap.resamples)
  const scheme = schemeFor(data, bootstrap)
  const draw = resampler(n, scheme)
  const stream = rng.fork('ci')
  const values = boot.map(() => [] as number[])
  const skipped = boot.map(() => 0)
  for (let b = 0; b < resamples; b++) {
    const sub = resamplePredictionSet(data, draw(stream))
    boot.forEach(({ def }, j) => {
      const v = safeValue(def, sub)
      if (v === null) skipped[j]!++
      else values[j]!.push(v)
    })
  }
  boot.forEach(({ def, value }, j) => {
    if (values[j]!.length < 2) return
    const distinct = distinctValues(values[j]!)
    if (distinct < MIN_DISTINCT_REPLICATES) {
      out[def.name] = degenerateInterval(def, data, value, distinct, bootstrap.level)
      return
    }
    // The statistic is re-evaluated only by BCa's jackknife.
    const statistic = (r: BootstrapResample): number => def.compute(resamplePredictionSet(data, r))
    const ci = intervalFromReplicates(
      { estimate: value, values: values[j]!, undefinedResamples: skipped[j]! },
      n,
      statistic,
      {
        rng: stream.fork(def.name),
        resamples,
        level: bootstrap.level,
        method: bootstrap.method,
        ...scheme,
      },
    )
    out[def.name] =
      ci.upper > ci.lower
        ? {
            value,
            lower: ci.lower,
            upper: ci.upper,
            level: ci.level,
            method: 'bootstrap',
            resamples: ci.resamples,
            resampling: scheme.strata ? 'stratified' : 'plain',
          }
        : degenerateInterval(def, data, value, distinct, bootstrap.level)
  })
  return out
}

/** One metric with its interval (see {@link metricIntervals}). */
export const metricInterval = (
  metric: string,
  data: PredictionSet,
  bootstrap: EvaluationConfig['bootstrap'],
  rng: Rng,
): MetricWithInterval => metricIntervals(data, [metric], bootstrap, rng)[metricByName(metric).name]!

/** A single AUC's interval that stays honest at 0 and 1 (DeLong's otherwise). */
const aucInterval = (data: PredictionSet, auc: number, level: number): [number, number] => {
  const boundary = aucBoundaryInterval(data.y, auc, level)
  if (boundary) return [boundary.lower, boundary.upper]
  const ci = delongInterval(data.y, positiveScores(data), level)
  return [ci.lower, ci.upper]
}

/**
 * DeLong's paired interval has zero width when neither model's AUC varies over the rows (a perfect
 * candidate against a constant baseline). The difference is then bounded by the two models' own
 * intervals, `[lowerA − upperB, upperA − lowerB]`: conservative (each side at the level), honest.
 */
const boundedAucDifference = (
  cmp: PairedComparison,
  a: PredictionSet,
  b: PredictionSet,
  level: number,
): PairedComparison => {
  const [loA, hiA] = aucInterval(a, cmp.a, level)
  const [loB, hiB] = aucInterval(b, cmp.b, level)
  return {
    ...cmp,
    lower: loA - hiB,
    upper: hiA - loB,
    note: "DeLong's paired interval has zero width here (no AUC varies over the rows); the difference is bounded by the two models' own intervals",
  }
}

/**
 * Paired comparisons of the candidate (A) with another model (B) on the same rows: DeLong's test
 * for ROC-AUC (core's `compareModels`), and for every other metric a paired bootstrap (plain, or
 * stratified by the label when the config asks) on one shared set of resamples (the same rows for both models in each resample, as `compareModels`
 * does, but drawn and copied once for all metrics). A metric undefined on either side, or needing
 * probabilities the other model lacks, is skipped and named in `skipped`.
 */
export const pairedComparisons = (
  candidate: PredictionSet,
  other: PredictionSet,
  metrics: readonly string[],
  bootstrap: EvaluationConfig['bootstrap'],
  rng: Rng,
): { comparisons: PairedComparison[]; skipped: string[] } => {
  const comparisons = new Map<string, PairedComparison>()
  const skipped: string[] = []
  const boot: { def: MetricDefinition; a: number; b: number }[] = []
  for (const m of metrics) {
    const def = metricByName(m)
    const a = safeValue(def, candidate)
    const b = def.needs === 'proba' && !other.proba ? null : safeValue(def, other)
    if (a === null || b === null) {
      skipped.push(def.name)
      continue
    }
    if (isAucByDelong(def, candidate)) {
      const cmp = compareModels(def, candidate, other, { rng, level: bootstrap.level })
      // Zero width is honest for two identical scorers (the difference is 0 on any sample), not
      // for an AUC stuck at 0 or 1, whose own spread DeLong cannot see.
      const atBoundary = [cmp.a, cmp.b].some((v) => v === 0 || v === 1)
      comparisons.set(
        def.name,
        cmp.upper > cmp.lower || !atBoundary
          ? cmp
          : boundedAucDifference(cmp, candidate, other, bootstrap.level),
      )
      continue
    }
    boot.push({ def, a, b })
  }
  if (boot.length > 0) {
    const n = candidate.y.length
    const resamples = budgetedResamples(n, bootstrap.resamples)
    const scheme = schemeFor(candidate, bootstrap)
    const draw = resampler(n, scheme)
    const stream = rng.fork('paired')
    const values = boot.map(() => [] as number[])
    const undefinedCounts = boot.map(() => 0)
    for (let r = 0; r < resamples; r++) {
      const rows = draw(stream)
      const sa = resamplePredictionSet(candidate, rows)
      const sb = resamplePredictionSet(other, rows)
      boot.forEach(({ def }, j) => {
        const va = safeValue(def, sa)
        const vb = va === null ? null : safeValue(def, sb)
        if (va === null || vb === null) undefinedCounts[j]!++
        else values[j]!.push(va - vb)
      })
    }
    boot.forEach(({ def, a, b }, j) => {
      const diffs = values[j]!
      if (diffs.length < 2) {
        skipped.push(def.name)
        return
      }
      const distinct = distinctValues(diffs)
      const statistic = (r: BootstrapResample): number =>
        def.compute(resamplePredictionSet(candidate, r)) -
        def.compute(resamplePredictionSet(other, r))
      const ci = intervalFromReplicates(
        { estimate: a - b, values: diffs, undefinedResamples: undefinedCounts[j]! },
        n,
        statistic,
        {
          rng: stream.fork(def.name),
          resamples,
          level: bootstrap.level,
          method: bootstrap.method,
          ...scheme,
        },
      )
      let le = 0
      let ge = 0
      for (const d of diffs) {
        if (d <= 0) le++
        if (d >= 0) ge++
      }
      comparisons.set(def.name, {
        metric: def.name,
        higherIsBetter: def.higherIsBetter,
        method: 'paired-bootstrap',
        a,
        b,
        difference: a - b,
        lower: ci.lower,
        upper: ci.upper,
        level: ci.level,
        // As compareModels: the share of resampled differences on either side of 0.
        pValue: Math.min(1, (2 * Math.min(le, ge) + 1) / (diffs.length + 1)),
        resamples: diffs.length,
        ...(distinct < MIN_DISTINCT_REPLICATES || !(ci.upper > ci.lower)
          ? {
              note: `the paired bootstrap gave ${distinct} distinct difference${distinct === 1 ? '' : 's'}: the sample is too small to show the uncertainty`,
            }
          : {}),
      })
    })
  }
  const order = metrics.map((m) => metricByName(m).name)
  return { comparisons: order.flatMap((m) => comparisons.get(m) ?? []), skipped }
}
