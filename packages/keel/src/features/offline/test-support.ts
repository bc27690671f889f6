import fc from 'fast-check'
import { importPg, type PgClient } from '../../stores/drivers.js'
import { STATUS_CODE, type ViewLookup } from '../api.js'
import type { AggregationConfig, FeatureViewConfig } from '../config.js'
import { resolveFeatureStore, type ResolvedView } from '../definitions.js'
import { pointInTimeReference, type AsOf, type TimedRow } from '../point-in-time.js'

// Generated feature rows and entity rows for the engine tests, and the comparison with the
// reference rule. Small integer times make ties, equal (event, known) pairs and TTL boundaries
// common rather than rare.

/** One generated case: source rows (order = index), entity rows, TTL and join mode. */
export interface JoinCase {
  readonly rows: readonly TimedRow[]
  readonly keys: readonly (string | null)[]
  readonly times: readonly number[]
  readonly ttlMs: number | null
  readonly asOf: AsOf
}

const KEYS = ['a', 'b', 'c']

/** A source row: key, event time, known time before or after it, a numeric and a text value. */
const rowArb = fc.record({
  key: fc.constantFrom<string | null>(...KEYS, null),
  eventTime: fc.integer({ min: 0, max: 12 }),
  lag: fc.integer({ min: -3, max: 6 }),
  x: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
  c: fc.option(fc.constantFrom('p', 'q', 'r'), { nil: null }),
})

