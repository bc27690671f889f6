import {
  adversarialValidation,
  correctDriftPValues,
  categoricalColumn,
  driftReport,
  encodeForAdversarial,
  Frame,
  isKeelError,
  numericColumn,
  profileCategorical,
  profileNumeric,
  type DriftReport,
  type DriftReportOptions,
  type EffectRule,
  type FeatureDriftReport,
  type FeatureReferenceProfile,
  type InputField,
  type ReferenceProfile,
} from '@keel/core'
import type { MonitoringConfig } from './config.js'

/** Feature drift of one window against the training reference. */
export interface FeatureDriftWindow {
  readonly window: number
  readonly status: 'tested' | 'skipped'
  readonly reason?: string
  readonly rows: number
  /**
   * The smallest KS statistic that is significant at `alpha` for this window's size against the
   * reference (asymptotic, before correction): at large n it is tiny, which is why a drift
   * decision also needs an effect size.
   */
  readonly ksCriticalD?: number
  readonly report?: DriftReport
}

/** Drift of one tracked quantity (the model's output, or the labels) in one window. */
export interface SeriesDriftWindow {
  readonly window: number
  /** `baseline` marks the window the others are compared with when there is no reference. */
  readonly status: 'tested' | 'skipped' | 'baseline'
  readonly reason?: string
  readonly rows: number
  readonly result?: FeatureDriftReport
}

/** Multivariate drift of one window by adversarial validation. */
export interface MultivariateWindow {
  readonly window: number
  readonly status: 'tested' | 'skipped' | 'baseline'
  readonly reason?: string
  /** Cross-validated ROC AUC of telling this window from the basis: 0.5 = indistinguishable. */
  readonly auc?: number
  readonly foldAucs?: readonly number[]
  readonly rows?: { readonly reference: number; readonly current: number }
  readonly drifted?: boolean
}

/**
 * The profiled features drift is tested on: those the bundle takes as inputs, minus timestamps
 * (they move forward by design, so they would always "drift"). The rest are listed with a reason.
 */
export const monitoredFeatures = (
  reference: ReferenceProfile | null,
  inputs: readonly InputField[],
): {
  monitored: Record<string, FeatureReferenceProfile>
  skippedFeatures: { feature: string; reason: string }[]
} => {
  const byName = new Map(inputs.map((f) => [f.name, f]))
  const monitored: Record<string, FeatureReferenceProfile> = {}
  const skippedFeatures: { feature: string; reason: string }[] = []
  for (const [name, profile] of Object.entries(reference?.features ?? {})) {
    const field = byName.get(name)
    if (!field) skippedFeatures.push({ feature: name, reason: 'profiled but not a model input' })
    else if (field.kind === 'timestamp') {
      skippedFeatures.push({
        feature: name,
        reason: 'a timestamp moves forward by design; not tested',
      })
    } else monitored[name] = profile
  }
  return { monitored, skippedFeatures }
}

/** The effect rules and test settings a monitoring config implies for `driftReport`. */
export const driftOptions = (config: MonitoringConfig): DriftReportOptions => {
  const d = config.drift
  const psi: EffectRule | undefined =
    d.psi === undefined ? undefined : { metric: 'psi', threshold: d.psi }
  const numeric = psi ?? d.numericEffect
  const categorical = psi ?? d.categoricalEffect
  return {
    alpha: d.alpha,
    correction: d.correction,
    ...(numeric ? { numericEffect: numeric } : {}),
    ...(categorical ? { categoricalEffect: categorical } : {}),
  }
}

/** c(α) of the two-sample KS test: D_crit = c(α) √((n + m) / (n m)). */
export const ksCriticalD = (alpha: number, n: number, m: number): number =>
  Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m))

/** Feature drift of every window that is large enough, against the stored training profile. */
export const featureDrift = (
  reference: ReferenceProfile,
  frames: readonly Frame[],
  config: MonitoringConfig,
): FeatureDriftWindow[] => {
  const options = driftOptions(config)
  const numericCounts = Object.values(reference.features)
    .filter((f) => f.kind === 'numeric')
    .map((f) => f.count)
  const refN = numericCounts.length > 0 ? Math.min(...numericCounts) : 0
  return frames.map((frame, window): FeatureDriftWindow => {
    const rows = frame.numRows
    if (rows < config.minRows) {
      return { window, status: 'skipped', reason: `${rows} rows < minRows ${config.minRows}`, rows }
    }
    try {
      const report = driftReport(reference, frame, options)
      return {
        window,
        status: 'tested',
        rows,
        ...(refN > 0 ? { ksCriticalD: ksCriticalD(options.alpha ?? 0.05, refN, rows) } : {}),
        report,
      }
    } catch (e) {
      if (!isKeelError(e) || (e.code !== 'SCHEMA_MISMATCH' && e.code !== 'INVALID_DATA')) throw e
      return { window, status: 'skipped', reason: e.message, rows }
    }
  })
}

const profileOf = (values: readonly (number | string)[]): FeatureReferenceProfile =>
  typeof values[0] === 'number'
    ? profileNumeric(values as number[])
    : profileCategorical(values as string[])

const frameOf = (name: string, values: readonly (number | string)[]): Frame =>
  Frame.fromColumns({
    [name]:
      typeof values[0] === 'number'
        ? numericColumn(values as number[])
        : categoricalColumn(values as string[]),
  })

/**
 * Drift of one tracked quantity per window: against its training profile when the bundle has
 * one, else against the first window with at least `minRows` values (the `baseline`).
 */
