// The PostgreSQL engine against the DuckDB engine and the reference rule, on the same generated
// cases: each case is written into a table of the test database (a name unique to this run,
// dropped afterwards) and read through a query ordered by source position. Skipped, with the
// reason, when KEEL_TEST_POSTGRES_URL is unset; a failure under CI when it does not answer.
import { fc, test } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPg, type PgClient } from '../../stores/drivers.js'
import { resolveFeatureStore } from '../definitions.js'
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

const url = process.env['KEEL_TEST_POSTGRES_URL']
const table = `keel_offline_${process.pid}_${Date.now().toString(36)}`

describe.skipIf(url === undefined)('lookupView on PostgreSQL', () => {
  let client: PgClient
  beforeAll(async () => {
    const pg = await importPg('The PostgreSQL feature-store tests')
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
    await client.connect()
    await client.query(
      `CREATE TABLE ${table} (o int, k text, e float8, kt float8, x float8, c text, ts timestamptz)`,
    )
  })
  afterAll(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`)
    await client.end()
  })

  const write = async (c: JoinCase): Promise<void> => {
    await client.query(`TRUNCATE ${table}`)
    if (c.rows.length === 0) return
    await client.query(
      `INSERT INTO ${table} (o, k, e, kt, x, c) SELECT * FROM unnest($1::int[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::text[])`,
      [
        c.rows.map((r) => r.order),
        c.rows.map((r) => r.key),
        c.rows.map((r) => r.eventTime),
        c.rows.map((r) => r.knownTime),
        c.rows.map((r) => r.values['x']),
        c.rows.map((r) => r.values['c']),
      ],
    )
  }
  const pgView = (ttlMs: number | null) =>
    testView(
      { postgres: { url: url!, query: `SELECT k, e, kt, x, c FROM ${table} ORDER BY o` } },
      ttlMs,
    )

  test.prop([joinCaseArb], { numRuns: 25 })('equals DuckDB and pointInTimeReference', async (c) => {
    await write(c)
    const times = Float64Array.from(c.times)
    const onPg = await lookupView(pgView(c.ttlMs), c.keys, times, { asOf: c.asOf })
    const onDuck = await lookupView(
      testView({ duckdb: valuesSql(c.rows) }, c.ttlMs),
      c.keys,
      times,
      {
        asOf: c.asOf,
      },
    )
    const got = c.keys.map((_, i) => answerAt(onPg, i))
    expect(got).toEqual(c.keys.map((_, i) => answerAt(onDuck, i)))
    expect(got).toEqual(expectedAnswers(c))
  })

  test.prop([joinCaseArb, fc.integer({ min: -2, max: 10 }), fc.integer({ min: 1, max: 25 })], {
    numRuns: 15,
  })('featureHistory equals historyReference', async (c, from, span) => {
    await write(c)
    const got = await featureHistory(pgView(c.ttlMs), 'a', from, from + span, { asOf: c.asOf })
    expect(got).toEqual(
      historyReference(c.rows, 'a', from, from + span, { ttlMs: c.ttlMs, asOf: c.asOf }),
    )
  })

  it('number keys print as JavaScript prints them; a text key that is no number is refused', async () => {
    const view = (query: string) =>
      resolveFeatureStore({
        entities: [{ name: 'flight', joinKey: 'k', valueType: 'number' }],
        featureViews: [
          {
            name: 'delays',
            source: { postgres: { url: url!, query } },
            entity: 'flight',
            eventTime: 'e',
            noLateness: true,
            features: [{ name: 'x', kind: 'numeric' }],
            aggregations: [],
          },
        ],
      }).views.get('delays')!
    const rows = []
    for await (const b of readViewRows(
      view(
        `SELECT * FROM (VALUES (' 7 ', 1, 1.0), ('7.0', 2, 2.0), ('0.5', 3, 3.0), ('1e3', 4, 4.0)) AS t(k, e, x)`,
      ),
    )) {
      rows.push(...b)
    }
    expect(rows.map((r) => r.key)).toEqual(['7', '7', '0.5', '1000'])
    const doubles = await lookupView(
      view(`SELECT 7.0::float8 AS k, 1 AS e, 1.0 AS x`),
      ['7'],
      Float64Array.of(5),
    )
    expect(doubles.values['x']).toEqual([1])
    await expect(
      lookupView(view(`SELECT 'seven'::text AS k, 1 AS e, 1.0 AS x`), ['7'], Float64Array.of(5)),
    ).rejects.toMatchObject({ code: 'INVALID_DATA', path: ['delays', 'k'] })
  })

  it('a table source names its missing column', async () => {
    await client.query(`TRUNCATE ${table}`)
    const view = testView({ postgres: { url: url!, table } }, null, { knownTime: 'known_at' })
    await expect(lookupView(view, ['a'], Float64Array.of(1))).rejects.toMatchObject({
      code: 'INVALID_DATA',
      path: ['v', 'known_at'],
    })
  })
})
