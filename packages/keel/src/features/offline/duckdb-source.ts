import { windowedChangesPostgresSql, windowedChangesSql } from '../windowed/index.js'
import type { DuckDBValue } from '@duckdb/node-api'
import { KeelError } from '@keel/core'
import { checkFile } from '../../data/duckdb/file.js'
import { duckDbError, quoteIdentifier, type DuckDbSession } from '../../data/duckdb/engine.js'
import { scanOf } from '../../data/duckdb/read.js'
import type { ReadViewRows } from '../api.js'
import type { FeatureValue, ResolvedView } from '../definitions.js'
import type { AsOf, TimedRow } from '../point-in-time.js'
import {
  badKeyError,
  checkSourceColumns,
  keyNeedsValueCheck,
  rawName,
  type Dialect,
  type SourceColumns,
  type TypeClass,
} from './columns.js'

/**
 * A view's source inside DuckDB. The source is copied once into the table `keel_src` of a fresh
 * in-memory session: its `rowid` is then the source order (DuckDB preserves insertion order), and
 * every later step (checks, lookups) reads the copy, never the file again.
 */

/** The table a view's source is copied into. */
export const SOURCE_TABLE = 'keel_src'

const NUMBER =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?)$/
const TIME =
  /^(TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|DATETIME|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ)$/
const STRING = /^(VARCHAR|ENUM\(.*\)|UUID|CHAR|BPCHAR|TEXT|STRING)$/

/** The class of a DuckDB type name. */
export const duckDbTypeClass = (type: string): TypeClass => {
  const t = type.toUpperCase()
  if (NUMBER.test(t)) return 'number'
  if (TIME.test(t)) return 'time'
  if (t === 'DATE') return 'date'
  if (t === 'BOOLEAN') return 'boolean'
  if (STRING.test(t)) return 'string'
  return 'other'
}

/** JavaScript's printing of a DOUBLE: integers without a fraction, others as DuckDB prints them. */
const jsNumberText = (d: string): string =>
  `CASE WHEN ${d} = trunc(${d}) AND abs(${d}) < 1e21 THEN CAST(CAST(${d} AS HUGEINT) AS VARCHAR) ELSE CAST(${d} AS VARCHAR) END`

/** DuckDB's spelling of the projections (see {@link Dialect}). */
export const duckDbDialect: Dialect = {
  engine: 'duckdb',
  quote: quoteIdentifier,
  timeMs: (col, cls) =>
    cls === 'number' ? `CAST(${col} AS DOUBLE)` : `CAST(epoch_ms(${col}) AS DOUBLE)`,
  keyText: (col, cls, numberEntity) => {
    if (!numberEntity) return `CAST(${col} AS VARCHAR)`
    return jsNumberText(
      cls === 'string' ? `TRY_CAST(trim(${col}) AS DOUBLE)` : `CAST(${col} AS DOUBLE)`,
    )
  },
  feature: (col, kind) =>
    kind === 'categorical' ? `CAST(${col} AS VARCHAR)` : `CAST(${col} AS DOUBLE)`,
}

/** The DuckDB relation of a file or `duckdb` source, with its bound parameters. */
export interface SourceRelation {
  readonly sql: string
  readonly params: Record<string, DuckDBValue>
  /** What to name in messages (the file, or `duckdb query`). */
  readonly what: string
  /** Releases what the relation holds (a file alias). */
  close(): Promise<void>
}

/**
 * The SELECT reading a view's source in DuckDB: `read_csv` / `read_parquet` / `read_json` of a
 * file (its reader options bound as parameters) or the view's own DuckDB query. PostgreSQL and
 * push sources are not DuckDB relations (`INVALID_ARGUMENT`).
 */
