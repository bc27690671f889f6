import type { EffectRule, Task } from '@keel/core'
import type { ConsistencyWindow } from '../features/check/windows.js'
import type { DetectorRun } from './detectors.js'
import type { FeatureDriftWindow, MultivariateWindow, SeriesDriftWindow } from './drift.js'
import type { OperationalWindow } from './operational.js'
import type { PerformanceWindow } from './performance.js'
import type { QualityWindow } from './quality.js'
import type { MonitoringWindow } from './windows.js'

/** What raised an alert. */
export type AlertKind =
  | 'feature_drift'
  | 'output_drift'
  | 'label_drift'
  | 'multivariate_drift'
  | 'quality'
  | 'performance'
  | 'coverage'
  | 'detector'
  | 'feature_skew'

/** One threshold crossed in one window. */
export interface MonitoringAlert {
  /** `<kind>:<subject>`; the same key in consecutive windows is one ongoing alert. */
  readonly key: string
  readonly kind: AlertKind
  /** The feature, metric, check or detector concerned. */
  readonly subject: string
  readonly severity: 'warning' | 'critical'
  readonly window: number
  readonly windowKey: string
  readonly message: string
  readonly value: number | null
  readonly threshold: number | null
  /**
   * `new` when this window is the first of a run of consecutive windows with this key (the alert
   * was first raised here), `ongoing` when it was already active in the window before (in this
   * report or, through the state file, in an earlier run). Rendering or re-running a report does
   * not change it.
   */
  readonly status: 'new' | 'ongoing'
  /** The window key where this run of consecutive windows began (this window's when `new`). */
  readonly since: string
  /**
   * When a monitoring run first raised this run of the alert (ISO-8601): an earlier run's time
   * when the state file remembers it, else this report's `generatedAt`.
   */
  readonly firstSeenAt: string
  /**
   * True when no earlier window or run raised it yet (taking earlier runs into account when a
   * state file is used): only these are sent to the sinks, once.
   */
  readonly fresh: boolean
  /** True once a sink accepted it (set by alert dispatch). */
  readonly notified: boolean
}

/** How alerts were delivered on this run. */
export interface AlertDelivery {
  readonly fresh: number
  readonly logged: number
  readonly webhook: {
    readonly ok: boolean
    readonly attempts: number
    readonly status?: number
    readonly error?: string
  } | null
  readonly stateFile: string | null
}

/**
 * Everything a monitoring run found, as plain JSON: per window of the prediction log, feature,
 * output, label and multivariate drift against the bundle's training reference, data quality
 * against its pinned inputs, performance from delayed labels with bootstrap intervals and label
 * coverage, operational figures, streaming detector firings and the alerts they raised.
 */
export interface MonitoringReport {
  readonly format: 'keel.monitoring.report'
  readonly formatVersion: 1
  readonly model: string
  /** The bundle version whose reference was used (and whose predictions, when filtered). */
  readonly version: string | null
  readonly task: Task
  readonly classes: readonly string[] | null
  readonly generatedAt: string
  /** Labels that arrived after this instant were not used (epoch ms). */
  readonly asOf: number
  readonly range: { readonly from: number | null; readonly to: number | null }
  readonly window:
    | { readonly by: 'time'; readonly sizeMs: number }
    | { readonly by: 'count'; readonly size: number }
  readonly events: {
    readonly predictions: number
    readonly labelled: number
    readonly unmatchedLabels: number
    readonly supersededLabels: number
  }
  readonly windows: readonly MonitoringWindow[]
  readonly drift: {
    readonly basis: 'reference' | 'none'
    readonly features: readonly string[]
    readonly skippedFeatures: readonly { readonly feature: string; readonly reason: string }[]
    readonly alpha: number
    readonly correction: string
    readonly numericEffect: EffectRule
    readonly categoricalEffect: EffectRule
    readonly windows: readonly FeatureDriftWindow[]
  }
  readonly output: {
    readonly quantity: string
    readonly basis: 'reference' | 'first_window' | 'none'
    readonly windows: readonly SeriesDriftWindow[]
  }
  readonly labels: {
    readonly basis: 'reference' | 'first_window' | 'none'
    readonly windows: readonly SeriesDriftWindow[]
  }
  readonly multivariate: {
    readonly basis: 'reference_sample' | 'first_window' | 'none'
    readonly threshold: number
    readonly windows: readonly MultivariateWindow[]
  }
  readonly quality: readonly QualityWindow[]
  readonly performance: {
    readonly metrics: readonly string[]
    /** Confidence level of the bootstrap intervals. */
    readonly level: number
    /** The configured minimum label coverage, if any. */
    readonly coverageMin: number | null
    readonly bounds: Readonly<
      Record<string, { readonly min?: number | undefined; readonly max?: number | undefined }>
    >
    readonly windows: readonly PerformanceWindow[]
  }
  readonly operational: readonly OperationalWindow[]
  readonly detectors: readonly DetectorRun[]
  /**
   * Present when the run checked the served feature values against the offline point-in-time
   * values (the project declares feature services and an offline lookup was given): per window.
   */
  readonly featureConsistency?: readonly ConsistencyWindow[]
  readonly alerts: readonly MonitoringAlert[]
  readonly delivery: AlertDelivery | null
  /** How to read the report: what was compared with what, and the caveats. */
  readonly notes: readonly string[]
  /** Present when the report monitors a file instead of the prediction log. */
  readonly file?: {
    readonly path: string
    /** `input`: rows predicted by the bundle here; `batch`: a `keel predict -o` output. */
    readonly role: 'input' | 'batch'
    readonly rows: number
    /** Input rows that break the input schema: not predicted, not monitored. */
    readonly rejected: number
    /** Rows with a value in the label column (the performance section's labels). */
    readonly labelled: number
    /** Model inputs that are not columns of the file. */
    readonly absentInputs: readonly string[]
  }
}
