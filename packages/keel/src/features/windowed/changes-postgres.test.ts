// windowedChangesPostgresSql against the real PostgreSQL (KEEL_TEST_POSTGRES_URL), in temporary
// tables of one connection. Unreachable: skipped with the reason locally, a failure under CI=true.
import { test } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPg, type PgClient } from '../../stores/drivers.js'
import { TEST_POSTGRES_URL, postgresReachable } from '../../stores/test-support/backends.js'
import type { ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import { windowedChangesPostgresSql } from './changes-sql.js'
import { windowedChangesReference } from './reference.js'
import { asChangePoints, baseValues, mixedView, row, sourceRows } from './windowed.test-util.js'

const reachable = await postgresReachable()

const suite = () => {
  let client: PgClient
  let tables = 0

  beforeAll(async () => {
    const driver = await importPg('The windowed PostgreSQL test')
    client = new driver.Client({ connectionString: TEST_POSTGRES_URL })
    await client.connect()
  })
  afterAll(async () => {
    await client.end()
  })

  /** The view's change points computed by PostgreSQL over `rows` (in `ord` order). */
  const pgChanges = async (view: ResolvedView, rows: readonly TimedRow[]): Promise<TimedRow[]> => {
    const table = `windowed_base_${process.pid}_${tables++}`
    await client.query(
      `CREATE TEMP TABLE ${table} (key TEXT, event_time BIGINT, known_time BIGINT, ord BIGINT, delay DOUBLE PRECISION, late BOOLEAN)`,
    )
    try {
      if (rows.length > 0) {
        await client.query(`INSERT INTO ${table} VALUES ${baseValues(rows).join(', ')}`)
      }
      const result = await client.query(
        `SELECT * FROM (${windowedChangesPostgresSql(view, table)}) AS changes ORDER BY "ord"`,
      )
      return asChangePoints(view, result.rows as Record<string, unknown>[])
    } finally {
      await client.query(`DROP TABLE ${table}`)
    }
  }

  const view = mixedView()

  test.prop([sourceRows()], { numRuns: 40 })('equals the reference', async (rows) => {
    expect(await pgChanges(view, rows)).toEqual(windowedChangesReference(view, rows))
  })

  it('ranks keys in byte order and ignores rows that never enter', async () => {
    const rows = [row('é', 0, 0), row('Z', 1, 1), row('a', 2, 2), row('b', 0, 31)]
    const changes = await pgChanges(view, rows)
    expect(changes.map((c) => [c.key, c.order])).toEqual([
      ['Z', 0],
      ['Z', 1],
      ['Z', 2],
      ['a', 3],
      ['a', 4],
      ['a', 5],
      ['é', 6],
      ['é', 7],
      ['é', 8],
    ])
    expect(changes).toEqual(windowedChangesReference(view, rows))
  })
}

if (reachable.ok) {
  describe('windowedChangesPostgresSql on PostgreSQL', suite)
} else if (process.env.CI === 'true') {
  describe('windowedChangesPostgresSql on PostgreSQL', () => {
    it('needs a reachable PostgreSQL under CI', () => {
      throw new Error(`PostgreSQL is not reachable under CI: ${reachable.reason}`)
    })
  })
} else {
  describe.skip(`windowedChangesPostgresSql (skipped: PostgreSQL not reachable — ${reachable.reason})`, () => {
    it('runs when KEEL_TEST_POSTGRES_URL answers', () => undefined)
  })
}
