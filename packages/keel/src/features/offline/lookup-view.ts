import type { LookupView, ReadViewRows } from '../api.js'
import type { ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import { lookupViewDuckDb } from './duckdb-lookup.js'
import { readRowsDuckDb, type RowsQuery } from './duckdb-rows.js'
import { lookupViewPostgres, readRowsPostgres } from './postgres.js'

/**
 * The point-in-time lookup of one view for many entity rows: on PostgreSQL for views over a
 * PostgreSQL table or query, on an embedded DuckDB for files, DuckDB queries and pushed rows. Both
 * engines answer exactly as `pointInTimeReference` does (the conformance tests hold them to it).
 *
 * @example
 * const found = await lookupView(view, ['ATL', 'SFO'], Float64Array.of(t1, t2))
 * found.status[0] // STATUS_CODE.present, .not_found or .outside_ttl
 */
export const lookupView: LookupView = (view, keys, times, options = {}) =>
  view.source.kind === 'postgres'
    ? lookupViewPostgres(view, keys, times, options)
    : lookupViewDuckDb(view, keys, times, options)

/** A view's rows (optionally one key's), from the engine that holds its source. */
export const readRows = (
  view: ResolvedView,
  query: RowsQuery = {},
): AsyncIterable<readonly TimedRow[]> =>
  view.source.kind === 'postgres' ? readRowsPostgres(view, query) : readRowsDuckDb(view, query)

/**
 * A view's source rows as {@link TimedRow}s in source order: keys as text (number entities print
 * like JavaScript numbers), times in epoch ms UTC (known = event time without lateness). Push
 * views have no source to read: their rows are the feature log's (`INVALID_ARGUMENT` here).
 */
export const readViewRows: ReadViewRows = (view, options = {}) => readRows(view, options)
