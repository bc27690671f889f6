// Windowed views through the offline engines: looked up point in time, a windowed view's value for
// a key at t must be the aggregate of the raw rows at t (or at the last publishing instant), on
// DuckDB and on PostgreSQL alike.
import { test } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import type { AggregationConfig, FeatureViewConfig } from '../config.js'
import type { TimedRow } from '../point-in-time.js'
import { windowedValuesAt } from '../windowed/reference.js'
import { lookupView } from './lookup-view.js'
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
  { name: 'x_sum_8', fn: 'sum', column: 'x', window: '8ms' },
  { name: 'rate_5', fn: 'rate', window: '5ms' },
]

const windowed = (source: FeatureViewConfig['source'], publishEvery?: number) =>
  windowedTestView(source, AGGREGATIONS, publishEvery)

const check = async (
  view: ReturnType<typeof windowed>,
  rows: readonly TimedRow[],
  probes: readonly { key: string; t: number }[],
) => {
  const found = await lookupView(
    view,
    probes.map((p) => p.key),
    Float64Array.from(probes.map((p) => p.t)),
  )
  probes.forEach((p, i) => {
    const answer = answerAt(found, i)
    if (answer.status === 'present') {
      expect(answer.values).toEqual(windowedValuesAt(view, rows, p.key, p.t))
    } else {
      expect(answer.status).toBe('not_found')
    }
  })
}

describe('windowed views looked up on DuckDB', () => {
  test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 40 })(
    'give the aggregate of the raw rows at t',
    async (rows, probes) => {
      await check(windowed({ duckdb: valuesSql(rows) }), rows, probes)
    },
  )
  test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 40 })(
    'published every 3 ms, give the aggregate at the last multiple of 3 ms',
    async (rows, probes) => {
      await check(windowed({ duckdb: valuesSql(rows) }, 3), rows, probes)
    },
  )
})

const url = process.env['KEEL_TEST_POSTGRES_URL']

describe.skipIf(url === undefined)('windowed views looked up on PostgreSQL', () => {
  const table = pgRowsTable(url!, 'keel_windowed')
  beforeAll(table.open)
  afterAll(table.close)

  test.prop([windowedRowsArb, windowedProbesArb], { numRuns: 20 })(
    'give the same aggregates as the raw rows',
    async (rows, probes) => {
      await table.write(rows)
      await check(windowed(table.source, 3), rows, probes)
    },
  )
})
