import { createRequire } from 'node:module'
import type * as NodeApi from '@duckdb/node-api'
import type { DuckDBConnection } from '@duckdb/node-api'
import type * as NodeBindings from '@duckdb/node-bindings'
import { KeelError } from '@keel/core'

/** The DuckDB Node API (`@duckdb/node-api`), loaded on first use. */
export type DuckDbApi = typeof NodeApi
/** The low-level bindings the API is built on, used for zero-copy access to result vectors. */
export type DuckDbBindings = typeof NodeBindings

let loaded: { api: DuckDbApi; bindings: DuckDbBindings } | undefined

/**
 * DuckDB's API and bindings, loaded on demand so that importing Keel never loads the native
 * module. The bindings are resolved from the API package itself, so both are always the same copy.
 */
export const loadDuckDb = (): { api: DuckDbApi; bindings: DuckDbBindings } => {
  if (loaded) return loaded
  try {
    const require = createRequire(import.meta.url)
    const api = require('@duckdb/node-api') as DuckDbApi
    const bindings = createRequire(require.resolve('@duckdb/node-api'))(
      '@duckdb/node-bindings',
    ) as DuckDbBindings
    loaded = { api, bindings }
    return loaded
  } catch (e) {
    throw new KeelError(
      'MISSING_DEPENDENCY',
      'DuckDB is needed to read CSV, Parquet and JSON files',
      {
        cause: e,
        hint: 'npm install @duckdb/node-api',
      },
    )
  }
}

/** A DuckDB identifier in double quotes (embedded quotes doubled): safe for any column name. */
export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** An open in-memory DuckDB database with one connection. */
export interface DuckDbSession {
  readonly connection: DuckDBConnection
  close(): void
}

/** A fresh in-memory database for one read: reads never share state (or reject tables). */
export const openSession = async (): Promise<DuckDbSession> => {
  const { api } = loadDuckDb()
  const instance = await api.DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  return {
    connection,
    close: () => {
      connection.closeSync()
      instance.closeSync()
    },
  }
}

/** The first line of a DuckDB message, without the SQL echo DuckDB appends. */
const firstLine = (message: string): string => message.split('\n')[0]!.trim()

/**
 * A DuckDB error as a KeelError naming the file: missing files, malformed CSV / JSON / Parquet and
 * unknown columns get their own codes; the raw message is kept in `details.duckdb`, never thrown.
 */
export const duckDbError = (e: unknown, file: string): KeelError => {
  if (e instanceof KeelError) return e
  const raw = e instanceof Error ? e.message : String(e)
  const line = firstLine(raw)
  const details = { file, duckdb: line }
  if (/No files found|Cannot open file|No such file/i.test(raw)) {
    return new KeelError('FILE_NOT_FOUND', `file not found: ${file}`, {
      path: [file],
      details,
      cause: e,
    })
  }
  const lineNo = /(?:CSV Error on Line|in line|line)[:\s]+(\d+)/i.exec(raw)?.[1]
  if (/JSON/.test(line) && /Invalid Input/i.test(line)) {
    const reason = (/line \d+: (.*)$/.exec(line)?.[1] ?? line.replace(/^.*?Error: /, '')).replace(
      /\.\s*$/,
      '',
    )
    return new KeelError(
      'PARSE_ERROR',
      `malformed JSON in ${file}${lineNo ? ` at line ${lineNo}` : ''}: ${reason}`,
      {
        path: [file, ...(lineNo ? [Number(lineNo)] : [])],
        details: { ...details, line: lineNo ? Number(lineNo) : null },
        cause: e,
      },
    )
  }
  if (/Parquet|magic bytes/i.test(raw)) {
    return new KeelError(
      'PARSE_ERROR',
      `${file} is not a readable Parquet file: ${line.replace(/^.*?Error: /, '')}`,
      {
        path: [file],
        details,
        cause: e,
      },
    )
  }
  if (/sniffing file|CSV/i.test(raw)) {
    const what = /sniffing/i.test(raw)
      ? 'could not detect the CSV dialect (delimiter, quoting, header)'
      : line.replace(/^.*?Error: /, '')
    return new KeelError(
      'PARSE_ERROR',
      `malformed CSV in ${file}${lineNo ? ` at line ${lineNo}` : ''}: ${what}`,
      {
        path: [file, ...(lineNo ? [Number(lineNo)] : [])],
        details: { ...details, line: lineNo ? Number(lineNo) : null },
        hint: 'set options.delimiter / quote / header for this source',
        cause: e,
      },
    )
  }
  const column = /Referenced column "([^"]+)" not found/.exec(raw)?.[1]
  if (column) {
    return new KeelError('SCHEMA_MISMATCH', `${file} has no column "${column}"`, {
      path: [column],
      details,
      cause: e,
    })
  }
  return new KeelError(
    'PARSE_ERROR',
    `could not read ${file}: ${line.replace(/^.*?Error: /, '')}`,
    {
      path: [file],
      details,
      cause: e,
    },
  )
}
