import type { DuckDBValue } from '@duckdb/node-api'
import { openSession } from '../../data/duckdb/engine.js'
import type { ReadViewRows, ViewRowsOptions } from '../api.js'
import type { FeatureValue, ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import { loadViewSource, viewRowsSql } from './duckdb-source.js'
import { toFeatureValue } from './lookup-result.js'

/** What to read of a view's rows: a known-time window, one key, the push log. */
export interface RowsQuery extends ViewRowsOptions {
  /** Only the rows of this key. */
  readonly key?: string
  readonly pushedRows?: ReadViewRows | undefined
}

const num = (v: DuckDBValue): number => (typeof v === 'bigint' ? Number(v) : Number(v))

/** One result row (key, event, known, ord, features…) as a {@link TimedRow}. */
const timedRow = (view: ResolvedView, r: readonly DuckDBValue[]): TimedRow => {
  const values: Record<string, FeatureValue> = {}
  view.features.forEach((f, j) => {
    const v = r[4 + j]
    values[f.name] = toFeatureValue(
      f.kind,
      v === null || v === undefined ? null : typeof v === 'string' ? v : num(v),
    )
  })
  return {
    key: r[0] === null ? null : String(r[0]),
    eventTime: num(r[1]!),
    knownTime: num(r[2]!),
    values,
    order: num(r[3]!),
  }
}

/** A view's rows read through DuckDB, in source order, in batches of DuckDB's chunk size. */
export async function* readRowsDuckDb(
  view: ResolvedView,
  query: RowsQuery = {},
): AsyncGenerator<readonly TimedRow[]> {
  const session = await openSession()
  try {
    const columns = await loadViewSource(session, view, query.pushedRows)
    const where: string[] = []
    const params: Record<string, DuckDBValue> = {}
    if (query.knownAfter !== undefined) {
      where.push('known_time > $after')
      params['after'] = query.knownAfter
    }
    if (query.knownAtOrBefore !== undefined) {
      where.push('known_time <= $upto')
      params['upto'] = query.knownAtOrBefore
    }
    if (query.key !== undefined) {
      where.push('key = $key')
      params['key'] = query.key
    }
    const sql = `SELECT * FROM (${viewRowsSql(view, columns, query.asOf)}) AS keel_r${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ord`
    const result = await session.connection.stream(sql, params)
    for (;;) {
      const chunk = await result.fetchChunk()
      if (!chunk || chunk.rowCount === 0) break
      yield chunk.getRows().map((r) => timedRow(view, r))
    }
  } finally {
    session.close()
  }
}
