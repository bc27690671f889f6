import { KeelError } from '@keel/core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSqliteEventLog } from '../../stores/events/sqlite-event-log.js'
import { createMemoryEventLog } from '../../stores/events/memory-event-log.js'
import type { PredictionEvent } from '../../stores/events/types.js'
import { resolveFeatureStore } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import { checkConsistency } from './check-consistency.js'
import { renderConsistencyReport } from './render.js'
import { seededHash, seededSample } from './sample.js'
import { at, flightsStore, row, servedPrediction, withServed } from './test-support/fixture.js'
import { referenceLookup } from './test-support/reference-lookup.js'

const store = flightsStore()
const offline: Record<string, readonly TimedRow[]> = {
  delays: [
    row('ORD', 0, { late_rate: 0.3, flights: 12 }, 1),
    row('JFK', 0, { late_rate: 0.1, flights: 5 }),
  ],
  weather: [row('ORD', 0, { temp: 10 })],
}

/** `n` consistent predictions, ORD → JFK, one every 10 minutes from 1 h. */
const traffic = (n: number): PredictionEvent[] =>
  Array.from({ length: n }, (_, i) =>
    servedPrediction(
      store,
      offline,
      `q${i}:0`,
      { origin: 'ORD', destination: 'JFK' },
      at(1 + i / 6),
    ),
  )

