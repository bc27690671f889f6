// Windowed views looked up as of event time (the naive join) through the offline engines: the value
// at t is the naive aggregate (rows counted from their event time, known or not), and the known
// time reported is when that value really became available — after t exactly for leaky values.
// As of known time nothing changes.
import { test } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AggregationConfig, FeatureViewConfig } from '../config.js'
import type { ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import {
  naiveAvailabilityAt,
  windowedChangesReference,
  windowedValuesAt,
} from '../windowed/reference.js'
import { featureHistory } from './history.js'
import { createLookupCache, lookupView, readViewRows } from './lookup-view.js'
import {
  answerAt,
  valuesSql,
  windowedProbesArb,
  windowedRowsArb,
  windowedTestView,
  pgRowsTable,
} from './test-support.js'

const AGGREGATIONS: AggregationConfig[] = [
  { name: 'n_5', fn: 'count', window: '5ms' },
  { name: 'x_mean_8', fn: 'mean', column: 'x', window: '8ms' },
  { name: 'rate_5', fn: 'rate', window: '5ms' },
]

const windowed = (source: FeatureViewConfig['source'], publishEvery?: number) =>
  windowedTestView(source, AGGREGATIONS, publishEvery)

/** Looks the probes up both ways and checks each answer against the raw rows. */
const check = async (
  view: ResolvedView,
  rows: readonly TimedRow[],
  probes: readonly { key: string; t: number }[],
) => {
  const keys = probes.map((p) => p.key)
  const times = Float64Array.from(probes.map((p) => p.t))
  const naive = await lookupView(view, keys, times, { asOf: 'event' })
  const known = await lookupView(view, keys, times)
  probes.forEach((p, i) => {
    const answer = answerAt(naive, i)
    const available = naiveAvailabilityAt(view, rows, p.key, p.t)
    if (available === null) {
      expect(answer.status).toBe('not_found')
    } else {
      expect(answer.status).toBe('present')
      expect(answer.values).toEqual(windowedValuesAt(view, rows, p.key, p.t, 'event'))
      expect(answer.knownTime).toBe(available)
      expect(answer.eventTime).toBeLessThanOrEqual(p.t)
    }
    const asKnown = answerAt(known, i)
    if (asKnown.status === 'present') {
      expect(asKnown.values).toEqual(windowedValuesAt(view, rows, p.key, p.t))
      // As of known time a change point is known at its instant, never after the lookup.
      expect(asKnown.knownTime).toBe(asKnown.eventTime)
      expect(asKnown.knownTime).toBeLessThanOrEqual(p.t)
    } else {
      expect(asKnown.status).toBe('not_found')
    }
  })
}

/** The view's rows as the engine reads them, as of event time. */
const naiveRows = async (view: ResolvedView): Promise<TimedRow[]> => {
  const out: TimedRow[] = []
  for await (const batch of readViewRows(view, { asOf: 'event' })) out.push(...batch)
  return out
}

describe('windowed views looked up as of event time on DuckDB', () => {
  test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 30 })(
    'give the naive aggregate at t, known when it really became available',
    async (rows, probes) => {
      await check(windowed({ duckdb: valuesSql(rows) }), rows, probes)
    },
  )
  test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 30 })(
    'published every 3 ms, likewise at the last multiple of 3 ms',
    async (rows, probes) => {
      await check(windowed({ duckdb: valuesSql(rows) }, 3), rows, probes)
    },
  )
  test.prop([windowedRowsArb], { numRuns: 20 })(
    'read as rows, are the naive change points',
    async (rows) => {
      const view = windowed({ duckdb: valuesSql(rows) })
      expect(await naiveRows(view)).toEqual(windowedChangesReference(view, rows, 'event'))
    },
  )

  test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 15 })(
    'answer the same through a lookup cache, which keeps each mode apart',
    async (rows, probes) => {
      const view = windowed({ duckdb: valuesSql(rows) }, 3)
      const keys = probes.map((p) => p.key)
      const times = Float64Array.from(probes.map((p) => p.t))
      const cache = createLookupCache()
      try {
        for (const asOf of ['event', 'known', 'event'] as const) {
          expect(await cache.lookupView(view, keys, times, { asOf })).toEqual(
            await lookupView(view, keys, times, { asOf }),
          )
        }
      } finally {
        cache.close()
      }
    },
  )

  it('report a late row from its event time, known when it arrived', async () => {
    const late: TimedRow = {
      key: 'a',
      eventTime: 2,
      knownTime: 9,
      values: { x: 1, c: null },
      order: 0,
    }
    const view = windowed({ duckdb: valuesSql([late]) })
    const found = await lookupView(view, ['a', 'a'], Float64Array.of(4, 4))
    expect(answerAt(found, 0).status).toBe('not_found')
    const naive = answerAt(await lookupView(view, ['a'], Float64Array.of(4), { asOf: 'event' }), 0)
    expect(naive).toEqual({
      status: 'present',
      eventTime: 2,
      knownTime: 9,
      values: { n_5: 1, x_mean_8: 1, rate_5: 1 / (5 / 3_600_000) },
    })
    const history = await featureHistory(view, 'a', 0, 12, { asOf: 'event' })
    expect(history.map((h) => [h.validFrom, h.knownTime])).toEqual([
      [0, null],
      [2, 9],
      [7, 9],
      [10, 10],
    ])
  })
})

const url = process.env['KEEL_TEST_POSTGRES_URL']

describe.skipIf(url === undefined)(
  'windowed views looked up as of event time on PostgreSQL',
  () => {
    const table = pgRowsTable(url!, 'keel_naive')
    beforeAll(table.open)
    afterAll(table.close)

    test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 15 })(
      'give the naive aggregate at t, known when it really became available',
      async (rows, probes) => {
        await table.write(rows)
        const view = windowed(table.source, 3)
        await check(view, rows, probes)
        expect(await naiveRows(view)).toEqual(windowedChangesReference(view, rows, 'event'))
      },
    )
  },
)
