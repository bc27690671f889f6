import { KeelError } from '@keel/core'
import { appendChunk } from '../../data/duckdb/decode.js'
import { loadDuckDb, openSession, type DuckDbSession } from '../../data/duckdb/engine.js'
import type { NumberBuilder } from '../../data/frame-builder.js'
import { createBuilders, StringBuilder, type ColumnBuilder } from '../../data/frame-builder.js'
import type { LookupOptions, ViewLookup } from '../api.js'
import type { ResolvedView } from '../definitions.js'
import type { AsOf } from '../point-in-time.js'
import type { SourceColumns } from './columns.js'
import { duckDbDialect, loadViewSource, viewRowsSql } from './duckdb-source.js'
import { LookupResult } from './lookup-result.js'

/** Rows per chunk written into DuckDB (its vector size). */
const CHUNK_ROWS = 2048

/**
 * Entity rows into DuckDB: the distinct keys into `keel_keys(code, key)`, the rows into
 * `keel_entity(code, t)` (row i = rowid i) by copying typed arrays into data chunks, so millions
 * of rows load in a fraction of a second. Null keys get code -1 (they match nothing).
 */
export const loadEntityRows = async (
  session: DuckDbSession,
  keys: readonly (string | null)[],
  times: Float64Array,
): Promise<void> => {
  const { api, bindings } = loadDuckDb()
  const n = keys.length
  if (times.length !== n) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `${n} keys but ${times.length} times: each entity row needs both`,
      { path: ['times'] },
    )
  }
  const dictionary = new Map<string, number>()
  const codes = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const k = keys[i]
    if (k === null || k === undefined) {
      codes[i] = -1
      continue
    }
    let c = dictionary.get(k)
    if (c === undefined) {
      c = dictionary.size
      dictionary.set(k, c)
    }
    codes[i] = c
  }
  // NaN compares above every number in DuckDB: a row without a time is sent as matching nothing.
  const t = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const x = times[i]!
    if (Number.isNaN(x)) codes[i] = -1
    t[i] = Number.isNaN(x) ? 0 : x
  }
  const c = session.connection
  await c.run('CREATE TABLE keel_keys (code INTEGER, key VARCHAR)')
  const keyAppender = await c.createAppender('keel_keys')
  for (const [key, code] of dictionary) {
    keyAppender.appendInteger(code)
    keyAppender.appendVarchar(key)
    keyAppender.endRow()
  }
  keyAppender.closeSync()
  await c.run('CREATE TABLE keel_entity (code INTEGER, t DOUBLE)')
  const appender = await c.createAppender('keel_entity')
  const chunk = api.DuckDBDataChunk.create([api.INTEGER, api.DOUBLE], CHUNK_ROWS)
  for (let s = 0; s < n; s += CHUNK_ROWS) {
    const m = Math.min(CHUNK_ROWS, n - s)
    chunk.rowCount = m
    bindings.copy_data_to_vector(
      bindings.data_chunk_get_vector(chunk.chunk, 0),
      0,
      codes.buffer,
      codes.byteOffset + s * 4,
      m * 4,
    )
    bindings.copy_data_to_vector(
      bindings.data_chunk_get_vector(chunk.chunk, 1),
      0,
      t.buffer,
      t.byteOffset + s * 8,
      m * 8,
    )
    appender.appendDataChunk(chunk)
  }
  appender.closeSync()
}

/**
 * The point-in-time join in DuckDB SQL, over `keel_entity` / `keel_keys` and a view's rows.
 *
 * 1. Every row of a requested key gets its rank in the order of the rule, (event, known, ord):
 *    of two candidates the one with the greater rank wins.
 * 2. Per key and availability instant `a` (max(event, known) as of known time, the event time as
 *    of event time), the greatest rank among the rows that become available then.
 * 3. The running maximum of that per key in order of `a` is the row served from `a` on (the
 *    changelog). It is one unpartitioned window in (key code, a) order over
 *    `code << 32 | rank`: the key code in the high bits keeps each key's maximum to itself,
 *    several times cheaper than a window partitioned by key or a maximum over STRUCTs.
 * 4. An ASOF join of the entity rows on key code and `t >= a`: the served row per entity row.
 * 5. The served row's times and features, by rank. TTL and statuses are applied by the caller.
 */
