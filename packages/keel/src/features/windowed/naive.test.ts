// The naive (as of event time) change points: the SQL of both engines against the reference, and
// the reference against the rule it states — values of the naive aggregate, and a known time that
// is after t exactly when the value at t counts a row not yet known at t.
import { fc, test } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession, type DuckDbSession } from '../../data/duckdb/engine.js'
import { importPg, type PgClient } from '../../stores/drivers.js'
import { TEST_POSTGRES_URL, postgresReachable } from '../../stores/test-support/backends.js'
import type { ResolvedView } from '../definitions.js'
import { pointInTimeReference, type TimedRow } from '../point-in-time.js'
import { windowedChangesPostgresSql, windowedChangesSql } from './changes-sql.js'
import { naiveAvailabilityAt, windowedChangesReference, windowedValuesAt } from './reference.js'
import {
  asChangePoints,
  baseValues,
  mixedView,
  row,
  sourceRows,
  windowedView,
} from './windowed.test-util.js'

const view = mixedView()
const published = mixedView(7)
/** A cadence dividing every window (10 ms and 30 ms). */
const dividing = mixedView(5)
/** The widest window of {@link mixedView}. */
const widest = 30

const lookups = () =>
  fc.array(fc.tuple(fc.constantFrom('a', 'b', 'é', 'z'), fc.integer({ min: -5, max: 120 })), {
    minLength: 1,
    maxLength: 20,
  })

describe('windowedChangesReference as of event time', () => {
  test.prop([sourceRows(), lookups(), fc.constantFrom(view, published, dividing)], {
    numRuns: 100,
  })('serves the naive aggregate at t, known when its latest row was known', (rows, probes, v) => {
    const changes = windowedChangesReference(v, rows, 'event')
    const P = v.publishEveryMs ?? 1
    for (const [key, t] of probes) {
      const found = pointInTimeReference(changes, key, t, { ttlMs: null, asOf: 'event' })
      const available = naiveAvailabilityAt(v, rows, key, t)
      if (found.status === 'not_found') {
        expect(available).toBeNull()
        continue
      }
      expect(found.values).toEqual(windowedValuesAt(v, rows, key, t, 'event'))
      // The change point served holds its availability as its known time.
      const served = changes.find((c) => c.key === key && c.eventTime === found.eventTime)!
      expect(served.knownTime).toBe(available)
      // Later than t exactly when a row in the widest window at t (its last published multiple)
      // was not known yet at t.
      const h = Math.floor(t / P) * P
      const leaks = rows.some(
        (r) =>
          r.key === key &&
          r.eventTime <= h &&
          h < r.eventTime + widest &&
          Math.max(r.eventTime, r.knownTime) > t,
      )
      expect(available! > t).toBe(leaks)
      expect(available).toBeGreaterThanOrEqual(found.eventTime!)
    }
  })

  it('counts a late row from its event time and dates the value by its arrival', () => {
    const one = windowedView([{ name: 'n', fn: 'count', window: '10ms' }])
    const rows = [row('a', 0, 0, {}, 0), row('a', 2, 8, {}, 1)]
    expect(windowedChangesReference(one, rows, 'event')).toEqual([
      row('a', 0, 0, { n: 1 }, 0),
      row('a', 2, 8, { n: 2 }, 1),
      row('a', 10, 10, { n: 1 }, 2),
      row('a', 12, 12, { n: 0 }, 3),
    ])
    // As of known time the late row enters only at 8.
    expect(windowedChangesReference(one, rows).map((c) => [c.eventTime, c.values['n']])).toEqual([
      [0, 1],
      [8, 2],
      [10, 1],
      [12, 0],
    ])
    expect(naiveAvailabilityAt(one, rows, 'a', 5)).toBe(8)
    expect(naiveAvailabilityAt(one, rows, 'a', -1)).toBeNull()
  })
})

/** Runs the change-point SQL over `rows` in a fresh table and reads the change points back. */
type Changes = (view: ResolvedView, rows: readonly TimedRow[]) => Promise<TimedRow[]>

