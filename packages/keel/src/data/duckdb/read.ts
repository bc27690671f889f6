import type { DuckDBValue } from '@duckdb/node-api'
import { KeelError, type ColumnKind, type Frame } from '@keel/core'
import { createBuilders, takeFrame } from '../frame-builder.js'
import {
  DEFAULT_CHUNK_ROWS,
  instantsInWhere,
  throwIfAborted,
  whereSql,
  type ReadOptions,
} from '../read-options.js'
import { inferFormat, isTsv, type FileSourceSpec } from '../source.js'
import { checkFile } from './file.js'
import { isTemporalType, planColumn, type ColumnPlan } from './columns.js'
import { appendChunk } from './decode.js'
import {
  duckDbError,
  loadDuckDb,
  openSession,
  quoteIdentifier,
  type DuckDbSession,
} from './engine.js'

type Param = DuckDBValue

/** The table function reading `file`, with every option bound as a parameter (`$1` is the path). */
export const scanOf = (
  spec: FileSourceSpec,
  file: string,
  readPath: string,
): { sql: string; params: Param[] } => {
  const format = spec.format ?? inferFormat(file)
  const params: Param[] = [readPath]
  const named: string[] = []
  const bind = (name: string, value: Param): void => {
    params.push(value)
    named.push(`${name}=$${params.length}`)
  }
  switch (format) {
    case 'parquet':
      return { sql: 'read_parquet($1)', params }
    case 'json':
      return { sql: `read_json($1, format='auto')`, params }
    case 'ndjson':
      return { sql: `read_json($1, format='newline_delimited')`, params }
    case 'csv': {
      const o = spec.options ?? {}
      // Malformed rows are collected in DuckDB's reject table and reported with their line
      // numbers once the scan ends (DuckDB's own error for them does not always name the line).
      named.push('store_rejects=true')
      const delimiter = o.delimiter ?? (isTsv(file) ? '\t' : undefined)
      if (delimiter !== undefined) bind('delim', delimiter)
      if (o.header !== undefined) bind('header', o.header)
      if (o.quote !== undefined) bind('quote', o.quote)
      if (o.escape !== undefined) bind('escape', o.escape)
      if (o.nullValues !== undefined) bind('nullstr', loadDuckDb().api.listValue([...o.nullValues]))
      if (o.dateFormat !== undefined) bind('dateformat', o.dateFormat)
      if (o.timestampFormat !== undefined) bind('timestampformat', o.timestampFormat)
      if (o.skip !== undefined) bind('skip', o.skip)
      return { sql: `read_csv($1, ${named.join(', ')})`, params }
    }
  }
}

const toRecord = (params: readonly Param[]): Record<string, never> =>
  Object.fromEntries(params.map((p, i) => [String(i + 1), p])) as Record<string, never>

/** Columns and DuckDB types of a file, without reading its rows. */
export const describeFile = async (
  spec: FileSourceSpec,
  options: Pick<ReadOptions, 'baseDir' | 'confine' | 'kinds'> = {},
): Promise<{ file: string; columns: ColumnPlan[] }> => {
  const checked = await checkFile(spec, options)
  const { file } = checked
  try {
    const scan = scanOf(spec, file, checked.readPath)
    const session = await openSession()
    try {
      return { file, columns: await planColumns(session, scan, file, options.kinds) }
    } finally {
      session.close()
    }
  } finally {
    await checked.close()
  }
}