export const lookupSql = (
  view: ResolvedView,
  columns: SourceColumns,
  asOf: AsOf,
  rows: string = viewRowsSql(view, columns, asOf),
): string => {
  const q = duckDbDialect.quote
  const available = asOf === 'event' ? 'r.event_time' : 'greatest(r.event_time, r.known_time)'
  const features = view.features.map((f) => `r.${q(f.name)}`)
  return `WITH r AS (${rows}),
ranked AS (
  SELECT k.code, ${available} AS a, row_number() OVER (ORDER BY r.event_time, r.known_time, r.ord) AS rank, r.ord
  FROM r JOIN keel_keys k ON r.key = k.key
),
g AS (SELECT code, a, max(rank) AS m FROM ranked GROUP BY code, a),
changelog AS (
  SELECT code, a,
    max((code::BIGINT << 32) | m) OVER (ORDER BY code, a ROWS UNBOUNDED PRECEDING) & 4294967295 AS best
  FROM g
),
hit AS (
  SELECT q.rowid AS i, c.best FROM keel_entity q ASOF JOIN changelog c ON q.code = c.code AND q.t >= c.a
)
SELECT CAST(hit.i AS DOUBLE) AS i, r.event_time, r.known_time${features.map((f) => `, ${f}`).join('')}
FROM hit JOIN ranked ON ranked.rank = hit.best JOIN r ON r.ord = ranked.ord`
}

/** Run the lookup query in `session` and gather its rows into a {@link ViewLookup}. */
export const runLookup = async (
  session: DuckDbSession,
  view: ResolvedView,
  columns: SourceColumns,
  times: Float64Array,
  asOf: AsOf,
  rows?: string,
): Promise<ViewLookup> => {
  const { bindings } = loadDuckDb()
  const kinds = [
    'numeric',
    'numeric',
    'numeric',
    ...view.features.map((f) => (f.kind === 'categorical' ? 'categorical' : 'numeric')),
  ] as const
  // Materialized, not streamed: DuckDB then produces the result on all its threads.
  const result = await session.connection.run(lookupSql(view, columns, asOf, rows))
  const out = new LookupResult(view, times, asOf)
  // One set of builders for the whole result, emptied after each chunk: categorical features keep
  // one dictionary, so each distinct string is decoded once per lookup, not once per chunk.
  const builders: ColumnBuilder[] = createBuilders(
    [...kinds],
    kinds.map(() => true),
    2048,
  )
  const numbers = (j: number): Float64Array => (builders[j] as NumberBuilder).values
  const features = view.features.map((f, j) => ({
    kind: f.kind,
    builder: builders[3 + j]!,
    target: out.values[f.name]!,
  }))
  for (;;) {
    const chunk = await result.fetchChunk()
    if (!chunk || chunk.rowCount === 0) break
    for (const b of builders) b.size = 0
    appendChunk(bindings, chunk, builders)
    const idx = numbers(0)
    const ev = numbers(1)
    const kv = numbers(2)
    for (let r = 0; r < chunk.rowCount; r++) {
      const i = idx[r]!
      if (!out.found(i, ev[r]!, kv[r]!)) continue
      for (const { kind, builder, target } of features) {
        if (builder instanceof StringBuilder) {
          const code = builder.codes[r]!
          target[i] = code < 0 ? null : builder.dictionary[code]!
        } else {
          const x = builder.values[r]!
          target[i] = Number.isNaN(x) ? null : kind === 'boolean' ? x !== 0 : x
        }
      }
    }
  }
  return out.finish()
}

/**
 * {@link LookupView} on DuckDB: the view's source (file, DuckDB query or pushed rows) and the
 * entity rows in a fresh in-memory database, joined by {@link lookupSql}.
 */
export const lookupViewDuckDb = async (
  view: ResolvedView,
  keys: readonly (string | null)[],
  times: Float64Array,
  options: LookupOptions = {},
): Promise<ViewLookup> => {
  const session = await openSession()
  try {
    const columns = await loadViewSource(session, view, options.pushedRows)
    await loadEntityRows(session, keys, times)
    return await runLookup(session, view, columns, times, options.asOf ?? 'known')
  } finally {
    session.close()
  }
}