export const viewSourceSql = async (view: ResolvedView): Promise<SourceRelation> => {
  const source = view.source
  if (source.kind === 'duckdb') {
    return {
      sql: source.sql.trim().replace(/;\s*$/, ''),
      params: {},
      what: 'duckdb query',
      close: async () => undefined,
    }
  }
  if (source.kind !== 'file') {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `feature view "${view.name}": a ${source.kind} source is not read through DuckDB`,
      { path: [view.name] },
    )
  }
  const checked = await checkFile(source.spec)
  const scan = scanOf(source.spec, checked.file, checked.readPath)
  return {
    sql: `SELECT * FROM ${scan.sql}`,
    params: Object.fromEntries(scan.params.map((p, i) => [String(i + 1), p])) as Record<
      string,
      DuckDBValue
    >,
    what: checked.file,
    close: () => checked.close(),
  }
}

/** The columns of `keel_src` with their classes. */
const describeSource = async (session: DuckDbSession): Promise<SourceColumns> => {
  const reader = await session.connection.runAndReadAll(`DESCRIBE ${SOURCE_TABLE}`)
  return new Map(
    reader.getRowObjectsJS().map((r) => {
      const type = String(r['column_type'])
      return [String(r['column_name']), { cls: duckDbTypeClass(type), type }]
    }),
  )
}

/** Pushed rows into `keel_src`, in their order, with the columns the view declares. */
const loadPushed = async (
  session: DuckDbSession,
  view: ResolvedView,
  rows: AsyncIterable<readonly TimedRow[]>,
): Promise<void> => {
  const all: TimedRow[] = []
  for await (const batch of rows) all.push(...batch)
  all.sort((a, b) => a.order - b.order)
  const q = quoteIdentifier
  const features = view.features.filter((f) => f.column !== null)
  const cols = [
    `${q(view.keyColumn)} VARCHAR`,
    `${q(view.eventTime)} DOUBLE`,
    ...(view.knownTime !== null ? [`${q(view.knownTime)} DOUBLE`] : []),
    ...features.map(
      (f) =>
        `${q(f.column!)} ${f.kind === 'numeric' ? 'DOUBLE' : f.kind === 'boolean' ? 'BOOLEAN' : 'VARCHAR'}`,
    ),
  ]
  await session.connection.run(`CREATE TABLE ${SOURCE_TABLE} (${cols.join(', ')})`)
  const appender = await session.connection.createAppender(SOURCE_TABLE)
  const appendValue = (v: FeatureValue | undefined, kind: string): void => {
    if (v === null || v === undefined) appender.appendNull()
    else if (kind === 'numeric') appender.appendDouble(Number(v))
    else if (kind === 'boolean') appender.appendBoolean(Boolean(v))
    else appender.appendVarchar(String(v))
  }
  for (const r of all) {
    if (r.key === null) appender.appendNull()
    else appender.appendVarchar(r.key)
    appender.appendDouble(r.eventTime)
    if (view.knownTime !== null) appender.appendDouble(r.knownTime)
    for (const f of features) appendValue(r.values[f.name], f.kind)
    appender.endRow()
  }
  appender.closeSync()
}

/**
 * Copy a view's source into `keel_src` of `session` and check it against the view (columns,
 * types, key values). Push views read `pushedRows`, and without them are `INVALID_ARGUMENT`.
 */
export const loadViewSource = async (
  session: DuckDbSession,
  view: ResolvedView,
  pushedRows?: ReadViewRows,
): Promise<SourceColumns> => {
  if (view.source.kind === 'push') {
    if (!pushedRows) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `feature view "${view.name}" holds pushed values: pass the feature log as options.pushedRows`,
        { path: [view.name] },
      )
    }
    await loadPushed(session, view, pushedRows(view))
  } else {
    const relation = await viewSourceSql(view)
    try {
      await session.connection.run(
        `CREATE TABLE ${SOURCE_TABLE} AS ${relation.sql}`,
        relation.params,
      )
    } catch (e) {
      throw duckDbError(e, relation.what)
    } finally {
      await relation.close()
    }
  }
  const columns = await describeSource(session)
  checkSourceColumns(view, columns)
  if (keyNeedsValueCheck(view, columns)) {
    const col = quoteIdentifier(view.keyColumn)
    const bad = await session.connection.runAndReadAll(
      `SELECT ${col} AS v FROM ${SOURCE_TABLE} WHERE ${col} IS NOT NULL AND NOT isfinite(coalesce(TRY_CAST(trim(${col}) AS DOUBLE), 'nan'::DOUBLE)) LIMIT 1`,
    )
    const row = bad.getRowObjectsJS()[0]
    if (row) throw badKeyError(view, row['v'])
  }
  return columns
}

