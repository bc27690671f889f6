import { KeelError } from '@keel/core'
import { connect, pgError } from '../../data/postgres.js'
import type { PostgresSourceSpec } from '../../data/source.js'
import type { PgClient } from '../../stores/drivers.js'
import type { LookupOptions, ViewLookup } from '../api.js'
import type { FeatureValue, ResolvedView } from '../definitions.js'
import type { AsOf, TimedRow } from '../point-in-time.js'
import {
  badKeyError,
  checkSourceColumns,
  keyNeedsValueCheck,
  type Dialect,
  type SourceColumns,
  type TypeClass,
} from './columns.js'
import { baseSql, rowsSql } from './duckdb-source.js'
import type { RowsQuery } from './duckdb-rows.js'
import { LookupResult, toFeatureValue } from './lookup-result.js'

/**
 * Views over PostgreSQL tables and queries, answered on PostgreSQL: the view's rows are projected
 * once into a session-private temporary table indexed by (key, event DESC, known DESC, ord DESC),
 * and each entity row (sent as arrays through `unnest`) takes its row with a LATERAL
 * `ORDER BY … LIMIT 1` — one index probe per entity row.
 *
 * Source order (`ord`) is the order in which the query returns its rows (`row_number() OVER ()`):
 * a query whose rows can be exact duplicates (same key, event and known time) should say which
 * comes last with an ORDER BY, or the winner among them is whichever PostgreSQL returns last.
 */

/** Rows per FETCH when reading a view's rows. */
const FETCH_ROWS = 8192

const NUMBER_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700])
const TEXT_OIDS = new Set([18, 19, 25, 1042, 1043])

/** The class of a PostgreSQL type OID (other types, e.g. enums, read as text). */
const pgTypeClass = (oid: number): TypeClass => {
  if (NUMBER_OIDS.has(oid)) return 'number'
  if (oid === 16) return 'boolean'
  if (oid === 1114 || oid === 1184) return 'time'
  if (oid === 1082) return 'date'
  if (TEXT_OIDS.has(oid)) return 'string'
  return oid >= 16384 ? 'string' : 'other'
}

const jsNumberText = (d: string): string =>
  `(CASE WHEN ${d} = trunc(${d}) AND abs(${d}) < 1e21 THEN trunc(${d})::numeric::text ELSE ${d}::text END)`

/** PostgreSQL's spelling of the projections (see {@link Dialect}). */
const pgDialect = (client: PgClient): Dialect => ({
  engine: 'postgres',
  quote: (id) => client.escapeIdentifier(id),
  timeMs: (col, cls) =>
    cls === 'number' ? `(${col})::float8` : `floor(extract(epoch from ${col}) * 1000)::float8`,
  keyText: (col, cls, numberEntity) => {
    if (!numberEntity) return `(${col})::text`
    return jsNumberText(cls === 'string' ? `(trim(${col}))::float8` : `(${col})::float8`)
  },
  feature: (col, kind, cls) => {
    if (kind === 'categorical') return `(${col})::text`
    if (cls === 'boolean')
      return `(CASE WHEN ${col} IS NULL THEN NULL WHEN ${col} THEN 1 ELSE 0 END)::float8`
    return `(${col})::float8`
  },
})

/** A PostgreSQL number as JavaScript's `Number` reads it (`-?digits[.digits][e±digits]`). */
const NUMBER_TEXT = String.raw`^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$`

const sourceOf = (view: ResolvedView): PostgresSourceSpec['postgres'] => {
  if (view.source.kind !== 'postgres' || !('postgres' in view.source.spec)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `feature view "${view.name}" is not a PostgreSQL view`,
      {
        path: [view.name],
      },
    )
  }
  return view.source.spec.postgres
}

/** The view's source as a SELECT (a table with quoted names, or the query without its `;`). */
const sourceSql = (client: PgClient, src: PostgresSourceSpec['postgres']): string =>
  'table' in src
    ? `SELECT * FROM ${src.schema ? `${client.escapeIdentifier(src.schema)}.` : ''}${client.escapeIdentifier(src.table)}`
    : src.query.trim().replace(/;\s*$/, '')

/** An open connection with the view's rows in the temporary table `keel_fv`. */
interface PgView {
  readonly client: PgClient
  readonly what: string
  close(): Promise<void>
}

