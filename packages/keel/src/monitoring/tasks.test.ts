import { describe, expect, it } from 'vitest'
import { createMemoryEventLog, type PredictionEvent } from '../stores/events/index.js'
import { monitorWindows } from './monitor-windows.js'
import { windowOperational } from './operational.js'
import {
  DAY,
  HOUR,
  monitoredTraffic,
  T0,
  trainMonitoredBundle,
} from '../testing/monitor-fixture.js'

const CONFIG = { bootstrap: { resamples: 30 } }

describe('monitorWindows on other tasks', () => {
  it('regression: value drift, error metrics and no DDM (there is no 0/1 error)', async () => {
    const bundle = trainMonitoredBundle('reg', 'regression')
    const log = createMemoryEventLog()
    await log.append(monitoredTraffic(bundle, { days: 4, perDay: 250, driftFrom: 2 }))
    const r = await monitorWindows({
      eventLog: log,
      bundle,
      model: 'reg',
      asOf: T0 + 5 * DAY,
      config: CONFIG,
    })
    expect(r.output.quantity).toBe('predicted value')
    expect(r.output.basis).toBe('reference')
    expect(r.output.windows.map((w) => w.result?.drifted)).toEqual([false, false, true, true])
    expect(r.performance.metrics).toEqual(['mae', 'rmse'])
    const mae = r.performance.windows.map((w) => w.metrics[0]!)
    // Labels are z + N(0, 0.5²) noise, so a fitted model's MAE is near 0.5·√(2/π) ≈ 0.4, above 0.
    for (const m of mae) expect(m.estimate! > 0.3 && m.estimate! < 1).toBe(true)
    expect(r.performance.windows[0]!.meanLabel).not.toBeNull()
    expect(r.detectors.map((d) => d.detector)).toEqual(['adwin', 'page_hinkley'])
    expect(r.labels.basis).toBe('reference')
  })

  it('multiclass: predicted-class drift and per-class metrics', async () => {
    const bundle = trainMonitoredBundle('multi', 'multiclass')
    const log = createMemoryEventLog()
    await log.append(monitoredTraffic(bundle, { days: 3, perDay: 250, driftFrom: 2 }))
    const r = await monitorWindows({
      eventLog: log,
      bundle,
      model: 'multi',
      asOf: T0 + 4 * DAY,
      config: CONFIG,
    })
    expect(r.output.quantity).toBe('predicted class')
    expect(r.output.windows[2]!.result!.statistics.kind).toBe('categorical')
    expect(r.output.windows.map((w) => w.result?.drifted)).toEqual([false, false, true])
    expect(r.performance.metrics).toEqual(['accuracy', 'f1_macro', 'log_loss'])
    expect(r.performance.windows[0]!.metrics[0]!.estimate).toBeGreaterThan(0.5)
    expect(r.performance.windows[0]!.meanLabel).toBeNull()
    expect(r.detectors.find((d) => d.detector === 'ddm')!.observations).toBeGreaterThan(600)
  })
})

describe('windowOperational', () => {
  const window = {
    index: 0,
    key: 'w',
    start: 0,
    end: 10_000,
    partial: false,
    predictions: 4,
    versions: {},
  }
  const event = (i: number, extra: Record<string, unknown>): PredictionEvent =>
    ({
      kind: 'prediction',
      id: `r${i >> 1}:${i & 1}`,
      requestId: `r${i >> 1}`,
      time: i * 1000,
      model: 'm',
      version: '1',
      inputs: {},
      output: { prediction: 'yes', defer: i === 0 },
      ...(i < 3 ? { source: 'http' } : { source: 'batch' }),
      ...extra,
    }) as PredictionEvent

  it('reads throughput, requests, deferrals, and latency and errors when the log carries them', () => {
    const events = [
      event(0, { latencyMs: 4 }),
      event(1, { latencyMs: 2, error: null }),
      event(2, { latencyMs: 9 }),
      event(3, { error: 'timeout' }),
    ]
    expect(windowOperational(window, events)).toEqual({
      window: 0,
      predictions: 4,
      requests: 2,
      span: { first: 0, last: 3000 },
      // 4 predictions from 0 s to 3 s; never two within one second.
      throughputPerSecond: 4 / 3,
      peakPerSecond: 1,
      sources: { http: 3, batch: 1 },
      deferRate: 0.25,
      latency: { count: 3, p50Ms: 4, p95Ms: 9, p99Ms: 9 },
      errors: 1,
    })
  })

  it('says latency and errors are not logged when the events lack them', () => {
    const o = windowOperational(window, [event(0, {}), event(1, {})])
    expect(o.latency).toBeNull()
    expect(o.errors).toBeNull()
    // Two predictions one second apart.
    expect(o.throughputPerSecond).toBe(2)
  })

  it('measures a burst over the time it lasted, not over the day it fell in', () => {
    // 8,000 predictions at 800 per second from 15:00 (one every 1.25 ms, 10 s), in a 1-day
    // window that started at midnight and had run 15.5 hours by the time of the report.
    const day = { ...window, start: T0, end: T0 + DAY, predictions: 8000 }
    const start = T0 + 15 * HOUR
    const burst = Array.from({ length: 8000 }, (_, i) => ({
      ...event(i % 4, {}),
      id: `b${i}:0`,
      requestId: `b${i}`,
      time: start + i * 1.25,
    }))
    const o = windowOperational(day, burst)
    expect(o.span).toEqual({ first: start, last: start + 7999 * 1.25 })
    // 8000 / 9.99875 s: the span runs from the first to the last prediction.
    expect(o.throughputPerSecond).toBeCloseTo(8000 / 9.99875, 9)
    expect(o.peakPerSecond).toBe(800)
    expect(o.requests).toBe(8000)
  })

  it('has no span and no rate in an empty window', () => {
    const o = windowOperational(window, [])
    expect(o).toMatchObject({ span: null, throughputPerSecond: 0, peakPerSecond: 0 })
  })
})
