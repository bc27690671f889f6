import type { LookupView, ReadViewRows } from '../api.js'
import type { ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import { openSession, type DuckDbSession } from '../../data/duckdb/engine.js'
import type { LookupOptions } from '../api.js'
import type { SourceColumns } from './columns.js'
import { loadEntityRows, lookupViewDuckDb, runLookup } from './duckdb-lookup.js'
import { loadViewSource, viewRowsSql } from './duckdb-source.js'
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

/** A {@link LookupView} that keeps what it prepared for the next call, and its release. */
export interface LookupCache {
  readonly lookupView: LookupView
  close(): void
}

/**
 * A lookup for many calls over the same views (a monitoring run checks every window): on DuckDB,
 * each view's source is loaded and its rows (a windowed view's change points) computed once, in a
 * database kept until {@link LookupCache.close}; each call then only loads its entity rows and
 * joins. PostgreSQL views are looked up on PostgreSQL as usual. Answers equal {@link lookupView}'s.
 */
export const createLookupCache = (): LookupCache => {
  const prepared = new Map<string, Promise<{ session: DuckDbSession; columns: SourceColumns }>>()
  const prepare = (view: ResolvedView, options: LookupOptions) => {
    const asOf = options.asOf ?? 'known'
    const key = `${view.name}@${view.version}:${asOf}`
    let p = prepared.get(key)
    if (!p) {
      p = (async () => {
        const session = await openSession()
        try {
          const columns = await loadViewSource(session, view, options.pushedRows)
          await session.connection.run(
            `CREATE TABLE keel_rows AS ${viewRowsSql(view, columns, asOf)}`,
          )
          return { session, columns }
        } catch (e) {
          session.close()
          throw e
        }
      })()
      prepared.set(key, p)
      p.catch(() => prepared.delete(key))
    }
    return p
  }
  let queue: Promise<unknown> = Promise.resolve()
  const lookupView: LookupView = (view, keys, times, options = {}) => {
    if (view.source.kind === 'postgres') return lookupViewPostgres(view, keys, times, options)
    // One call at a time per cache: calls share the entity tables of a view's database.
    const run = queue.then(async () => {
      const { session, columns } = await prepare(view, options)
      await session.connection.run(
        'DROP TABLE IF EXISTS keel_entity; DROP TABLE IF EXISTS keel_keys',
      )
      await loadEntityRows(session, keys, times)
      return runLookup(
        session,
        view,
        columns,
        times,
        options.asOf ?? 'known',
        'SELECT * FROM keel_rows',
      )
    })
    queue = run.catch(() => undefined)
    return run
  }
  return {
    lookupView,
    close: () => {
      for (const p of prepared.values())
        void p.then(
          (x) => x.session.close(),
          () => undefined,
        )
      prepared.clear()
    },
  }
}
