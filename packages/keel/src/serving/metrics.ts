import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client'
import type { BundlePredictions } from '@keel/core'
import type { FeatureStatus } from '../features/definitions.js'
import type { EventWriter } from '../stores/events/index.js'

/** Outcome label of a request: `ok`, or the error class. */
export type RequestOutcome = 'ok' | 'client_error' | 'server_error'

/** The service's Prometheus metrics, on a registry of its own (several servers per process are fine). */
export interface ServeMetrics {
  readonly registry: Registry
  /** Count and time one predict request. */
  observeRequest(model: string, version: string, outcome: RequestOutcome, seconds: number): void
  /** Record the predicted values of one batch. */
  observePredictions(model: string, version: string, p: BundlePredictions): void
  observeCache(model: string, hits: number, misses: number): void
  /** Count one shadow prediction (`ok` or `error`; `_none` when the arm's bundle could not load). */
  observeShadow(model: string, version: string, outcome: 'ok' | 'error'): void
  /** Count the prediction-log events whose inputs were truncated, and the undeclared fields dropped. */
  observeLogged(truncated: number, droppedFields: number): void
  /** Count `n` fetched values of one service output with one status (after one request). */
  observeFeatureValues(service: string, feature: string, status: FeatureStatus, n: number): void
  /**
   * Count one failed online-store read of a service (`error`: the store rejected; `timeout`: no
   * answer within the bound), and what the request got (`unavailable` 503 or the `fallback`).
   */
  observeOnlineStoreError(
    service: string,
    cause: 'error' | 'timeout',
    answer: 'unavailable' | 'fallback',
  ): void
  /** Show the event writer's queue depth and counters. */
  trackEvents(writer: EventWriter): void
  /**
   * Drop every series labelled with this version (it left the model host's cache and no alias
   * serves it), so that the label sets are bounded by the versions held, not by every version
   * ever asked for. Should it be served again, its counters restart from zero, which Prometheus's
   * `rate()` reads as a counter reset.
   */
  forgetVersion(model: string, version: string): void
}

