import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import type { PredictionEvent } from '../../stores/events/types.js'
import type { TimedRow } from '../point-in-time.js'
import { checkConsistency } from './check-consistency.js'
import type { ConsistencyReport } from './report.js'
import { at, flightsStore, row, servedPrediction } from './test-support/fixture.js'
import { referenceLookup } from './test-support/reference-lookup.js'

// The deliberately skewed cases: each builds the prediction log the way the service writes it
// (values read from an online store at request time), then checks it against the offline rows.

const store = flightsStore()

const delays: TimedRow[] = [
  row('ORD', 0, { late_rate: 0.3333, flights: 12 }, 1),
  row('ORD', 4, { late_rate: 0.25, flights: 8 }, 5),
  row('JFK', 0, { late_rate: 0.1, flights: 5 }, 0.5),
  row('SFO', 2, { late_rate: 0.5, flights: 3 }),
]
const weather: TimedRow[] = [row('ORD', 0, { temp: 10 }), row('JFK', 0, { temp: 5 })]

/** Requests: [origin, destination, hour]. */
const requests: [string, string, number][] = [
  ['ORD', 'JFK', 2],
  ['ORD', 'SFO', 3],
  ['JFK', 'ORD', 3],
  ['ORD', 'JFK', 6],
  ['SFO', 'ORD', 7],
  ['ORD', 'SFO', 7],
  ['JFK', 'SFO', 12],
]

const log = (online: Record<string, readonly TimedRow[]>): PredictionEvent[] =>
  requests.map(([origin, destination, h], i) =>
    servedPrediction(store, online, `r${i}:0`, { origin, destination, distance: 700 }, at(h)),
  )

const byFeature = (r: ConsistencyReport): Record<string, number> =>
  Object.fromEntries(r.perFeature.map((f) => [f.feature, f.mismatches]))

const check = (
  events: PredictionEvent[],
  offline: Record<string, readonly TimedRow[]>,
  asOf?: 'known' | 'event',
) =>
  checkConsistency({
    events,
    store,
    lookupView: referenceLookup(offline),
    ...(asOf ? { asOf } : {}),
  })