export const seriesDrift = (
  name: string,
  reference: FeatureReferenceProfile | null,
  perWindow: readonly (readonly (number | string)[])[],
  config: MonitoringConfig,
): { basis: 'reference' | 'first_window' | 'none'; windows: SeriesDriftWindow[] } => {
  const options = { ...driftOptions(config), correction: 'none' as const }
  let basis: FeatureReferenceProfile | null = reference
  let baselineWindow = -1
  if (!basis) {
    baselineWindow = perWindow.findIndex((v) => v.length >= config.minRows)
    if (baselineWindow >= 0) basis = profileOf(perWindow[baselineWindow]!)
  }
  const windows = perWindow.map((values, window): SeriesDriftWindow => {
    const rows = values.length
    if (window === baselineWindow) return { window, status: 'baseline', rows }
    if (!basis) {
      return { window, status: 'skipped', reason: 'no reference and no window large enough', rows }
    }
    if (rows < config.minRows) {
      return {
        window,
        status: 'skipped',
        reason: `${rows} values < minRows ${config.minRows}`,
        rows,
      }
    }
    if ((basis.kind === 'numeric') !== (typeof values[0] === 'number')) {
      return {
        window,
        status: 'skipped',
        reason: `the reference of ${name} is ${basis.kind}`,
        rows,
      }
    }
    const profile: ReferenceProfile = {
      format: 'keel.drift.reference',
      formatVersion: 1,
      features: { [name]: basis },
    }
    try {
      const report = driftReport(profile, frameOf(name, values), options)
      const result = report.features[0]
      if (!result)
        return { window, status: 'skipped', reason: report.skipped[0]?.reason ?? '', rows }
      return { window, status: 'tested', rows, result }
    } catch (e) {
      if (!isKeelError(e) || e.code !== 'INVALID_DATA') throw e
      return { window, status: 'skipped', reason: e.message, rows }
    }
  })
  return {
    basis: reference ? 'reference' : baselineWindow >= 0 ? 'first_window' : 'none',
    windows,
  }
}

/**
 * Multivariate drift per window by adversarial validation on the monitored features: each window
 * against a sample of training rows when one is given, else against the first large-enough window.
 */
export const multivariateDrift = (
  frames: readonly Frame[],
  features: readonly string[],
  referenceSample: Frame | undefined,
  config: MonitoringConfig,
): { basis: 'reference_sample' | 'first_window' | 'none'; windows: MultivariateWindow[] } => {
  let basis = referenceSample
  let baselineWindow = -1
  if (!basis) {
    baselineWindow = frames.findIndex((f) => f.numRows >= config.minRows)
    if (baselineWindow >= 0) basis = frames[baselineWindow]!
  }
  const usable = basis ? features.filter((f) => basis.has(f)) : []
  const windows = frames.map((frame, window): MultivariateWindow => {
    if (window === baselineWindow) return { window, status: 'baseline' }
    if (!basis || usable.length === 0) {
      return { window, status: 'skipped', reason: 'no reference rows with the monitored features' }
    }
    if (frame.numRows < config.minRows) {
      return {
        window,
        status: 'skipped',
        reason: `${frame.numRows} rows < minRows ${config.minRows}`,
      }
    }
    const [ref, cur] = encodeForAdversarial(basis, frame, usable)
    const r = adversarialValidation(ref, cur, {
      seed: config.bootstrap.seed + window,
      maxRowsPerSide: config.drift.adversarialRows,
    })
    return {
      window,
      status: 'tested',
      auc: r.auc,
      foldAucs: r.foldAucs,
      rows: r.rows,
      drifted: r.auc >= config.drift.adversarialAuc,
    }
  })
  return {
    basis: referenceSample ? 'reference_sample' : baselineWindow >= 0 ? 'first_window' : 'none',
    windows,
  }
}

/**
 * Re-decide each window's tests as one family: the features, the model output and the labels are
 * all tested on the same window, so their p-values are corrected together (the configured method
 * at the configured alpha). Testing the output and labels separately at alpha would add two
 * uncorrected chances of a false alarm per window.
 */
export const correctWindowFamilies = (
  features: readonly FeatureDriftWindow[],
  output: readonly SeriesDriftWindow[],
  labels: readonly SeriesDriftWindow[],
  config: MonitoringConfig,
): {
  features: FeatureDriftWindow[]
  output: SeriesDriftWindow[]
  labels: SeriesDriftWindow[]
} => {
  const n = Math.max(features.length, output.length, labels.length)
  const outF = [...features]
  const outO = [...output]
  const outL = [...labels]
  const redecide = (
    f: FeatureDriftReport,
    adjusted: number,
    reject: boolean,
  ): FeatureDriftReport => ({
    ...f,
    adjustedPValue: adjusted,
    significant: reject,
    drifted: reject && f.effect.value >= f.effect.threshold,
  })
  for (let k = 0; k < n; k++) {
    const fw = features[k]
    const items: FeatureDriftReport[] = [
      ...(fw?.report?.features ?? []),
      ...(output[k]?.result ? [output[k]!.result!] : []),
      ...(labels[k]?.result ? [labels[k]!.result!] : []),
    ]
    if (items.length === 0) continue
    const adj = correctDriftPValues(
      items.map((i) => i.pValue),
      config.drift.correction,
      config.drift.alpha,
    )
    const decided = items.map((item, i) => redecide(item, adj.adjusted[i]!, adj.reject[i]!))
    let at = 0
    if (fw?.report) {
      const fs = decided.slice(0, fw.report.features.length)
      at = fs.length
      outF[k] = {
        ...fw,
        report: {
          ...fw.report,
          features: fs,
          driftedFeatures: fs.filter((f) => f.drifted).map((f) => f.feature),
        },
      }
    }
    const o = output[k]
    if (o?.result) outO[k] = { ...o, result: decided[at++]! }
    const l = labels[k]
    if (l?.result) outL[k] = { ...l, result: decided[at]! }
  }
  return { features: outF, output: outO, labels: outL }
}