/**
 * A view's base relation over `keel_src`: `key` (text), `event_time` and `known_time` (epoch ms,
 * known = event time for a view without lateness), `ord` (source order) and every raw column the
 * features name, as `"raw:<column>"` (see `rawName`). Rows without an event or known time are
 * left out: they can never be served. Windowed aggregations are computed from this relation.
 */
export const viewBaseSql = (view: ResolvedView, columns: SourceColumns): string =>
  baseSql(view, columns, duckDbDialect, SOURCE_TABLE, 'rowid')

/** The base relation in any dialect, over `table`, `ordSql` giving the source order. */
export const baseSql = (
  view: ResolvedView,
  columns: SourceColumns,
  d: Dialect,
  table: string,
  ordSql: string,
): string => {
  const q = d.quote
  const cls = (c: string) => columns.get(c)!.cls
  const event = d.timeMs(q(view.eventTime), cls(view.eventTime))
  const known = view.knownTime === null ? event : d.timeMs(q(view.knownTime), cls(view.knownTime))
  const raw = [...new Set(view.features.flatMap((f) => (f.column === null ? [] : [f.column])))]
  const select = [
    `${d.keyText(q(view.keyColumn), cls(view.keyColumn), view.entity.valueType === 'number')} AS key`,
    `${event} AS event_time`,
    `${known} AS known_time`,
    `${ordSql} AS ord`,
    ...raw.map((c) => `${q(c)} AS ${q(rawName(c))}`),
  ]
  return `SELECT * FROM (SELECT ${select.join(', ')} FROM ${table}) AS keel_base WHERE event_time IS NOT NULL AND known_time IS NOT NULL`
}

/**
 * A view's rows relation: `key`, `event_time`, `known_time`, `ord` and one column per feature
 * (DOUBLE for numeric and boolean, VARCHAR for categorical), named as the feature. A windowed
 * view's rows are its change points; `asOf: 'event'` makes them the naive aggregate's, each known
 * when its value really became available (see `windowedChangesSql`). Other views' rows are the
 * same either way.
 */
export const viewRowsSql = (
  view: ResolvedView,
  columns: SourceColumns,
  asOf: AsOf = 'known',
): string => rowsSql(view, columns, duckDbDialect, viewBaseSql(view, columns), asOf)

/** The rows relation in any dialect over a base relation. */
export const rowsSql = (
  view: ResolvedView,
  columns: SourceColumns,
  d: Dialect,
  base: string,
  asOf: AsOf = 'known',
): string => {
  if (view.windowed) {
    // A windowed view's rows are its change points, computed from the base rows; the aggregated
    // columns go in under their source names.
    const raw = [...new Set(view.features.flatMap((f) => (f.column === null ? [] : [f.column])))]
    const input = `SELECT key, event_time, known_time, ord${raw
      .map((c) => `, ${d.quote(rawName(c))} AS ${d.quote(c)}`)
      .join('')} FROM (${base}) AS keel_events`
    // Without lateness a row is known when it happens: the naive change points are the others.
    const windowedAsOf = view.knownTime === null ? 'known' : asOf
    return d.engine === 'postgres'
      ? windowedChangesPostgresSql(view, input, windowedAsOf)
      : windowedChangesSql(view, input, windowedAsOf)
  }
  const features = view.features.map(
    (f) =>
      `${d.feature(d.quote(rawName(f.column!)), f.kind, columns.get(f.column!)!.cls)} AS ${d.quote(f.name)}`,
  )
  return `SELECT key, event_time, known_time, ord${features.map((f) => `, ${f}`).join('')} FROM (${base}) AS keel_rows`
}
