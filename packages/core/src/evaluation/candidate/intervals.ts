import { compareModels, type PairedComparison } from '../paired.js'
import { delongInterval } from '../delong.js'
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
 * ROC-AUC uses DeLong's analytic interval (one sort); everything else a seeded, class-stratified
 * bootstrap on resamples shared by all metrics. Each bootstrap draws at most {@link RESAMPLE_BUDGET} rows in total, so a large test
 * split gets fewer resamples (never fewer than {@link MIN_RESAMPLES}) instead of minutes of work;
 * the report records how many were used.
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
  const scheme = isClassification(data) ? { strata: data.y } : {}
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
    out[def.name] = {
      value,
      lower: ci.lower,
      upper: ci.upper,
      level: ci.level,
      method: 'bootstrap',
      resamples: ci.resamples,
    }
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

/**
 * Paired comparisons of the candidate (A) with another model (B) on the same rows: DeLong's test
 * for ROC-AUC (core's `compareModels`), and for every other metric a stratified paired bootstrap on
 * one shared set of resamples (the same rows for both models in each resample, as `compareModels`
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
      comparisons.set(
        def.name,
        compareModels(def, candidate, other, { rng, level: bootstrap.level }),
      )
      continue
    }
    boot.push({ def, a, b })
  }
  if (boot.length > 0) {
    const n = candidate.y.length
    const resamples = budgetedResamples(n, bootstrap.resamples)
    const scheme = isClassification(candidate) ? { strata: candidate.y } : {}
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
      })
    })
  }
  const order = metrics.map((m) => metricByName(m).name)
  return { comparisons: order.flatMap((m) => comparisons.get(m) ?? []), skipped }
}
