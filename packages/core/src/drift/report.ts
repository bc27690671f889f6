import { isKeelError, KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import { compareCategoricalToProfile, type CategoricalDrift } from './compare-categorical.js'
import { compareNumericToProfile, type NumericDrift } from './compare-numeric.js'
import type { KsMethod } from './ks-two-sample.js'
import { correctDriftPValues, type DriftCorrectionMethod } from './multiple-testing.js'
import { categoryValues, type ReferenceProfile } from './profile.js'

/** Effect sizes a drift decision can be based on. */
export type EffectMetric =
  'psi' | 'jensen_shannon' | 'wasserstein_normalized' | 'ks_statistic' | 'cramers_v'

/** An effect-size rule: the metric and the value at or above which a shift matters. */
export interface EffectRule {
  readonly metric: EffectMetric
  readonly threshold: number
}

/** Options of {@link driftReport}. */
export interface DriftReportOptions {
  /** Significance level after correction. Default 0.05. */
  readonly alpha?: number
  /** Multiple-testing correction across features. Default 'fdr_bh'. */
  readonly correction?: DriftCorrectionMethod
  /** Effect rule for numeric features. Default Wasserstein / std >= 0.1 (Evidently's default). */
  readonly numericEffect?: EffectRule
  /** Effect rule for categorical features. Default Jensen–Shannon distance >= 0.1. */
  readonly categoricalEffect?: EffectRule
  /** KS p-value method. Default 'auto'. */
  readonly ksMethod?: KsMethod
}

/** One feature's line in a {@link DriftReport}. */
export interface FeatureDriftReport {
  readonly feature: string
  readonly statistics: NumericDrift | CategoricalDrift
  /** The test's raw p-value (KS for numeric, chi-square for categorical). */
  readonly pValue: number
  /** The p-value after the report's multiple-testing correction. */
  readonly adjustedPValue: number
  readonly significant: boolean
  readonly effect: {
    readonly metric: EffectMetric
    readonly value: number
    readonly threshold: number
  }
  /** Significant after correction AND an effect at or above its threshold. */
  readonly drifted: boolean
}

/** Drift of a window of data against the training reference, feature by feature. */
export interface DriftReport {
  readonly features: readonly FeatureDriftReport[]
  readonly driftedFeatures: readonly string[]
  /** Profiled features not tested: absent from the window, or without values on one side. */
  readonly skipped: readonly { readonly feature: string; readonly reason: string }[]
  readonly alpha: number
  readonly correction: DriftCorrectionMethod
  /** How to read the report (p-values vs effect sizes at large n). */
  readonly note: string
}

/**
 * Why a drift decision needs both a test and an effect size: at monitoring volumes a p-value
 * alone flags trivial shifts (KS is significant at D ≈ 0.006 with 100,000 rows a side), while an
 * effect size alone raises noise on small windows. A feature is reported as drifted only when
 * its corrected p-value is below alpha and its effect size reaches the threshold.
 */
export const DRIFT_REPORT_NOTE =
  'A feature counts as drifted only when its test is significant after multiple-testing ' +
  'correction AND its effect size reaches the threshold: at large n a p-value alone flags ' +
  'shifts too small to matter, and at small n an effect size alone flags noise.'

const DEFAULT_NUMERIC: EffectRule = { metric: 'wasserstein_normalized', threshold: 0.1 }
const DEFAULT_CATEGORICAL: EffectRule = { metric: 'jensen_shannon', threshold: 0.1 }

const effectValue = (s: NumericDrift | CategoricalDrift, metric: EffectMetric): number => {
  switch (metric) {
    case 'psi':
      return s.psi
    case 'jensen_shannon':
      return s.jensenShannon
    case 'wasserstein_normalized':
      if (s.kind !== 'numeric') break
      return s.wassersteinNormalized
    case 'ks_statistic':
      if (s.kind !== 'numeric') break
      return s.ks.statistic
    case 'cramers_v':
      if (s.kind !== 'categorical') break
      return s.cramersV
  }
  throw new KeelError(
    'INVALID_ARGUMENT',
    `effect metric ${metric} does not apply to ${s.kind} features`,
  )
}

/**
 * Compare a window of current data (e.g. logged predictions' inputs) with the reference profile
 * stored in a model bundle, for every profiled feature present in the window, and decide drift
 * per feature with a corrected test plus an effect-size threshold.
 *
 * @example
 * const report = driftReport(bundle.reference, windowFrame, { correction: 'fdr_bh' })
 * report.driftedFeatures // ['distance']
 */
export const driftReport = (
  reference: ReferenceProfile,
  current: Frame,
  options: DriftReportOptions = {},
): DriftReport => {
  const alpha = options.alpha ?? 0.05
  const correction = options.correction ?? 'fdr_bh'
  const numericRule = options.numericEffect ?? DEFAULT_NUMERIC
  const categoricalRule = options.categoricalEffect ?? DEFAULT_CATEGORICAL
  const names = Object.keys(reference.features).filter((n) => current.has(n))
  const missingCols = Object.keys(reference.features).filter((n) => !current.has(n))
  if (missingCols.length > 0 && names.length === 0) {
    throw new KeelError('SCHEMA_MISMATCH', 'the window has none of the profiled features', {
      details: { missing: missingCols },
    })
  }
  const tested: string[] = []
  const stats: (NumericDrift | CategoricalDrift)[] = []
  const skipped: { feature: string; reason: string }[] = missingCols.map((feature) => ({
    feature,
    reason: 'not in the window',
  }))
  for (const name of names) {
    const p = reference.features[name]!
    try {
      stats.push(
        p.kind === 'numeric'
          ? compareNumericToProfile(p, current.numeric(name), {
              ...(options.ksMethod ? { ksMethod: options.ksMethod } : {}),
            })
          : compareCategoricalToProfile(p, categoryValues(current, name)),
      )
      tested.push(name)
    } catch (e) {
      // A feature with no usable values on one side cannot be tested; the others still can.
      if (!isKeelError(e) || e.code !== 'INVALID_DATA') throw e
      skipped.push({ feature: name, reason: e.message })
    }
  }
  const pValues = stats.map((s) => (s.kind === 'numeric' ? s.ks.pValue : s.chiSquare.pValue))
  const adj = correctDriftPValues(pValues, correction, alpha)
  const features = stats.map((s, i): FeatureDriftReport => {
    const rule = s.kind === 'numeric' ? numericRule : categoricalRule
    const value = effectValue(s, rule.metric)
    const significant = adj.reject[i]!
    return {
      feature: tested[i]!,
      statistics: s,
      pValue: pValues[i]!,
      adjustedPValue: adj.adjusted[i]!,
      significant,
      effect: { metric: rule.metric, value, threshold: rule.threshold },
      drifted: significant && value >= rule.threshold,
    }
  })
  return {
    features,
    driftedFeatures: features.filter((f) => f.drifted).map((f) => f.feature),
    skipped,
    alpha,
    correction,
    note: DRIFT_REPORT_NOTE,
  }
}