const sqlSuite = (changes: () => Changes) => {
  test.prop([sourceRows()], { numRuns: 50 })('equals the reference', async (rows) => {
    expect(await changes()(view, rows)).toEqual(windowedChangesReference(view, rows, 'event'))
  })

  test.prop([sourceRows(), fc.constantFrom(published, dividing)], { numRuns: 50 })(
    'with a publishing cadence, equals the reference',
    async (rows, v) => {
      expect(await changes()(v, rows)).toEqual(windowedChangesReference(v, rows, 'event'))
    },
  )

  it('emits nothing for no rows, and a row known before it happened counts from its event', async () => {
    expect(await changes()(view, [])).toEqual([])
    const one = windowedView([{ name: 'n', fn: 'count', window: '10ms' }])
    expect(await changes()(one, [row('a', 5, 1, {}, 0)])).toEqual([
      row('a', 5, 5, { n: 1 }, 0),
      row('a', 15, 15, { n: 0 }, 1),
    ])
  })
}

describe('windowedChangesSql as of event time, on DuckDB', () => {
  let session: DuckDbSession
  let tables = 0
  beforeAll(async () => {
    session = await openSession()
  })
  afterAll(() => session.close())

  sqlSuite(() => async (v, rows) => {
    const table = `naive_base_${tables++}`
    const c = session.connection
    await c.run(
      `CREATE TEMP TABLE ${table} (key VARCHAR, event_time BIGINT, known_time BIGINT, ord BIGINT, delay DOUBLE, late BOOLEAN)`,
    )
    try {
      if (rows.length > 0) await c.run(`INSERT INTO ${table} VALUES ${baseValues(rows).join(', ')}`)
      const reader = await c.runAndReadAll(
        `SELECT * FROM (${windowedChangesSql(v, table, 'event')}) ORDER BY ord`,
      )
      return asChangePoints(v, reader.getRowObjectsJS() as Record<string, unknown>[])
    } finally {
      await c.run(`DROP TABLE ${table}`)
    }
  })

  it('leaves the as-of-known-time statement as it was', () => {
    expect(windowedChangesSql(view, 't', 'known')).toBe(windowedChangesSql(view, 't'))
    expect(windowedChangesSql(view, 't')).not.toContain('avail')
  })
})

const reachable = await postgresReachable()

const pgSuite = () => {
  let client: PgClient
  let tables = 0
  beforeAll(async () => {
    const driver = await importPg('The naive windowed PostgreSQL test')
    client = new driver.Client({ connectionString: TEST_POSTGRES_URL })
    await client.connect()
  })
  afterAll(async () => {
    await client.end()
  })

  sqlSuite(() => async (v, rows) => {
    const table = `naive_base_${process.pid}_${tables++}`
    await client.query(
      `CREATE TEMP TABLE ${table} (key TEXT, event_time BIGINT, known_time BIGINT, ord BIGINT, delay DOUBLE PRECISION, late BOOLEAN)`,
    )
    try {
      if (rows.length > 0) {
        await client.query(`INSERT INTO ${table} VALUES ${baseValues(rows).join(', ')}`)
      }
      const result = await client.query(
        `SELECT * FROM (${windowedChangesPostgresSql(v, table, 'event')}) AS changes ORDER BY "ord"`,
      )
      return asChangePoints(v, result.rows as Record<string, unknown>[])
    } finally {
      await client.query(`DROP TABLE ${table}`)
    }
  })
}

if (reachable.ok) {
  describe('windowedChangesPostgresSql as of event time, on PostgreSQL', pgSuite)
} else if (process.env.CI === 'true') {
  describe('windowedChangesPostgresSql as of event time, on PostgreSQL', () => {
    it('needs a reachable PostgreSQL under CI', () => {
      throw new Error(`PostgreSQL is not reachable under CI: ${reachable.reason}`)
    })
  })
} else {
  describe.skip(`windowedChangesPostgresSql as of event time (skipped: PostgreSQL not reachable — ${reachable.reason})`, () => {
    it('runs when KEEL_TEST_POSTGRES_URL answers', () => undefined)
  })
}
