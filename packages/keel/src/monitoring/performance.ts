import {
  bootstrapMetric,
  computeMetric,
  createRng,
  isUndefinedMetricError,
  KeelError,
  metricByName,
  type PredictionSet,
  type Task,
} from '@keel/core'
import type { JoinedLabel } from '../stores/events/index.js'
import type { MonitoringConfig } from './config.js'
import { nearestRank } from './nearest-rank.js'
import { classProbabilities, encodeLabel, predictedClass, type TaskInfo } from './event-values.js'

/** One metric in one window: the estimate with its bootstrap interval, or why there is none. */
export interface WindowMetric {
  readonly metric: string
  readonly estimate: number | null
  readonly lower: number | null
  readonly upper: number | null
  readonly reason?: string
}

/** Feedback-loop lengths of the labels that arrived for one window's predictions (ms). */
export interface WindowLabelLatency {
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** Performance of one window from its delayed labels. */
export interface PerformanceWindow {
  readonly window: number
  readonly predictions: number
  readonly labelled: number
  /** Share of the window's predictions that have a label so far. */
  readonly coverage: number
  /** Labels that could not be read as the task's classes or values. */
  readonly invalidLabels: number
  /** Mean label: the positive rate for binary tasks, the mean target for regression. */
  readonly meanLabel: number | null
  readonly latency: WindowLabelLatency | null
  readonly metrics: readonly WindowMetric[]
}

const DEFAULT_METRICS: Readonly<Record<Task, readonly string[]>> = {
  binary: ['roc_auc', 'accuracy', 'log_loss'],
  multiclass: ['accuracy', 'f1_macro', 'log_loss'],
  regression: ['mae', 'rmse'],
}

/**
 * The metrics a report computes per window: the configured list (or the task's usual ones) plus
 * every metric that has an alert bound. Names are checked against the catalogue and the task, so
 * a typo is an `INVALID_CONFIG` error up front rather than an empty column.
 */
export const monitoredMetrics = (task: Task, config: MonitoringConfig): string[] => {
  const names = [...(config.metrics ?? DEFAULT_METRICS[task]), ...Object.keys(config.performance)]
  const out: string[] = []
  for (const name of names) {
    let def
    try {
      def = metricByName(name)
    } catch (e) {
      throw new KeelError('INVALID_CONFIG', `monitoring: unknown metric "${name}"`, {
        path: ['monitoring', 'performance', name],
        cause: e,
      })
    }
    if (!def.tasks.includes(task)) {
      throw new KeelError('INVALID_CONFIG', `monitoring: ${name} does not apply to ${task} tasks`, {
        path: ['monitoring', 'performance', name],
      })
    }
    if (!out.includes(name)) out.push(name)
  }
  return out
}

/** A prediction set of the scorable joined rows, and how many labels were unreadable. */
export const joinedPredictionSet = (
  joined: readonly JoinedLabel[],
  info: TaskInfo,
): { set: PredictionSet | null; invalid: number } => {
  const y: number[] = []
  const pred: number[] = []
  const proba: number[] = []
  let invalid = 0
  for (const j of joined) {
    const label = encodeLabel(j.label.label, info)
    if (label === null) {
      invalid++
      continue
    }
    if (info.task === 'regression') {
      const v = Number(j.prediction.output.prediction)
      if (!Number.isFinite(v)) continue
      y.push(label)
      pred.push(v)
      continue
    }
    const p = classProbabilities(j.prediction, info)
    const c = predictedClass(j.prediction, info)
    if (p === null || c < 0) continue
    y.push(label)
    pred.push(c)
    proba.push(...p)
  }
  if (y.length === 0) return { set: null, invalid }
  const set: PredictionSet =
    info.task === 'regression'
      ? { task: 'regression', y: Float64Array.from(y), pred: Float64Array.from(pred) }
      : {
          task: info.task,
          y: Float64Array.from(y),
          pred: Float64Array.from(pred),
          proba: Float64Array.from(proba),
          numClasses: info.classes!.length,
        }
  return { set, invalid }
}

const metricWithCi = (
  metric: string,
  set: PredictionSet,
  config: MonitoringConfig,
  rngLabel: string,
): WindowMetric => {
  let estimate: number
  try {
    estimate = computeMetric(metric, set)
  } catch (e) {
    if (!isUndefinedMetricError(e)) throw e
    return { metric, estimate: null, lower: null, upper: null, reason: (e as Error).message }
  }
  try {
    const ci = bootstrapMetric(metric, set, {
      rng: createRng(config.bootstrap.seed).fork(rngLabel),
      resamples: config.bootstrap.resamples,
      level: config.bootstrap.level,
      // Keep every class in every resample, so a rare class does not make the interval undefined.
      ...(set.task === 'regression' ? {} : { strata: set.y }),
    })
    return { metric, estimate, lower: ci.lower, upper: ci.upper }
  } catch (e) {
    if (!(e instanceof KeelError) || e.code !== 'INVALID_DATA') throw e
    return { metric, estimate, lower: null, upper: null, reason: e.message }
  }
}

/**
 * Performance of one window: label coverage, feedback-loop latency and the task's metrics on the
 * predictions that have labels, each with a seeded, stratified bootstrap interval.
 */
export const windowPerformance = (
  window: { readonly index: number; readonly key: string; readonly predictions: number },
  joined: readonly JoinedLabel[],
  info: TaskInfo,
  metrics: readonly string[],
  config: MonitoringConfig,
): PerformanceWindow => {
  const { set, invalid } = joinedPredictionSet(joined, info)
  const latencies = joined.map((j) => j.latencyMs).sort((a, b) => a - b)
  const labelled = joined.length
  let meanLabel: number | null = null
  if (set && info.task !== 'multiclass') {
    let s = 0
    for (const v of set.y) s += v
    meanLabel = s / set.y.length
  }
  const scored = set?.y.length ?? 0
  const tooFew = `${scored} scorable labels < minLabels ${config.minLabels}`
  return {
    window: window.index,
    predictions: window.predictions,
    labelled,
    coverage: window.predictions > 0 ? labelled / window.predictions : 0,
    invalidLabels: invalid,
    meanLabel,
    latency:
      latencies.length === 0
        ? null
        : {
            p50Ms: nearestRank(latencies, 0.5),
            p90Ms: nearestRank(latencies, 0.9),
            p99Ms: nearestRank(latencies, 0.99),
            maxMs: latencies[latencies.length - 1]!,
          },
    metrics: metrics.map((metric) =>
      set && scored >= config.minLabels
        ? metricWithCi(metric, set, config, `performance:${window.key}:${metric}`)
        : { metric, estimate: null, lower: null, upper: null, reason: tooFew },
    ),
  }
}
