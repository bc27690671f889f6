import {
  bootstrapMetric,
  compareModels,
  delongInterval,
  isUndefinedMetricError,
  metricByName,
  positiveScores,
  type MetricDefinition,
  type PairedComparison,
  type PredictionSet,
  type Rng,
} from '@keel/core'
import type { EvaluationConfig } from './config-schema.js'
import type { MetricWithInterval } from './report-types.js'

/**
 * Test-set metrics with intervals, and paired comparisons with other models, under a compute budget.
 * ROC-AUC uses DeLong's analytic interval (one sort); everything else a seeded, class-stratified
 * bootstrap. Each bootstrap draws at most {@link RESAMPLE_BUDGET} rows in total, so a large test
 * split gets fewer resamples (never fewer than {@link MIN_RESAMPLES}) instead of minutes of work;
 * the report records how many were used.
 */

/** Rows drawn per bootstrap (resamples × rows), the cap that keeps large evaluations bounded. */
export const RESAMPLE_BUDGET = 50_000_000
/** The floor under budgeted resamples: below ~100 percentile intervals are too coarse to use. */
export const MIN_RESAMPLES = 100

/** Resamples for `n` rows: the configured number, reduced to fit the budget. */
export const budgetedResamples = (n: number, requested: number): number =>
  Math.min(requested, Math.max(MIN_RESAMPLES, Math.floor(RESAMPLE_BUDGET / Math.max(1, n))))

const isClassification = (d: PredictionSet): boolean => d.task === 'binary' || d.task === 'multiclass'

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
export const pointMetrics = (data: PredictionSet, metrics: readonly string[]): Record<string, number | null> => {
  const out: Record<string, number | null> = {}
  for (const m of metrics) out[metricByName(m).name] = safeValue(metricByName(m), data)
  return out
}

/** One metric with its interval. */
export const metricInterval = (
  metric: string,
  data: PredictionSet,
  bootstrap: EvaluationConfig['bootstrap'],
  rng: Rng,
): MetricWithInterval => {
  const def = metricByName(metric)
  const value = safeValue(def, data)
  if (value === null) return { value: null, method: 'none' }
  if (def.name === 'roc_auc' && data.task === 'binary' && !data.weight) {
    const ci = delongInterval(data.y, positiveScores(data), bootstrap.level)
    if (Number.isFinite(ci.lower) && Number.isFinite(ci.upper)) {
      return { value, lower: ci.lower, upper: ci.upper, level: bootstrap.level, method: 'delong' }
    }
  }
  try {
    const ci = bootstrapMetric(def, data, {
      rng: rng.fork(`ci/${def.name}`),
      resamples: budgetedResamples(data.y.length, bootstrap.resamples),
      level: bootstrap.level,
      method: bootstrap.method,
      ...(isClassification(data) ? { strata: data.y } : {}),
    })
    return { value, lower: ci.lower, upper: ci.upper, level: ci.level, method: 'bootstrap', resamples: ci.resamples }
  } catch (e) {
    if (isUndefinedMetricError(e)) return { value, method: 'none' }
    throw e
  }
}

/** Every metric with its interval, keyed by canonical name. */
export const metricIntervals = (
  data: PredictionSet,
  metrics: readonly string[],
  bootstrap: EvaluationConfig['bootstrap'],
  rng: Rng,
): Record<string, MetricWithInterval> => {
  const out: Record<string, MetricWithInterval> = {}
  for (const m of metrics) out[metricByName(m).name] = metricInterval(m, data, bootstrap, rng)
  return out
}

/**
 * Paired comparisons of the candidate (A) with another model (B) on the same rows: DeLong for
 * ROC-AUC, a stratified paired bootstrap otherwise. A metric undefined on either side is skipped
 * and named in `skipped`.
 */
export const pairedComparisons = (
  candidate: PredictionSet,
  other: PredictionSet,
  metrics: readonly string[],
  bootstrap: EvaluationConfig['bootstrap'],
  rng: Rng,
): { comparisons: PairedComparison[]; skipped: string[] } => {
  const comparisons: PairedComparison[] = []
  const skipped: string[] = []
  for (const m of metrics) {
    const def = metricByName(m)
    if (def.needs === 'proba' && !other.proba) {
      skipped.push(def.name)
      continue
    }
    try {
      comparisons.push(
        compareModels(def, candidate, other, {
          rng: rng.fork(`compare/${def.name}`),
          resamples: budgetedResamples(candidate.y.length, bootstrap.resamples),
          level: bootstrap.level,
          ...(isClassification(candidate) ? { strata: candidate.y } : {}),
        }),
      )
    } catch (e) {
      if (!isUndefinedMetricError(e)) throw e
      skipped.push(def.name)
    }
  }
  return { comparisons, skipped }
}
