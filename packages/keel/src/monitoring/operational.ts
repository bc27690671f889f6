import type { PredictionEvent } from '../stores/events/index.js'
import { nearestRank } from './nearest-rank.js'
import type { MonitoringWindow } from './windows.js'

/** Operational figures of one window, read from the prediction events themselves. */
export interface OperationalWindow {
  readonly window: number
  readonly predictions: number
  /** Distinct requests (a request may carry several rows). */
  readonly requests: number
  /** Predictions per second over the part of the window that has elapsed. */
  readonly throughputPerSecond: number
  /** Predictions per source (http, batch, library). */
  readonly sources: Readonly<Record<string, number>>
  /** Share of predictions marked for deferral to a person. */
  readonly deferRate: number
  /** Serving latency, when the events carry a `latencyMs` field; otherwise `null`. */
  readonly latency: {
    readonly count: number
    readonly p50Ms: number
    readonly p99Ms: number
  } | null
  /** Events that record an `error`, when the log carries errors; otherwise `null` (not logged). */
  readonly errors: number | null
}

/**
 * Throughput, request count, sources, deferral rate, and — when the log carries them — latency
 * percentiles and error counts of one window. Fields the event type does not define are read
 * defensively, so a log written by a newer service still reports them.
 */
export const windowOperational = (
  window: MonitoringWindow,
  events: readonly PredictionEvent[],
  asOf: number,
): OperationalWindow => {
  const requests = new Set<string>()
  const sources: Record<string, number> = {}
  const latencies: number[] = []
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
  const elapsed = Math.max(1, Math.min(window.end, Math.max(asOf, window.start + 1)) - window.start)
  const n = events.length
  return {
    window: window.index,
    predictions: n,
    requests: requests.size,
    throughputPerSecond: n / (elapsed / 1000),
    sources,
    deferRate: n > 0 ? deferred / n : 0,
    latency:
      latencies.length === 0
        ? null
        : {
            count: latencies.length,
            p50Ms: nearestRank(latencies, 0.5),
            p99Ms: nearestRank(latencies, 0.99),
          },
    errors: errorsLogged ? errors : null,
  }
}