/** Latency buckets (seconds): fine below 10 ms, where a healthy service lives. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
]
const SCORE_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1]

/** Create the metrics of one server. */
export const createServeMetrics = (
  options: { defaultMetrics?: boolean; prefix?: string } = {},
): ServeMetrics => {
  const registry = new Registry()
  const p = options.prefix ?? 'keel_'
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p })
  const requests = new Counter({
    name: `${p}predict_requests_total`,
    help: 'Predict requests by model, bundle version and outcome.',
    labelNames: ['model', 'version', 'outcome'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: `${p}predict_duration_seconds`,
    help: 'Predict request latency inside the service (parse, validate, predict, respond).',
    labelNames: ['model', 'version', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const rows = new Counter({
    name: `${p}predictions_total`,
    help: 'Predicted rows by model, version and decision (the served class distribution).',
    labelNames: ['model', 'version', 'decision'] as const,
    registers: [registry],
  })
  const score = new Histogram({
    name: `${p}prediction_score`,
    help: 'Positive-class probability (binary) or top-class confidence (multiclass) per predicted row.',
    labelNames: ['model', 'version'] as const,
    buckets: SCORE_BUCKETS,
    registers: [registry],
  })
  const value = new Summary({
    name: `${p}prediction_value`,
    help: 'Predicted value per row of regression models.',
    labelNames: ['model', 'version'] as const,
    percentiles: [0.05, 0.5, 0.95],
    maxAgeSeconds: 600,
    ageBuckets: 5,
    registers: [registry],
  })
  const cache = new Counter({
    name: `${p}prediction_cache_requests_total`,
    help: 'Prediction-cache lookups by result (hit or miss).',
    labelNames: ['model', 'result'] as const,
    registers: [registry],
  })
  const shadows = new Counter({
    name: `${p}shadow_predictions_total`,
    help: 'Shadow-arm predictions by model, bundle version and outcome (ok or error), made after the answer.',
    labelNames: ['model', 'version', 'outcome'] as const,
    registers: [registry],
  })
  const logTruncated = new Counter({
    name: `${p}prediction_log_truncated_total`,
    help: 'Prediction-log events whose inputs were over the byte bound and replaced by a marker.',
    registers: [registry],
  })
  const logDroppedFields = new Counter({
    name: `${p}prediction_log_dropped_fields_total`,
    help: 'Fields of predict rows that are not model inputs, left out of the prediction log.',
    registers: [registry],
  })
  // Labelled by service output and status: bounded by the project's config, not by requests.
  const featureValues = new Counter({
    name: `${p}feature_values_total`,
    help: 'Feature values fetched for predictions, by feature service, output and status (present, null, not_found, outside_ttl).',
    labelNames: ['service', 'feature', 'status'] as const,
    registers: [registry],
  })
  const storeErrors = new Counter({
    name: `${p}online_store_errors_total`,
    help: 'Online-store reads of feature services that failed (error) or timed out, by what the request got (unavailable or fallback).',
    labelNames: ['service', 'cause', 'answer'] as const,
    registers: [registry],
  })
  let hits = 0
  let lookups = 0
  new Gauge({
    name: `${p}prediction_cache_hit_ratio`,
    help: 'Share of prediction-cache lookups that hit, since start.',
    registers: [registry],
    collect() {
      this.set(lookups === 0 ? 0 : hits / lookups)
    },
  })
  // The decisions each version's predictions were counted under, to forget them with it.
  const decisions = new Map<string, Set<string>>()
  let writer: EventWriter | null = null
  const stat = <K extends 'depth' | 'written' | 'dropped' | 'failures'>(k: K): number =>
    writer?.stats()[k] ?? 0
  new Gauge({
    name: `${p}event_queue_depth`,
    help: 'Prediction-log events buffered or in flight.',
    registers: [registry],
    collect() {
      this.set(stat('depth'))
    },
  })
  for (const [name, key, help] of [
    ['events_written_total', 'written', 'Prediction-log events acknowledged by the event log.'],
    [
      'events_dropped_total',
      'dropped',
      'Prediction-log events dropped (buffer full or unflushed at shutdown); each was alerted.',
    ],
    [
      'event_append_failures_total',
      'failures',
      'Failed appends to the event log (retried with backoff).',
    ],
  ] as const) {
    new Counter({
      name: `${p}${name}`,
      help,
      registers: [registry],
      collect() {
        // The writer owns the count; mirror it (counters only go up, so does the writer's).
        this.reset()
        this.inc(stat(key))
      },
    })
  }

  return {
    registry,
    observeRequest(model, version, outcome, seconds) {
      requests.labels(model, version, outcome).inc()
      latency.labels(model, version, outcome).observe(seconds)
    },
    observePredictions(model, version, pr) {
      if (pr.task === 'regression') {
        const s = value.labels(model, version)
        for (const v of pr.prediction) s.observe(v as number)
        return
      }
      const h = score.labels(model, version)
      const counts = new Map<string, number>()
      for (let i = 0; i < pr.n; i++) {
        h.observe(pr.task === 'binary' ? pr.proba![2 * i + 1]! : pr.confidence[i]!)
        const d = pr.prediction[i] as string
        counts.set(d, (counts.get(d) ?? 0) + 1)
      }
      const key = `${model}\u0000${version}`
      let seen = decisions.get(key)
      if (!seen) decisions.set(key, (seen = new Set()))
      for (const [d, c] of counts) {
        rows.labels(model, version, d).inc(c)
        seen.add(d)
      }
    },
    observeCache(model, h, m) {
      if (h > 0) cache.labels(model, 'hit').inc(h)
      if (m > 0) cache.labels(model, 'miss').inc(m)
      hits += h
      lookups += h + m
    },
    observeShadow(model, version, outcome) {
      shadows.labels(model, version, outcome).inc()
    },
    observeLogged(truncated, droppedFields) {
      if (truncated > 0) logTruncated.inc(truncated)
      if (droppedFields > 0) logDroppedFields.inc(droppedFields)
    },
    observeFeatureValues(service, feature, status, n) {
      if (n > 0) featureValues.labels(service, feature, status).inc(n)
    },
    observeOnlineStoreError(service, cause, answer) {
      storeErrors.labels(service, cause, answer).inc()
    },
    trackEvents(w) {
      writer = w
    },
    forgetVersion(model, version) {
      for (const outcome of ['ok', 'client_error', 'server_error']) {
        requests.remove(model, version, outcome)
        latency.remove(model, version, outcome)
      }
      for (const outcome of ['ok', 'error']) shadows.remove(model, version, outcome)
      score.remove(model, version)
      value.remove(model, version)
      const key = `${model}\u0000${version}`
      for (const d of decisions.get(key) ?? []) rows.remove(model, version, d)
      decisions.delete(key)
    },
  }
}