describe('the skewed cases are caught', () => {
  it('(d) a consistent log has exactly 0 mismatches', async () => {
    const r = await check(log({ delays, weather }), { delays, weather })
    expect(r.checked).toBe(requests.length)
    expect(r.overall.predictionsWithMismatch).toBe(0)
    expect(Object.values(byFeature(r))).toEqual([0, 0, 0, 0, 0, 0])
    // Statuses of every kind were compared, not only present values.
    const served = log({ delays, weather }).flatMap((e) =>
      Object.values(e.features!.values).map((v) => v.status),
    )
    expect(new Set(served)).toEqual(new Set(['present', 'null', 'not_found', 'outside_ttl']))
  })

  it('(a) an online writer that rounds: mismatches on that feature (and what is computed from it) only', async () => {
    const rounded = delays.map((r) => ({
      ...r,
      values: { ...r.values, late_rate: Math.round((r.values.late_rate as number) * 100) / 100 },
    }))
    const r = await check(log({ delays: rounded, weather }), { delays, weather })
    // ORD's 0.3333 (event 0 h) is served at 2 h and 3 h as origin, at 3 h as destination.
    expect(byFeature(r)).toEqual({
      origin_late_rate: 2,
      origin_flights: 0,
      dest_late_rate: 1,
      dest_flights: 0,
      origin_temp: 0,
      late_gap: 3,
    })
    const ex = r.perFeature[0]!.examples[0]!
    expect(ex).toMatchObject({
      predictionId: 'r0:0',
      key: { origin: 'ORD' },
      at: at(2),
      reason: 'value',
      served: { value: 0.33, status: 'present' },
      offline: { value: 0.3333, status: 'present', eventTime: at(0), knownTime: at(1) },
    })
    // A tolerance wide enough for the rounding accepts it.
    const tolerant = await checkConsistency({
      events: log({ delays: rounded, weather }),
      store,
      lookupView: referenceLookup({ delays, weather }),
      tolerance: { absolute: 0.005 },
    })
    expect(tolerant.overall.predictionsWithMismatch).toBe(0)
  })

  it('(b) a late-arriving row is not counted as of known time, and is by the naive as-of-event recomputation', async () => {
    // ORD's 5 h value arrives at 9 h: after the requests at 6 h and 7 h that had ORD as a key.
    const late = [...delays, row('ORD', 5, { late_rate: 0.9, flights: 20 }, 9)]
    const events = log({ delays: late, weather })
    const known = await check(events, { delays: late, weather })
    expect(known.overall.predictionsWithMismatch).toBe(0)
    const naive = await check(events, { delays: late, weather }, 'event')
    expect(byFeature(naive)).toEqual({
      origin_late_rate: 2,
      origin_flights: 2,
      dest_late_rate: 1,
      dest_flights: 1,
      origin_temp: 0,
      // At 6 h JFK's value is past its TTL: the gap is null either way.
      late_gap: 2,
    })
    expect(naive.perFeature[0]!.examples.map((e) => e.offline.eventTime)).toEqual([at(5), at(5)])
    expect(naive.notes.join(' ')).toMatch(/as of event time/)
  })

  it('(c) a value served online before it was known offline is a mismatch', async () => {
    // The online writer had ORD's 5 h value at 5 h; the offline source says it was known at 8 h,
    // after the requests at 6 h and 7 h.
    const offline = [...delays, row('ORD', 5, { late_rate: 0.7, flights: 9 }, 8)]
    const online = [...delays, row('ORD', 5, { late_rate: 0.7, flights: 9 }, 5)]
    const r = await check(log({ delays: online, weather }), { delays: offline, weather })
    expect(byFeature(r)).toMatchObject({ origin_late_rate: 2, dest_late_rate: 1, origin_temp: 0 })
    const ex = r.perFeature.find((f) => f.feature === 'origin_late_rate')!.examples[0]!
    expect(ex.at).toBe(at(6))
    expect(ex.served).toMatchObject({ value: 0.7, eventTime: at(5), knownTime: at(5) })
    expect(ex.offline).toMatchObject({ value: 0.25, eventTime: at(4), knownTime: at(5) })
  })
})

const airports = ['ORD', 'JFK', 'SFO']
const rowArb = fc.record({
  key: fc.constantFrom(...airports),
  event: fc.integer({ min: 0, max: 20 }),
  lateness: fc.integer({ min: 0, max: 5 }),
  rate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  flights: fc.integer({ min: 0, max: 50 }),
})
const requestArb = fc.tuple(
  fc.constantFrom(...airports, 'BOS'),
  fc.constantFrom(...airports, 'BOS'),
  fc.integer({ min: 0, max: 30 }),
)

describe('property: a log served from the offline rows is consistent', () => {
  fcTest.prop(
    [fc.array(rowArb, { maxLength: 25 }), fc.array(requestArb, { minLength: 1, maxLength: 15 })],
    {
      numRuns: 60,
    },
  )(
    '0 mismatches, every prediction checked; one altered value is one mismatch',
    async (raw, reqs) => {
      const rows = raw.map((r, i) =>
        row(r.key, r.event, { late_rate: r.rate, flights: r.flights }, r.event + r.lateness, i),
      )
      const events = reqs.map(([origin, destination, h], i) =>
        servedPrediction(
          store,
          { delays: rows, weather },
          `p${i}:0`,
          { origin, destination },
          at(h),
        ),
      )
      const r = await check(events, { delays: rows, weather })
      expect(r.checked).toBe(reqs.length)
      expect(r.overall.predictionsWithMismatch).toBe(0)
      const first = events[0]!
      const v = first.features!.values.origin_flights!
      const altered = {
        ...first,
        features: {
          ...first.features!,
          values: {
            ...first.features!.values,
            origin_flights:
              v.status === 'present'
                ? { ...v, value: (v.value as number) + 1 }
                : { value: 1, status: 'present' as const },
          },
        },
      }
      const r2 = await check([altered, ...events.slice(1)], { delays: rows, weather })
      expect(byFeature(r2).origin_flights).toBe(1)
      expect(r2.overall.predictionsWithMismatch).toBe(1)
    },
  )
})
