// The same instants written as TIMESTAMPTZ with offsets, TIMESTAMP (read as UTC), epoch-ms numbers,
// ISO text with offsets in a CSV file, and (when KEEL_TEST_POSTGRES_URL is set) PostgreSQL
// timestamptz and timestamp columns: every spelling gives the same answer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPg, type PgClient } from '../../stores/drivers.js'
import type { FeatureViewConfig } from '../config.js'
import { lookupView, readViewRows } from './lookup-view.js'
import { answerAt, testView } from './test-support.js'

const E1 = Date.UTC(2024, 2, 10, 1, 30) // event of row 1; known 15 min later
const K1 = Date.UTC(2024, 2, 10, 1, 45)
const E2 = Date.UTC(2024, 2, 10, 2, 0) // event of row 2; known 1 h later
const K2 = Date.UTC(2024, 2, 10, 3, 0)

const TIMES = [E1, K1 - 1, K1, E2, K2 - 1, K2, K2 + 1]
const EXPECTED_X = [null, null, 1, 1, 1, 2, 2]

const spellings: Record<string, string> = {
  timestamptz: `SELECT * FROM (VALUES
    ('a', TIMESTAMPTZ '2024-03-10 03:30:00+02:00', TIMESTAMPTZ '2024-03-10 00:45:00-01:00', 1.0, 'p'),
    ('a', TIMESTAMPTZ '2024-03-09 21:00:00-05:00', TIMESTAMPTZ '2024-03-10 08:30:00+05:30', 2.0, 'q')
  ) AS t(k, e, kt, x, c)`,
  timestamp: `SELECT * FROM (VALUES
    ('a', TIMESTAMP '2024-03-10 01:30:00', TIMESTAMP '2024-03-10 01:45:00', 1.0, 'p'),
    ('a', TIMESTAMP '2024-03-10 02:00:00', TIMESTAMP '2024-03-10 03:00:00', 2.0, 'q')
  ) AS t(k, e, kt, x, c)`,
  epochMs: `SELECT * FROM (VALUES
    ('a', ${E1}, ${K1}, 1.0, 'p'), ('a', ${E2}, ${K2}, 2.0, 'q')
  ) AS t(k, e, kt, x, c)`,
}

const answers = async (source: FeatureViewConfig['source']) => {
  const found = await lookupView(
    testView(source, null),
    TIMES.map(() => 'a'),
    Float64Array.from(TIMES),
  )
  return TIMES.map((_, i) => answerAt(found, i).values?.['x'] ?? null)
}

describe('time zones', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-offline-tz-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  for (const [name, sql] of Object.entries(spellings)) {
    it(`${name} in DuckDB`, async () => {
      expect(await answers({ duckdb: sql })).toEqual(EXPECTED_X)
    })
  }

  it('ISO text with offsets in a CSV file', async () => {
    const path = join(dir, 'rows.csv')
    await writeFile(
      path,
      'k,e,kt,x,c\na,2024-03-10T03:30:00+02:00,2024-03-10T00:45:00-01:00,1,p\na,2024-03-10T02:00:00Z,2024-03-10T03:00:00Z,2,q\n',
    )
    expect(await answers({ path })).toEqual(EXPECTED_X)
  })

  it('DATE columns are midnight UTC', async () => {
    const view = testView(
      {
        duckdb: `SELECT 'a' AS k, DATE '2024-03-10' AS e, DATE '2024-03-11' AS kt, 1.0 AS x, 'p' AS c`,
      },
      null,
    )
    const rows = []
    for await (const batch of readViewRows(view)) rows.push(...batch)
    expect(rows[0]).toMatchObject({
      eventTime: Date.UTC(2024, 2, 10),
      knownTime: Date.UTC(2024, 2, 11),
    })
  })

  const url = process.env['KEEL_TEST_POSTGRES_URL']
  describe.skipIf(url === undefined)('PostgreSQL', () => {
    const table = `keel_offline_tz_${process.pid}_${Date.now().toString(36)}`
    let client: PgClient
    beforeAll(async () => {
      const pg = await importPg('The PostgreSQL feature-store tests')
      client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
      await client.connect()
      // The session zone must not matter: timestamptz is an instant, timestamp is read as UTC.
      await client.query(`SET TIME ZONE 'America/Sao_Paulo'`)
      await client.query(
        `CREATE TABLE ${table} AS SELECT * FROM (VALUES
          (1, 'a', timestamptz '2024-03-10 03:30:00+02:00', timestamp '2024-03-10 01:45:00', 1.0::float8, 'p'),
          (2, 'a', timestamptz '2024-03-09 21:00:00-05:00', timestamp '2024-03-10 03:00:00', 2.0::float8, 'q')
        ) AS t(o, k, e, kt, x, c)`,
      )
    })
    afterAll(async () => {
      await client.query(`DROP TABLE IF EXISTS ${table}`)
      await client.end()
    })
    it('timestamptz and timestamp columns', async () => {
      expect(
        await answers({ postgres: { url: url!, query: `SELECT * FROM ${table} ORDER BY o` } }),
      ).toEqual(EXPECTED_X)
    })
  })
})
