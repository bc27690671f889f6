import { fc, test } from '@fast-check/vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession, type DuckDbSession } from '../../data/duckdb/engine.js'
import type { ResolvedView } from '../definitions.js'
import { pointInTimeReference, type TimedRow } from '../point-in-time.js'
import { windowedChangesSql } from './changes-sql.js'
import { windowedChangesReference, windowedValuesAt } from './reference.js'
import {
  asChangePoints,
  baseValues,
  mixedView,
  row,
  sourceRows,
  windowedView,
} from './windowed.test-util.js'

let session: DuckDbSession
let tables = 0

beforeAll(async () => {
  session = await openSession()
})
afterAll(() => session.close())

/** The view's change points computed by DuckDB over `rows` (in `ord` order). */
const duckChanges = async (
  view: ResolvedView,
  rows: readonly TimedRow[],
  types = { time: 'BIGINT' },
): Promise<TimedRow[]> => {
  const table = `base_${tables++}`
  const c = session.connection
  await c.run(
    `CREATE TEMP TABLE ${table} (key VARCHAR, event_time ${types.time}, known_time ${types.time}, ord BIGINT, delay DOUBLE, late BOOLEAN)`,
  )
  try {
    if (rows.length > 0) await c.run(`INSERT INTO ${table} VALUES ${baseValues(rows).join(', ')}`)
    const reader = await c.runAndReadAll(
      `SELECT * FROM (${windowedChangesSql(view, table)}) ORDER BY ord`,
    )
    return asChangePoints(view, reader.getRowObjectsJS() as Record<string, unknown>[])
  } finally {
    await c.run(`DROP TABLE ${table}`)
  }
}

const view = mixedView()
const widest = 30

describe('windowedChangesSql on DuckDB', () => {
  test.prop([sourceRows()], { numRuns: 60 })('equals the reference', async (rows) => {
    expect(await duckChanges(view, rows)).toEqual(windowedChangesReference(view, rows))
  })

  test.prop(
    [
      sourceRows(),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'é', 'z'), fc.integer({ min: -5, max: 120 })), {
        minLength: 1,
        maxLength: 20,
      }),
    ],
    { numRuns: 60 },
  )(
    'served point in time, gives the aggregate of the raw rows at every t',
    async (rows, lookups) => {
      const changes = await duckChanges(view, rows)
      for (const [key, t] of lookups) {
        const found = pointInTimeReference(changes, key, t, { ttlMs: null })
        const entered = rows.some(
          (r) =>
            r.key === key &&
            Math.max(r.eventTime, r.knownTime) <= t &&
            Math.max(r.eventTime, r.knownTime) < r.eventTime + widest,
        )
        if (!entered) {
          expect(found.status).toBe('not_found')
          continue
        }
        expect(found.status).toBe('present')
        expect(found.values).toEqual(windowedValuesAt(view, rows, key, t))
      }
    },
  )

  const published = mixedView(7)

  test.prop([sourceRows()], { numRuns: 40 })(
    'with a publishing cadence, equals the reference',
    async (rows) => {
      expect(await duckChanges(published, rows)).toEqual(windowedChangesReference(published, rows))
    },
  )

  test.prop(
    [
      sourceRows(),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'é', 'z'), fc.integer({ min: -5, max: 120 })), {
        minLength: 1,
        maxLength: 20,
      }),
    ],
    { numRuns: 40 },
  )(
    'with a publishing cadence, serves the aggregate at the last multiple of it, changing only there',
    async (rows, lookups) => {
      const changes = await duckChanges(published, rows)
      for (const c of changes) expect(c.eventTime % 7).toBe(0)
      for (const [key, t] of lookups) {
        const found = pointInTimeReference(changes, key, t, { ttlMs: null })
        if (found.status === 'present') {
          expect(found.values).toEqual(windowedValuesAt(published, rows, key, t))
        } else {
          // Nothing published yet for the key: no row of it was in any window at a multiple ≤ t.
          const h = Math.floor(t / 7) * 7
          expect(
            rows.some(
              (r) =>
                r.key === key &&
                Math.ceil(Math.max(r.eventTime, r.knownTime) / 7) * 7 <= h &&
                Math.ceil(Math.max(r.eventTime, r.knownTime) / 7) * 7 <
                  Math.ceil((r.eventTime + widest) / 7) * 7,
            ),
          ).toBe(false)
        }
      }
    },
  )

  test.prop(
    [
      fc.array(
        fc.record({
          key: fc.constantFrom('a', 'b'),
          event: fc.integer({ min: 0, max: 60 }),
          delay: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true })),
        }),
        { maxLength: 25 },
      ),
    ],
    { numRuns: 30 },
  )('stays within rounding of the reference for arbitrary doubles', async (specs) => {
    const rows = specs.map((r, i) => row(r.key, r.event, r.event, { delay: r.delay }, i))
    const sql = await duckChanges(view, rows)
    const reference = windowedChangesReference(view, rows)
    expect(sql.map((c) => [c.key, c.eventTime])).toEqual(reference.map((c) => [c.key, c.eventTime]))
    for (const [i, c] of sql.entries()) {
      for (const [name, v] of Object.entries(c.values)) {
        const want = reference[i]!.values[name] as number | null
        if (want === null) expect(v).toBeNull()
        // Running sums of ±deltas against direct sums: each change point is at most 25 additions
        // of values up to 1e6 away, so the error stays far below 1e-6 absolute.
        else expect(Math.abs((v as number) - want)).toBeLessThan(1e-6)
      }
    }
  })

  it('reads DOUBLE times, null known times and a base given as a query', async () => {
    const one = windowedView([{ name: 'n', fn: 'count', window: '10ms' }])
    const rows = [row('a', 0.5, 3), row('a', 2, 2), row('b', 1, 1)]
    expect(await duckChanges(one, rows, { time: 'DOUBLE' })).toEqual(
      windowedChangesReference(one, rows),
    )
    const reader = await session.connection.runAndReadAll(
      `SELECT * FROM (${windowedChangesSql(
        one,
        `SELECT * FROM (VALUES ('a', 5, NULL, 0), (NULL, 1, 1, 1)) AS t(key, event_time, known_time, ord)`,
      )}) ORDER BY ord`,
    )
    expect(asChangePoints(one, reader.getRowObjectsJS() as Record<string, unknown>[])).toEqual([
      row('a', 5, 5, { n: 1 }, 0),
      row('a', 15, 15, { n: 0 }, 1),
    ])
  })

  it('emits nothing for rows that never enter, and nothing for no rows', async () => {
    expect(await duckChanges(view, [row('a', 0, 40), row('b', 0, 30)])).toEqual([])
    expect(await duckChanges(view, [])).toEqual([])
  })
})