describe('checkConsistency', () => {
  it('looks each view up once for all sampled rows, a view used twice with both key columns', async () => {
    const lookup = referenceLookup(offline)
    const r = await checkConsistency({ events: traffic(12), store, lookupView: lookup })
    expect(r.checked).toBe(12)
    expect(lookup.calls).toEqual(
      expect.arrayContaining([
        { view: 'delays', keys: 24 },
        { view: 'weather', keys: 12 },
      ]),
    )
    expect(lookup.calls).toHaveLength(2)
    expect(r.format).toBe('keel.features.consistency')
    expect(r.version).toBe(store.services.get('flights')!.version)
    expect(r.window).toEqual({ from: at(1), to: at(1 + 11 / 6) + 1 })
  })

  it('counts another service version as versionChanged and a missing key column as unverifiable, not as mismatches', async () => {
    const events = traffic(6)
    const stale = { ...events[0]!, features: { ...events[0]!.features!, version: 'aaaaaaaaaaaa' } }
    const noKey = { ...events[1]!, inputs: { origin: 'ORD' } }
    const truncated = { ...events[2]!, inputs: {}, inputsTruncated: { bytes: 9000, fields: 40 } }
    const badKey = { ...events[3]!, inputs: { origin: 7, destination: 'JFK' } }
    const r = await checkConsistency({
      events: [stale, noKey, truncated, badKey, ...events.slice(4)],
      store,
      lookupView: referenceLookup(offline),
    })
    expect(r).toMatchObject({ sampled: 6, checked: 2, versionChanged: 1, unverifiable: 3 })
    expect(r.missingKeys).toEqual({ destination: 1, origin: 1 })
    expect(r.overall.predictionsWithMismatch).toBe(0)
    expect(r.notes.join('\n')).toMatch(/another version/)
  })

  it('a served outside_ttl or not_found where offline is present is a status mismatch; a value not logged too', async () => {
    const [a, b, c] = traffic(3)
    const events = [
      withServed(a!, 'origin_late_rate', { value: null, status: 'outside_ttl', eventTime: at(0) }),
      withServed(b!, 'origin_late_rate', { value: null, status: 'not_found' }),
      {
        ...c!,
        features: { ...c!.features!, values: { ...c!.features!.values, origin_temp: undefined! } },
      },
    ]
    const r = await checkConsistency({ events, store, lookupView: referenceLookup(offline) })
    const f = (name: string) => r.perFeature.find((x) => x.feature === name)!
    expect(f('origin_late_rate')).toMatchObject({
      mismatches: 2,
      byReason: { status: 2, value: 0 },
    })
    expect(f('origin_temp').examples[0]).toMatchObject({ served: null, reason: 'status' })
    expect(f('origin_flights').mismatches).toBe(0)
    expect(r.overall.rate).toBe(1)
  })

  it('compares exactly by default and within a relative tolerance when asked', async () => {
    const events = traffic(2).map((e) =>
      withServed(e, 'origin_late_rate', {
        value: 0.1 + 0.2,
        status: 'present',
        eventTime: at(0),
        knownTime: at(1),
      }),
    )
    const rows = {
      ...offline,
      delays: [row('ORD', 0, { late_rate: 0.3, flights: 12 }, 1), offline.delays![1]!],
    }
    const exact = await checkConsistency({ events, store, lookupView: referenceLookup(rows) })
    expect(exact.perFeature[0]!.mismatches).toBe(2)
    const close = await checkConsistency({
      events,
      store,
      lookupView: referenceLookup(rows),
      tolerance: { relative: 1e-9 },
    })
    expect(close.perFeature[0]!.mismatches).toBe(0)
    expect(close.tolerance).toEqual({ relative: 1e-9, absolute: null })
  })

  it('recomputes on-demand features from the offline values and reports code that throws', async () => {
    const throwing = resolveFeatureStore({
      entities: [{ name: 'airport' }],
      featureViews: [
        {
          name: 'weather',
          source: { push: true },
          entity: 'airport',
          eventTime: 'ts',
          noLateness: true,
          features: [{ name: 'temp', kind: 'numeric' }],
        },
      ],
      onDemand: [
        {
          name: 'fahrenheit',
          kind: 'numeric',
          compute: (r) => {
            if (typeof r.temp !== 'number') throw new Error('no temperature')
            return (r.temp * 9) / 5 + 32
          },
        },
      ],
      featureServices: [
        {
          name: 'w',
          views: [{ view: 'weather', key: 'airport' }],
          onDemand: ['fahrenheit'],
          onStatus: { not_found: { default: 0 } },
        },
      ],
    })
    const rows = { weather: [row('ORD', 0, { temp: 10 })] }
    const ok = servedPrediction(throwing, rows, 'a:0', { airport: 'ORD' }, at(1), 'w')
    const wrong = withServed(ok, 'fahrenheit', { value: 51, status: 'present' })
    const r = await checkConsistency({
      events: [{ ...ok, id: 'b:0' }, wrong],
      store: throwing,
      lookupView: referenceLookup(rows),
    })
    expect(r.perFeature.map((f) => [f.feature, f.mismatches])).toEqual([
      ['temp', 0],
      ['fahrenheit', 1],
    ])
    expect(r.perFeature[1]!.examples[0]).toMatchObject({
      served: { value: 51 },
      offline: { value: 50 },
    })
    // An unknown airport is served the policy's default, 0 °C, and the gap code sees it offline too.
    const unknown = servedPrediction(throwing, rows, 'c:0', { airport: 'BOS' }, at(1), 'w')
    expect(unknown.features!.values.fahrenheit).toEqual({ value: 32, status: 'present' })
    const byPolicy = await checkConsistency({
      events: [unknown],
      store: throwing,
      lookupView: referenceLookup(rows),
    })
    expect(byPolicy.overall.predictionsWithMismatch).toBe(0)
    const missing = await checkConsistency({
      events: [withServed(ok, 'fahrenheit', { value: 50, status: 'present' })],
      store: throwing,
      // Offline the temperature is null (policy `missing`), so the code throws.
      lookupView: referenceLookup({ weather: [row('ORD', 0, { temp: null })] }),
    })
    expect(missing.perFeature[1]!.examples[0]!.offline).toMatchObject({
      status: 'null',
      error: 'no temperature',
    })
  })

  it('samples deterministically by seed, independent of the order of the log', async () => {
    const events = traffic(40)
    const ids = async (evs: PredictionEvent[], seed: number) =>
      (
        await checkConsistency({
          events: evs,
          store,
          lookupView: referenceLookup(offline),
          sample: 5,
          seed,
          // Every prediction mismatches, so the examples name the sampled ones.
          tolerance: {},
          maxExamples: 5,
        })
      ).perFeature
    const altered = events.map((e) =>
      withServed(e, 'origin_flights', { value: -1, status: 'present' }),
    )
    const a = (await ids(altered, 1))[1]!.examples.map((e) => e.predictionId)
    const b = (await ids([...altered].reverse(), 1))[1]!.examples.map((e) => e.predictionId)
    const c = (await ids(altered, 2))[1]!.examples.map((e) => e.predictionId)
    expect(a).toHaveLength(5)
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
    const s = seededSample<number>(3, 9)
    for (let i = 0; i < 100; i++) s.offer(`id${i}`, i)
    const best = Array.from({ length: 100 }, (_, i) => i)
      .sort((x, y) => seededHash(`id${x}`, 9) - seededHash(`id${y}`, 9))
      .slice(0, 3)
    expect(s.items()).toEqual(best)
    expect(s.seen()).toBe(100)
  })

  it('reads an event log over a time range, for one model, stopping at maxEvents', async () => {
    const log = createMemoryEventLog()
    const events = traffic(12)
    await log.append([...events, { ...events[0]!, id: 'other:0', model: 'other' }])
    const r = await checkConsistency({
      events: log,
      store,
      lookupView: referenceLookup(offline),
      model: 'delay',
      from: at(1 + 2 / 6),
      to: at(1 + 8 / 6),
    })
    expect(r).toMatchObject({ eligible: 6, checked: 6, truncated: false })
    expect(r.window).toEqual({ from: at(1 + 2 / 6), to: at(1 + 8 / 6) })
    const capped = await checkConsistency({
      events: log,
      store,
      lookupView: referenceLookup(offline),
      maxEvents: 4,
    })
    expect(capped).toMatchObject({ eligible: 4, truncated: true })
    await log.close()
  })

  it('reads the SQLite prediction log like the memory one: the same sample, the same findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-consistency-'))
    const sqlite = openSqliteEventLog(join(dir, 'events.db'))
    const memory = createMemoryEventLog()
    const events = traffic(30).map((e, i) =>
      i % 3 === 0 ? withServed(e, 'origin_flights', { value: 13, status: 'present' }) : e,
    )
    try {
      await sqlite.append(events)
      await memory.append(events)
      const options = { store, sample: 10, seed: 3 }
      const a = await checkConsistency({
        ...options,
        events: sqlite,
        lookupView: referenceLookup(offline),
      })
      const b = await checkConsistency({
        ...options,
        events: memory,
        lookupView: referenceLookup(offline),
      })
      expect(a).toEqual(b)
      expect(a).toMatchObject({ eligible: 30, sampled: 10 })
      expect(a.perFeature[1]!.mismatches).toBeGreaterThan(0)
    } finally {
      await sqlite.close()
      await memory.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('answers bad options with structured errors', async () => {
    const base = { events: traffic(1), store, lookupView: referenceLookup(offline) }
    await expect(checkConsistency({ ...base, sample: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: ['sample'],
    })
    await expect(checkConsistency({ ...base, tolerance: { relative: NaN } })).rejects.toMatchObject(
      {
        path: ['tolerance', 'relative'],
      },
    )
    await expect(checkConsistency({ ...base, service: 'nope' })).rejects.toBeInstanceOf(KeelError)
    await expect(checkConsistency({ ...base, from: at(2), to: at(1) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    const short = Object.assign(
      async () => ({
        status: new Uint8Array(0),
        eventTime: new Float64Array(0),
        knownTime: new Float64Array(0),
        values: {},
      }),
      {},
    )
    await expect(checkConsistency({ ...base, lookupView: short })).rejects.toMatchObject({
      code: 'INVALID_DATA',
    })
  })

  it('renders a text table with the rates and the examples', async () => {
    const events = traffic(4).map((e, i) =>
      i === 0
        ? withServed(e, 'origin_late_rate', { value: 0.33, status: 'present', eventTime: at(0) })
        : e,
    )
    const r = await checkConsistency({ events, store, lookupView: referenceLookup(offline) })
    const text = renderConsistencyReport(r)
    expect(text).toContain(`Feature service flights (version ${r.version})`)
    expect(text).toMatch(/origin_late_rate\s+delays\s+4\s+1\s+25\.0%/)
    // The served gap was computed from the served 0.3, so it agrees.
    expect(text).toMatch(/late_gap\s+on demand\s+4\s+0\s+0\.0%/)
    expect(text).toContain('Examples for origin_late_rate:')
    expect(text).toContain('q0:0')
    expect(text).toContain('0.33 (event 2026-01-01T00:00:00.000Z)')
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
})