const planColumns = async (
  session: DuckDbSession,
  scan: { sql: string; params: Param[] },
  file: string,
  kinds?: Readonly<Record<string, ColumnKind>>,
): Promise<ColumnPlan[]> => {
  try {
    const reader = await session.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM ${scan.sql}`,
      toRecord(scan.params),
    )
    return reader
      .getRowObjectsJS()
      .map((r) =>
        planColumn(
          String(r['column_name']),
          String(r['column_type']),
          kinds?.[String(r['column_name'])],
        ),
      )
  } catch (e) {
    throw duckDbError(e, file)
  }
}

const rejectError = async (
  session: DuckDbSession,
  file: string,
): Promise<KeelError | undefined> => {
  const reader = await session.connection.runAndReadAll(
    'SELECT line, error_type, column_name, error_message, csv_line FROM reject_errors ORDER BY line, column_idx',
  )
  const rows = reader.getRowObjectsJS()
  if (rows.length === 0) return undefined
  const lines = [...new Set(rows.map((r) => Number(r['line'])))]
  const first = rows[0]!
  return new KeelError(
    'PARSE_ERROR',
    `malformed CSV in ${file} at line ${String(first['line'])}: ${String(first['error_message'])}` +
      (lines.length > 1
        ? ` (and ${lines.length - 1} more line${lines.length > 2 ? 's' : ''})`
        : ''),
    {
      path: [file, Number(first['line'])],
      details: {
        file,
        lines: lines.slice(0, 20),
        count: lines.length,
        errors: rows.slice(0, 20).map((r) => ({
          line: Number(r['line']),
          type: String(r['error_type']),
          column: r['column_name'] === null ? null : String(r['column_name']),
          message: String(r['error_message']),
          text: String(r['csv_line']),
        })),
      },
      hint: 'fix those lines, or set options (delimiter, quote, nullValues, dateFormat) for this source',
    },
  )
}

/**
 * Stream a file as Frames of `chunkRows` rows (the last one shorter; one empty Frame for an empty
 * result, so the columns are always known). `where` and `limit` run inside DuckDB.
 */
export async function* readFileChunks(
  spec: FileSourceSpec,
  options: ReadOptions = {},
): AsyncGenerator<Frame> {
  const checked = await checkFile(spec, options)
  const { file } = checked
  const format = spec.format ?? inferFormat(file)
  const scan = scanOf(spec, file, checked.readPath)
  const { bindings } = loadDuckDb()
  const session = await openSession()
  try {
    const all = await planColumns(session, scan, file, options.kinds)
    const wanted = options.columns ?? all.map((p) => p.name)
    const referenced = [...wanted, ...(options.where ?? []).map((w) => w.column)]
    const missing = [...new Set(referenced.filter((c) => !all.some((p) => p.name === c)))]
    if (missing.length > 0) {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        `${file} has no column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
        {
          path: missing,
          details: { file, available: all.map((p) => p.name) },
        },
      )
    }
    const plans = wanted.map((c) => all.find((p) => p.name === c)!)
    const filter = whereSql(
      instantsInWhere(options.where ?? [], (c) =>
        all.some((p) => p.name === c && isTemporalType(p.sourceType.toUpperCase())),
      ),
      quoteIdentifier,
      scan.params.length + 1,
    )
    const params: Param[] = [...scan.params, ...filter.params]
    let limit = ''
    if (options.limit !== undefined) {
      params.push(options.limit)
      limit = ` LIMIT $${params.length}`
    }
    const inner = `SELECT ${plans.map((p) => quoteIdentifier(p.name)).join(', ')} FROM ${scan.sql}${filter.sql}${limit}`
    const sql = `SELECT ${plans.map((p) => `${p.expression} AS ${quoteIdentifier(p.name)}`).join(', ')} FROM (${inner}) AS src`

    // Parquet knows its row count from metadata: it sizes the buffers and the progress total.
    let total: number | undefined
    if (format === 'parquet' && !options.where) {
      const r = await session.connection.runAndReadAll(
        `SELECT count(*)::DOUBLE AS n FROM ${scan.sql}`,
        toRecord(scan.params),
      )
      total = Number(r.getRowsJS()[0]![0])
      if (options.limit !== undefined) total = Math.min(total, options.limit)
    }
    const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS
    const names = plans.map((p) => p.name)
    const fixed = plans.map((p) => options.kinds?.[p.name] !== undefined)
    const builders = createBuilders(
      plans.map((p) => p.kind),
      fixed,
      // Whole rows of a DuckDB chunk can overshoot chunkRows by up to 2 047.
      Math.max(1, Math.min(chunkRows + 2048, total ?? 1 << 20)),
    )
    let result
    try {
      result = await session.connection.stream(sql, toRecord(params))
    } catch (e) {
      throw duckDbError(e, file)
    }
    let done = 0
    let emitted = 0
    for (;;) {
      throwIfAborted(options.signal)
      let chunk
      try {
        chunk = await result.fetchChunk()
      } catch (e) {
        throw duckDbError(e, file)
      }
      if (!chunk || chunk.rowCount === 0) break
      done += appendChunk(bindings, chunk, builders)
      if (builders[0] && builders[0].size >= chunkRows) {
        yield takeFrame(names, builders, emitted++ === 0)
        options.onProgress?.({ done, ...(total === undefined ? {} : { total }) })
      }
    }
    if (format === 'csv') {
      const rejected = await rejectError(session, file)
      if (rejected) throw rejected
    }
    if (emitted === 0 || (builders[0]?.size ?? 0) > 0) {
      yield takeFrame(names, builders, emitted++ === 0)
      options.onProgress?.({ done, ...(total === undefined ? {} : { total }) })
    }
  } finally {
    session.close()
    await checked.close()
  }
}