/** Cases with up to 14 rows (duplicates are likely) and up to 10 entity rows. */
export const joinCaseArb: fc.Arbitrary<JoinCase> = fc
  .record({
    rows: fc.array(rowArb, { maxLength: 14 }),
    entity: fc.array(
      fc.record({
        key: fc.constantFrom<string | null>(...KEYS, 'zz', null),
        t: fc.integer({ min: -1, max: 22 }),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    ttlMs: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
    asOf: fc.constantFrom<AsOf>('known', 'event'),
  })
  .map(({ rows, entity, ttlMs, asOf }) => {
    const dup = entity.length > 1 ? [entity[0]!] : []
    return {
      rows: rows.map((r, order) => ({
        key: r.key,
        eventTime: r.eventTime,
        knownTime: r.eventTime + r.lag,
        values: { x: r.x, c: r.c },
        order,
      })),
      keys: [...entity, ...dup].map((e) => e.key),
      times: [...entity, ...dup].map((e) => e.t),
      ttlMs,
      asOf,
    }
  })

/** A resolved view over `source` with key `k`, times `e` / `kt`, features `x` and `c`. */
export const testView = (
  source: FeatureViewConfig['source'],
  ttlMs: number | null,
  overrides: Partial<FeatureViewConfig> = {},
): ResolvedView => {
  const store = resolveFeatureStore({
    entities: [{ name: 'thing', joinKey: 'k', valueType: 'string' }],
    featureViews: [
      {
        name: 'v',
        source,
        entity: 'thing',
        eventTime: 'e',
        knownTime: 'kt',
        ...(ttlMs !== null ? { ttl: `${ttlMs}ms` } : {}),
        features: [
          { name: 'x', kind: 'numeric' },
          { name: 'c', kind: 'categorical' },
        ],
        aggregations: [],
        ...overrides,
      },
    ],
  })
  return store.views.get('v')!
}

const sqlValue = (v: string | number | null): string =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`

/** The rows as a DuckDB query (epoch-ms numbers), in order. */
export const valuesSql = (rows: readonly TimedRow[]): string =>
  rows.length === 0
    ? 'SELECT NULL::VARCHAR AS k, 0::DOUBLE AS e, 0::DOUBLE AS kt, 0::DOUBLE AS x, NULL::VARCHAR AS c WHERE false'
    : `SELECT * FROM (VALUES ${rows
        .map(
          (r) =>
            `(${sqlValue(r.key)}, ${r.eventTime}::DOUBLE, ${r.knownTime}::DOUBLE, ${sqlValue(r.values['x'] as number | null)}::DOUBLE, ${sqlValue(r.values['c'] as string | null)}::VARCHAR)`,
        )
        .join(', ')}) AS t(k, e, kt, x, c)`

/** The engine's answer for entity row i, in the reference's shape. */
export const answerAt = (found: ViewLookup, i: number) => {
  const status = (['present', 'null', 'not_found', 'outside_ttl'] as const)[found.status[i]!]!
  const e = found.eventTime[i]!
  const k = found.knownTime[i]!
  return {
    status,
    eventTime: Number.isNaN(e) ? null : e,
    knownTime: Number.isNaN(k) ? null : k,
    values:
      found.status[i] === STATUS_CODE.present
        ? Object.fromEntries(Object.entries(found.values).map(([n, v]) => [n, v[i]]))
        : null,
  }
}

/** The reference's answers for a case. */
export const expectedAnswers = (c: JoinCase) =>
  c.keys.map((k, i) =>
    pointInTimeReference(c.rows, k, c.times[i]!, { ttlMs: c.ttlMs, asOf: c.asOf }),
  )

/** Source rows for windowed views: two keys, late and early known times, a nullable `x`. */
export const windowedRowsArb: fc.Arbitrary<TimedRow[]> = fc
  .array(
    fc.record({
      key: fc.constantFrom('a', 'b'),
      e: fc.integer({ min: 0, max: 20 }),
      lag: fc.integer({ min: -2, max: 10 }),
      x: fc.option(fc.integer({ min: -4, max: 4 }), { nil: null }),
    }),
    { maxLength: 16 },
  )
  .map((rs) =>
    rs.map((r, order): TimedRow => ({
      key: r.key,
      eventTime: r.e,
      knownTime: r.e + r.lag,
      values: { x: r.x, c: null },
      order,
    })),
  )

/** Lookups of windowed views: the two keys and one never seen, at times around the rows'. */
export const windowedProbesArb = fc.array(
  fc.record({ key: fc.constantFrom('a', 'b', 'z'), t: fc.integer({ min: -2, max: 40 }) }),
  { minLength: 1, maxLength: 12 },
)

/** A windowed test view over `source` with these aggregations (and a publishing cadence). */
export const windowedTestView = (
  source: FeatureViewConfig['source'],
  aggregations: AggregationConfig[],
  publishEvery?: number,
): ResolvedView =>
  testView(source, null, {
    features: [],
    aggregations,
    ...(publishEvery === undefined ? {} : { publishEvery }),
  })

/**
 * A table of generated rows in the PostgreSQL test database (a name unique to this run): open it
 * before the tests, write each case's rows into it, read it through `source` (ordered by source
 * position), drop it after.
 */
export const pgRowsTable = (url: string, prefix: string) => {
  const table = `${prefix}_${process.pid}_${Date.now().toString(36)}`
  let client: PgClient | undefined
  return {
    source: { postgres: { url, query: `SELECT k, e, kt, x, c FROM ${table} ORDER BY o` } },
    open: async (): Promise<void> => {
      const pg = await importPg('The PostgreSQL feature-store tests')
      client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
      await client.connect()
      await client.query(
        `CREATE TABLE ${table} (o int, k text, e float8, kt float8, x float8, c text)`,
      )
    },
    write: async (rows: readonly TimedRow[]): Promise<void> => {
      await client!.query(`TRUNCATE ${table}`)
      if (rows.length === 0) return
      await client!.query(
        `INSERT INTO ${table} (o, k, e, kt, x) SELECT * FROM unnest($1::int[], $2::text[], $3::float8[], $4::float8[], $5::float8[])`,
        [
          rows.map((r) => r.order),
          rows.map((r) => r.key),
          rows.map((r) => r.eventTime),
          rows.map((r) => r.knownTime),
          rows.map((r) => r.values['x']),
        ],
      )
    },
    close: async (): Promise<void> => {
      await client?.query(`DROP TABLE IF EXISTS ${table}`)
      await client?.end()
    },
  }
}