/** Connect, check the source against the view and project its rows into `keel_fv`. */
const openPgView = async (
  view: ResolvedView,
  indexed: boolean,
  asOf: AsOf = 'known',
): Promise<PgView> => {
  const src = sourceOf(view)
  const what = `feature view "${view.name}"`
  const client = await connect(src.url)
  try {
    const source = sourceSql(client, src)
    let fields: { name: string; dataTypeID: number }[]
    try {
      const r = await client.query({
        text: `SELECT * FROM (${source}) AS keel_src LIMIT 0`,
        rowMode: 'array',
      })
      fields = r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }))
    } catch (e) {
      throw pgError(e, what)
    }
    const columns: SourceColumns = new Map(
      fields.map((f) => [f.name, { cls: pgTypeClass(f.dataTypeID), type: `oid ${f.dataTypeID}` }]),
    )
    checkSourceColumns(view, columns)
    const d = pgDialect(client)
    if (keyNeedsValueCheck(view, columns)) {
      const col = d.quote(view.keyColumn)
      const bad = await client.query<{ v: string }>(
        `SELECT ${col} AS v FROM (${source}) AS keel_src WHERE ${col} IS NOT NULL AND ${col} !~ $1 LIMIT 1`,
        [NUMBER_TEXT],
      )
      if (bad.rows[0]) throw badKeyError(view, bad.rows[0].v)
    }
    const base = baseSql(view, columns, d, `(${source}) AS keel_src`, 'row_number() OVER ()')
    try {
      await client.query(
        `CREATE TEMPORARY TABLE keel_fv AS ${rowsSql(view, columns, d, base, asOf)}`,
      )
      if (indexed) {
        await client.query(
          'CREATE INDEX ON keel_fv (key, event_time DESC, known_time DESC, ord DESC)',
        )
        await client.query('ANALYZE keel_fv')
      }
    } catch (e) {
      throw pgError(e, what)
    }
    return { client, what, close: () => client.end().catch(() => undefined) }
  } catch (e) {
    await client.end().catch(() => undefined)
    throw e
  }
}

/** {@link LookupView} on PostgreSQL, for views whose source is a PostgreSQL table or query. */
export const lookupViewPostgres = async (
  view: ResolvedView,
  keys: readonly (string | null)[],
  times: Float64Array,
  options: LookupOptions = {},
): Promise<ViewLookup> => {
  const asOf = options.asOf ?? 'known'
  const pv = await openPgView(view, true, asOf)
  try {
    const d = pgDialect(pv.client)
    const features = view.features.map((f) => `v.${d.quote(f.name)}`)
    const visible =
      asOf === 'event' ? 's.event_time <= q.t' : 's.event_time <= q.t AND s.known_time <= q.t'
    const sql = `SELECT q.i, v.event_time, v.known_time${features.map((f) => `, ${f}`).join('')}
FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY AS q(key, t, i)
CROSS JOIN LATERAL (
  SELECT * FROM keel_fv s WHERE s.key = q.key AND ${visible}
  ORDER BY s.event_time DESC, s.known_time DESC, s.ord DESC LIMIT 1
) AS v`
    const ts = Array.from(times, (t) => (Number.isNaN(t) ? null : t))
    let rows: (string | null)[][]
    try {
      rows = (
        await pv.client.query<(string | null)[]>({
          text: sql,
          rowMode: 'array',
          values: [keys, ts],
        } as { text: string; rowMode: 'array' })
      ).rows
    } catch (e) {
      throw pgError(e, pv.what)
    }
    const out = new LookupResult(view, times, asOf)
    for (const r of rows) {
      const i = Number(r[0]) - 1
      if (!out.found(i, Number(r[1]), Number(r[2]))) continue
      view.features.forEach((f, j) => out.set(f.name, f.kind, i, r[3 + j] ?? null))
    }
    return out.finish()
  } finally {
    await pv.close()
  }
}

/** A view's rows read from PostgreSQL, in source order, in batches. */
export async function* readRowsPostgres(
  view: ResolvedView,
  query: RowsQuery = {},
): AsyncGenerator<readonly TimedRow[]> {
  const pv = await openPgView(view, false, query.asOf)
  try {
    const where: string[] = []
    const params: unknown[] = []
    if (query.knownAfter !== undefined) {
      params.push(query.knownAfter)
      where.push(`known_time > $${params.length}`)
    }
    if (query.knownAtOrBefore !== undefined) {
      params.push(query.knownAtOrBefore)
      where.push(`known_time <= $${params.length}`)
    }
    if (query.key !== undefined) {
      params.push(query.key)
      where.push(`key = $${params.length}`)
    }
    const sql = `SELECT * FROM keel_fv${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ord`
    const fetch = async <R>(text: string, values: unknown[] = []): Promise<R[]> => {
      try {
        return (
          await pv.client.query<R>({ text, rowMode: 'array', values } as {
            text: string
            rowMode: 'array'
          })
        ).rows
      } catch (e) {
        throw pgError(e, pv.what)
      }
    }
    // A server-side cursor: a large view streams in batches instead of arriving whole.
    await fetch('BEGIN READ ONLY')
    await fetch(`DECLARE keel_rows NO SCROLL CURSOR FOR ${sql}`, params)
    for (;;) {
      const rows = await fetch<(string | null)[]>(`FETCH FORWARD ${FETCH_ROWS} FROM keel_rows`)
      if (rows.length === 0) break
      yield rows.map((r) => {
        const values: Record<string, FeatureValue> = {}
        view.features.forEach((f, j) => (values[f.name] = toFeatureValue(f.kind, r[4 + j] ?? null)))
        return {
          key: r[0] ?? null,
          eventTime: Number(r[1]),
          knownTime: Number(r[2]),
          values,
          // Source order is row_number() (from 1); change points are ranked from 0 already.
          order: Number(r[3]) - (view.windowed ? 0 : 1),
        }
      })
    }
    await fetch('COMMIT')
  } finally {
    await pv.close()
  }
}
