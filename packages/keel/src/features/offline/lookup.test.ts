import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { historyReference } from '../point-in-time.js'
import { featureHistory } from './history.js'
import { lookupView, readViewRows } from './lookup-view.js'
import {
  answerAt,
  expectedAnswers,
  joinCaseArb,
  testView,
  valuesSql,
  type JoinCase,
} from './test-support.js'

// The DuckDB engine against the reference rule (point-in-time.ts) on generated data: ties on
// event time, equal (event, known) duplicates, TTL boundaries, known time before and after event
// time, missing and null keys, duplicate entity rows, both join modes.

const lookUp = async (c: JoinCase) => {
  const view = testView({ duckdb: valuesSql(c.rows) }, c.ttlMs)
  const found = await lookupView(view, c.keys, Float64Array.from(c.times), { asOf: c.asOf })
  return c.keys.map((_, i) => answerAt(found, i))
}

describe('lookupView on DuckDB', () => {
  test.prop([joinCaseArb], { numRuns: 30 })('equals pointInTimeReference', async (c) => {
    expect(await lookUp(c)).toEqual(expectedAnswers(c))
  })

  test.prop([joinCaseArb], { numRuns: 12 })('pushed rows give the same answers', async (c) => {
    const view = testView({ push: true }, c.ttlMs)
    const found = await lookupView(view, c.keys, Float64Array.from(c.times), {
      asOf: c.asOf,

      pushedRows: async function* () {
        yield [...c.rows].reverse()
      },
    })
    expect(c.keys.map((_, i) => answerAt(found, i))).toEqual(expectedAnswers(c))
  })

  it('serves a value exactly until event time + ttl (half-open)', async () => {
    const c: JoinCase = {
      rows: [{ key: 'a', eventTime: 10, knownTime: 10, values: { x: 1, c: 'p' }, order: 0 }],
      keys: ['a', 'a', 'a'],
      times: [10, 14, 15],
      ttlMs: 5,
      asOf: 'known',
    }
    const got = await lookUp(c)
    expect(got.map((g) => g.status)).toEqual(['present', 'present', 'outside_ttl'])
    expect(got[2]!.values).toBeNull()
  })

  it('a late row is not served before it is known, unless as of event time', async () => {
    const rows = [{ key: 'a', eventTime: 10, knownTime: 20, values: { x: 1, c: 'p' }, order: 0 }]
    const base = { rows, keys: ['a'], times: [15], ttlMs: null }
    expect((await lookUp({ ...base, asOf: 'known' }))[0]!.status).toBe('not_found')
    expect((await lookUp({ ...base, asOf: 'event' }))[0]).toMatchObject({
      status: 'present',
      knownTime: 10,
    })
  })

  it('reads rows in source order with text keys and epoch-ms times', async () => {
    const view = testView({ duckdb: valuesSql(expectedRows) }, null)
    const got = []
    for await (const batch of readViewRows(view)) got.push(...batch)
    expect(got).toEqual(expectedRows)
  })

  it('reads only the rows known in (knownAfter, knownAtOrBefore]', async () => {
    const view = testView({ duckdb: valuesSql(expectedRows) }, null)
    const got = []
    for await (const batch of readViewRows(view, { knownAfter: 2, knownAtOrBefore: 7 })) {
      got.push(...batch)
    }
    expect(got).toEqual([expectedRows[0]])
    const none = []
    for await (const batch of readViewRows(view, { knownAfter: 7 })) none.push(...batch)
    expect(none).toEqual([])
  })
})

const expectedRows = [
  { key: 'b', eventTime: 5, knownTime: 7, values: { x: 1, c: 'p' }, order: 0 },
  { key: 'a', eventTime: 3, knownTime: 2, values: { x: null, c: null }, order: 1 },
]

describe('featureHistory on DuckDB', () => {
  test.prop([joinCaseArb, fc.integer({ min: -2, max: 10 }), fc.integer({ min: 1, max: 25 })], {
    numRuns: 20,
  })('equals historyReference', async (c, from, span) => {
    const view = testView({ duckdb: valuesSql(c.rows) }, c.ttlMs)
    for (const key of ['a', 'zz']) {
      const got = await featureHistory(view, key, from, from + span, { asOf: c.asOf })
      expect(got).toEqual(
        historyReference(c.rows, key, from, from + span, { ttlMs: c.ttlMs, asOf: c.asOf }),
      )
    }
  })
})
