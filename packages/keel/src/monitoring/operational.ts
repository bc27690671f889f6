import type { PredictionEvent } from '../stores/events/index.js'
import { nearestRank } from './nearest-rank.js'
import type { MonitoringWindow } from './windows.js'

/**
 * Where serving latency and errors live: the prediction log records answered predictions only
 * (no timing, and a failed request logs no event), while `keel serve` counts both in `/metrics`.
 */
export const SERVING_METRICS_NOTE =
  'Latency and errors are not in the prediction log: it records answered predictions only, ' +
  'without timings, and a failed request logs no event. keel serve exports both at /metrics: ' +
  'keel_predict_duration_seconds (a histogram per model, version and outcome) and ' +
  'keel_predict_requests_total{outcome="ok|client_error|server_error"}.'

/** Operational figures of one window, read from the prediction events themselves. */
export interface OperationalWindow {
  readonly window: number
  readonly predictions: number
  /** Distinct requests (a request may carry several rows). */
  readonly requests: number
  /** The first and last prediction of the window (epoch ms); `null` for an empty window. */
  readonly span: { readonly first: number; readonly last: number } | null
  /**
   * Predictions per second over the span the window's events cover, first to last (at least one
   * second, so a handful of predictions in one instant reads as that many per second): the rate
   * while traffic flowed, not diluted by the quiet rest of the window.
   */
  readonly throughputPerSecond: number
  /** The most predictions made within any one second of the window (a sliding second). */
  readonly peakPerSecond: number
  /** Predictions per source (http, batch, library). */
  readonly sources: Readonly<Record<string, number>>
  /** Share of predictions marked for deferral to a person. */
  readonly deferRate: number
  /**
   * Serving latency, when the events carry a `latencyMs` field; otherwise `null`: the events
   * Keel writes do not (see {@link SERVING_METRICS_NOTE} for where it is).
   */
  readonly latency: {
    readonly count: number
    readonly p50Ms: number
    readonly p95Ms: number
    readonly p99Ms: number
  } | null
  /** Events that record an `error`, when the log carries errors; otherwise `null` (not logged). */
  readonly errors: number | null
}

/** The most of the ascending `times` that fall within any interval [t, t + 1 s). */
const peakPerSecond = (times: readonly number[]): number => {
  let peak = 0
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 1000) lo++
    peak = Math.max(peak, hi - lo + 1)
  }
  return peak
}

/**
 * Throughput over the span traffic covered and its peak second, request count, sources, deferral
 * rate, and — when the log carries them — latency percentiles and error counts of one window.
 * Fields the event type does not define are read defensively, so a log written by a newer service
 * still reports them.
 */
export const windowOperational = (
  window: MonitoringWindow,
  events: readonly PredictionEvent[],
): OperationalWindow => {
  const requests = new Set<string>()
  const sources: Record<string, number> = {}
  const latencies: number[] = []
  const times = events.map((e) => e.time).sort((a, b) => a - b)
  let deferred = 0
  let errors = 0
  let errorsLogged = false
  for (const e of events) {
    requests.add(e.requestId)
    const s = e.source ?? 'unknown'
    sources[s] = (sources[s] ?? 0) + 1
    if (e.output.defer) deferred++
    const extra = e as unknown as { latencyMs?: unknown; error?: unknown }
    if (typeof extra.latencyMs === 'number' && Number.isFinite(extra.latencyMs)) {
      latencies.push(extra.latencyMs)
    }
    if ('error' in extra) {
      errorsLogged = true
      if (extra.error !== null && extra.error !== undefined && extra.error !== false) errors++
    }
  }
  latencies.sort((a, b) => a - b)
  const n = events.length
  const span = n === 0 ? null : { first: times[0]!, last: times[n - 1]! }
  const seconds = span ? Math.max(1000, span.last - span.first) / 1000 : 1
  return {
    window: window.index,
    predictions: n,
    requests: requests.size,
    span,
    throughputPerSecond: n / seconds,
    peakPerSecond: peakPerSecond(times),
    sources,
    deferRate: n > 0 ? deferred / n : 0,
    latency:
      latencies.length === 0
        ? null
        : {
            count: latencies.length,
            p50Ms: nearestRank(latencies, 0.5),
            p95Ms: nearestRank(latencies, 0.95),
            p99Ms: nearestRank(latencies, 0.99),
          },
    errors: errorsLogged ? errors : null,
  }
}
