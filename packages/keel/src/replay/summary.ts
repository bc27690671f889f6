import type { ConsistencyReport } from '../features/index.js'
import type { MonitoringReport } from '../monitoring/index.js'
import type { ReplayTrafficResult } from './traffic.js'

/**
 * A replay's reading of the monitoring report over the replayed period: per feature, its drift
 * from the training data week by week (with the effect size the decision used); per week, the
 * performance from the delayed labels with intervals and coverage; and the alerts raised. The full
 * report is the HTML and JSON it points to.
 */

/** An estimate with its bootstrap interval (null where the window had too few labels). */
export interface ReplayEstimate {
  readonly estimate: number | null
  readonly lower: number | null
  readonly upper: number | null
}

/** One week of the replayed period. */
export interface ReplayWeek {
  /** The window's UTC start (windows are 7 days, aligned as the monitor aligns them). */
  readonly start: string
  readonly end: string
  /** True for a week cut by the ends of the replayed period. */
  readonly partial: boolean
  readonly predictions: number
  readonly labelled: number
  /** Share of the week's predictions whose label had arrived when the period ended. */
  readonly coverage: number
  /** Share of labelled rows in the positive class (for flights: the late rate). */
  readonly positiveRate: number | null
  readonly rocAuc: ReplayEstimate
  readonly logLoss: ReplayEstimate
  /** Median feedback-loop length (label arrival minus prediction), in minutes. */
  readonly labelLagP50Minutes: number | null
  /** Adversarial AUC of telling this week's inputs from training rows (0.5 = no drift). */
  readonly adversarialAuc: number | null
}

/** One feature's drift from the training data, week by week. */
export interface ReplayFeatureDrift {
  readonly feature: string
  /** The effect size the drift decision used, e.g. `wasserstein_normalized` or `jensen_shannon`. */
  readonly effect: string
  readonly threshold: number
  /** The effect per week (null where the week was not tested). */
  readonly weekly: readonly (number | null)[]
  /** Per week: drifted (significant after correction AND effect at or above the threshold). */
  readonly drifted: readonly boolean[]
}

/** One alert, first seen in the week it names. */
export interface ReplayAlert {
  readonly severity: 'warning' | 'critical'
  readonly kind: string
  readonly subject: string
  readonly week: string
  readonly message: string
}

/** What a replay did and what monitoring it found, as data. */
/** What the feature store did during a replay. */
export interface ReplayFeatureSummary {
  readonly service: string
  readonly version: string
  /** Materialization runs (one per view per period) and what they wrote. */
  readonly materializations: number
  readonly keysWritten: number
  readonly materializeSeconds: number
  /** The row-level online/offline consistency check over the replayed predictions. */
  readonly consistency: ConsistencyReport
  readonly checkSeconds: number
}

export interface ReplaySummary {
  /** Where the service listened during the replay. */
  readonly url: string
  readonly model: string
  readonly version: string | null
  /** The alias the requests named (`production` once the gate blessed the version), else null. */
  readonly alias: string | null
  readonly traffic: ReplayTrafficResult
  readonly weeks: readonly ReplayWeek[]
  readonly drift: readonly ReplayFeatureDrift[]
  /** First-seen alerts (an alert ongoing over several weeks is listed once), in week order. */
  readonly alerts: readonly ReplayAlert[]
  /** Alerts over all weeks, ongoing ones counted each week. */
  readonly alertWindows: number
  readonly report: { readonly html: string; readonly json: string }
  readonly monitorSeconds: number
  /** CPU seconds of the process (service and client together) for the traffic and the monitoring. */
  readonly cpuSeconds: { readonly traffic: number; readonly monitor: number }
  /** The feature store's part, when the replay served through one. */
  readonly features?: ReplayFeatureSummary
}

const estimate = (
  w: MonitoringReport['performance']['windows'][number] | undefined,
  metric: string,
): ReplayEstimate => {
  const m = w?.metrics.find((x) => x.metric === metric)
  return { estimate: m?.estimate ?? null, lower: m?.lower ?? null, upper: m?.upper ?? null }
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** Read a replay's summary out of a monitoring report and the traffic that fed it. */
export const summarizeReplay = (input: {
  readonly url: string
  readonly alias?: string | undefined
  readonly traffic: ReplayTrafficResult
  readonly report: MonitoringReport
  readonly paths: { readonly html: string; readonly json: string }
  readonly monitorSeconds: number
  readonly cpuSeconds: { readonly traffic: number; readonly monitor: number }
  readonly features?: ReplayFeatureSummary
}): ReplaySummary => {
  const { report } = input
  const weeks = report.windows.map((w, k): ReplayWeek => {
    const perf = report.performance.windows.find((p) => p.window === k)
    const adv = report.multivariate.windows.find((m) => m.window === k)
    return {
      start: day(w.start),
      end: day(w.end),
      partial: w.partial,
      predictions: w.predictions,
      labelled: perf?.labelled ?? 0,
      coverage: perf?.coverage ?? 0,
      positiveRate: perf?.meanLabel ?? null,
      rocAuc: estimate(perf, 'roc_auc'),
      logLoss: estimate(perf, 'log_loss'),
      labelLagP50Minutes: perf?.latency ? perf.latency.p50Ms / 60_000 : null,
      adversarialAuc: adv?.auc ?? null,
    }
  })
  const drift = report.drift.features.map((feature): ReplayFeatureDrift => {
    const per = report.drift.windows.map((w) =>
      w.report?.features.find((f) => f.feature === feature),
    )
    const first = per.find((f) => f !== undefined)
    return {
      feature,
      effect: first?.effect.metric ?? '',
      threshold: first?.effect.threshold ?? NaN,
      weekly: per.map((f) => f?.effect.value ?? null),
      drifted: per.map((f) => f?.drifted === true),
    }
  })
  const alerts = report.alerts
    .filter((a) => a.fresh)
    .map((a) => ({
      severity: a.severity,
      kind: a.kind,
      subject: a.subject,
      week: day(report.windows[a.window]?.start ?? 0),
      message: a.message,
    }))
  return {
    url: input.url,
    model: report.model,
    version: report.version,
    alias: input.alias ?? null,
    traffic: input.traffic,
    weeks,
    drift,
    alerts,
    alertWindows: report.alerts.length,
    report: input.paths,
    monitorSeconds: input.monitorSeconds,
    cpuSeconds: input.cpuSeconds,
    ...(input.features ? { features: input.features } : {}),
  }
}
