import { describe, expect, it } from 'vitest'
import { historyReference, pointInTimeReference, type TimedRow } from './point-in-time.js'

const row = (key: string, e: number, k: number, v: number | null, order: number): TimedRow => ({
  key,
  eventTime: e,
  knownTime: k,
  values: { x: v },
  order,
})

// Hand-worked cases of the rule; the engines are checked against this function by property tests.
const rows: TimedRow[] = [
  row('a', 10, 10, 1, 0),
  row('a', 20, 50, 2, 1), // late: happened at 20, known at 50
  row('a', 30, 30, 3, 2),
  row('a', 30, 35, 4, 3), // same event time, known later: wins from 35 on
  row('b', 5, 5, null, 4),
]

describe('pointInTimeReference', () => {
  const at = (
    key: string,
    t: number,
    asOf: 'known' | 'event' = 'known',
    ttlMs: number | null = null,
  ) => pointInTimeReference(rows, key, t, { ttlMs, asOf })

  it('serves the latest event among the values known at t', () => {
    expect(at('a', 9).status).toBe('not_found')
    expect(at('a', 10).values).toEqual({ x: 1 })
    // At 25 the event-20 value exists but is not known yet: as of known time it is not served.
    expect(at('a', 25).values).toEqual({ x: 1 })
    expect(at('a', 25, 'event').values).toEqual({ x: 2 })
    expect(at('a', 30).values).toEqual({ x: 3 })
    expect(at('a', 35)).toMatchObject({ values: { x: 4 }, eventTime: 30, knownTime: 35 })
    // Known at 50 but older than the event-30 value: never served again.
    expect(at('a', 60).values).toEqual({ x: 4 })
  })

  it('applies the TTL half-open from the event time', () => {
    expect(at('a', 39, 'known', 10).status).toBe('present')
    expect(at('a', 40, 'known', 10)).toMatchObject({
      status: 'outside_ttl',
      values: null,
      eventTime: 30,
    })
  })

  it('reports a present null and misses unknown or null keys', () => {
    expect(at('b', 5)).toMatchObject({ status: 'present', values: { x: null } })
    expect(at('c', 100).status).toBe('not_found')
    expect(pointInTimeReference(rows, null, 100, { ttlMs: null }).status).toBe('not_found')
  })

  it('breaks exact ties by source order', () => {
    const tied = [row('k', 1, 1, 1, 0), row('k', 1, 1, 2, 1)]
    expect(pointInTimeReference(tied, 'k', 1, { ttlMs: null }).values).toEqual({ x: 2 })
  })
})

describe('historyReference', () => {
  it('gives the validity intervals, with the TTL expiry as an interval of its own', () => {
    const h = historyReference(rows, 'a', 0, 100, { ttlMs: 40 })
    expect(h.map((i) => [i.validFrom, i.validTo, i.status, i.values?.['x'] ?? null])).toEqual([
      [0, 10, 'not_found', null],
      [10, 30, 'present', 1],
      [30, 35, 'present', 3],
      [35, 70, 'present', 4],
      [70, null, 'outside_ttl', null],
    ])
  })
})
