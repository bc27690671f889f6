import { describe, expect, it } from 'vitest'
import {
  flightsStore,
  servedPrediction,
  withServed,
} from '../features/check/test-support/fixture.js'
import { referenceLookup } from '../features/check/test-support/reference-lookup.js'
import type { TimedRow } from '../features/point-in-time.js'
import { createMemoryEventLog } from '../stores/events/memory-event-log.js'
import type { KeelEvent } from '../stores/events/types.js'
import { DAY, monitoredTraffic, T0, trainMonitoredBundle } from '../testing/monitor-fixture.js'
import type { MonitoringConfigInput } from './config.js'
import { monitorWindows } from './monitor-windows.js'

// Two days of traffic served with the flights feature service; on day 1 a share of predictions
// was served a wrong temperature. The feature_skew alert fires when that share is above the
// configured rate, and not when it is at or below it.

const bundle = trainMonitoredBundle()
const store = flightsStore()
const weather: TimedRow[] = [
  { key: 'ORD', eventTime: T0 - DAY, knownTime: T0 - DAY, values: { temp: 10 }, order: 0 },
]
const delays: TimedRow[] = [
  {
    key: 'ORD',
    eventTime: T0 - DAY,
    knownTime: T0 - DAY,
    values: { late_rate: 0.2, flights: 9 },
    order: 0,
  },
]
const online = { delays, weather }

/** Day 0 consistent; on day 1 every `skewEvery`-th prediction is served 99 °C. */
const traffic = (skewEvery: number): KeelEvent[] => {
  let day1 = 0
  return monitoredTraffic(bundle, { days: 2, perDay: 40 }).map((e) => {
    if (e.kind !== 'prediction') return e
    const served = servedPrediction(
      store,
      online,
      e.id,
      { origin: 'ORD', destination: 'ORD' },
      e.time,
    )
    // The key columns are logged inputs, as the service logs them.
    const event = {
      ...e,
      inputs: { ...e.inputs, origin: 'ORD', destination: 'ORD' },
      features: served.features!,
    }
    if (e.time < T0 + DAY || day1++ % skewEvery !== 0) return event
    return withServed(event, 'origin_temp', { value: 99, status: 'present', eventTime: T0 - DAY })
  })
}

const run = async (events: KeelEvent[], config: MonitoringConfigInput, withLookup = true) => {
  const log = createMemoryEventLog()
  await log.append(events)
  const report = await monitorWindows({
    eventLog: log,
    bundle,
    model: bundle.name,
    window: { by: 'time', size: '1d' },
    from: T0,
    to: T0 + 2 * DAY,
    asOf: T0 + 3 * DAY,
    config: { minRows: 20, detectors: { enabled: false }, ...config },
    ...(withLookup
      ? { featureConsistency: { store, lookupView: referenceLookup({ delays, weather }) } }
      : {}),
  })
  await log.close()
  return report
}

const skew = (r: Awaited<ReturnType<typeof run>>) =>
  r.alerts.filter((a) => a.kind === 'feature_skew')

describe('feature_skew alerts', () => {
  it('fire above the configured mismatch rate, in the window and for the feature concerned', async () => {
    // 1 in 5 of day 1: 20% > 10%.
    const r = await run(traffic(5), { featureConsistency: { maxMismatchRate: 0.1 } })
    expect(r.featureConsistency).toHaveLength(2)
    const day1 = r.featureConsistency![1]!.reports[0]!
    expect(day1.perFeature.find((f) => f.feature === 'origin_temp')).toMatchObject({
      checked: 40,
      mismatches: 8,
      rate: 0.2,
    })
    const alerts = skew(r)
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      key: 'feature_skew:flights.origin_temp',
      window: 1,
      value: 0.2,
      threshold: 0.1,
      status: 'new',
    })
    expect(alerts[0]!.message).toContain('20%')
  })

  it('do not fire at or below it, nor in a consistent window', async () => {
    // 1 in 10 of day 1: exactly 10%, not above.
    const r = await run(traffic(10), { featureConsistency: { maxMismatchRate: 0.1 } })
    expect(
      r.featureConsistency![1]!.reports[0]!.perFeature.find((f) => f.feature === 'origin_temp')!
        .rate,
    ).toBe(0.1)
    expect(skew(r)).toEqual([])
    const loose = await run(traffic(5), { featureConsistency: { maxMismatchRate: 0.5 } })
    expect(skew(loose)).toEqual([])
  })

  it('use the default rate (1%) when the config has no featureConsistency section', async () => {
    const r = await run(traffic(40), {})
    expect(skew(r).map((a) => [a.subject, a.threshold])).toEqual([['flights.origin_temp', 0.01]])
  })

  it('leave a run without an offline lookup unchanged: no check, no section, no alert', async () => {
    const r = await run(traffic(5), {}, false)
    expect(r).not.toHaveProperty('featureConsistency')
    expect(skew(r)).toEqual([])
  })
})
