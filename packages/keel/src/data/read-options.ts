import { KeelError, type ColumnKind, type SchemaContract } from '@keel/core'

/** Progress of a long read: rows done, and the total when the source knows it cheaply. */
export interface DataProgress {
  readonly done: number
  readonly total?: number
  readonly message?: string
}

/** What every long data call accepts: progress reports and cancellation. */
export interface DataCallOptions {
  readonly onProgress?: (p: DataProgress) => void
  readonly signal?: AbortSignal
}

/** Comparison operators of a {@link WherePredicate}. */
export type WhereOp =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is null' | 'is not null'

/**
 * A row filter pushed down to the source. Values are always bound as parameters and columns quoted
 * as identifiers, so nothing user-supplied is ever spliced into SQL. Timestamp columns compare
 * with ISO-8601 strings or epoch milliseconds.
 */
export interface WherePredicate {
  readonly column: string
  readonly op: WhereOp
  readonly value?: string | number | boolean | readonly (string | number)[]
}

/** A deterministic sample: `rows` by reservoir sampling, or each row with probability `fraction`. */
export type SampleSpec =
  | { readonly rows: number; readonly seed?: number }
  | { readonly fraction: number; readonly seed?: number }

/** Options of `readChunks` / `readFrame` and the calls built on them. */
export interface ReadOptions extends DataCallOptions {
  /** Columns to read, in this order (default: all). A missing one is `SCHEMA_MISMATCH`. */
  readonly columns?: readonly string[]
  /** Read at most this many rows (applied after `where`, before `sample`). */
  readonly limit?: number
  readonly where?: readonly WherePredicate[]
  readonly sample?: SampleSpec
  /** Cast columns to the contract's kinds (and categorical dictionaries to its categories). */
  readonly contract?: SchemaContract
  /**
   * Kinds for string columns: `text` skips dictionary encoding. Without this (or a contract),
   * strings are categorical unless the first chunk looks like free text.
   */
  readonly kinds?: Readonly<Record<string, ColumnKind>>
  /** Rows per chunk of `readChunks` (default 131 072). */
  readonly chunkRows?: number
  /** Directory relative file paths resolve against (default: the working directory). */
  readonly baseDir?: string
  /**
   * Refuse files outside `baseDir` (after following symlinks): for paths that come from
   * untrusted input, e.g. an HTTP request. Default `false`.
   */
  readonly confine?: boolean
}

/** Default rows per streamed chunk. */
export const DEFAULT_CHUNK_ROWS = 131_072

const OPS = new Set<WhereOp>([
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not in',
  'is null',
  'is not null',
])

/** Throw `INVALID_ARGUMENT` for malformed read options (before any I/O). */
export const checkReadOptions = (o: ReadOptions): void => {
  const bad = (message: string, path: (string | number)[]): never => {
    throw new KeelError('INVALID_ARGUMENT', message, { path })
  }
  if (o.limit !== undefined && !(Number.isSafeInteger(o.limit) && o.limit >= 0)) {
    bad(`limit must be a non-negative integer, got ${o.limit}`, ['limit'])
  }
  if (o.chunkRows !== undefined && !(Number.isSafeInteger(o.chunkRows) && o.chunkRows > 0)) {
    bad(`chunkRows must be a positive integer, got ${o.chunkRows}`, ['chunkRows'])
  }
  o.where?.forEach((w, i) => {
    if (!OPS.has(w.op)) bad(`unknown operator "${w.op}"`, ['where', i, 'op'])
    const list = w.op === 'in' || w.op === 'not in'
    const none = w.op === 'is null' || w.op === 'is not null'
    if (list && !(Array.isArray(w.value) && w.value.length > 0)) {
      bad(`"${w.op}" needs a non-empty array value`, ['where', i, 'value'])
    }
    if (!list && !none && (w.value === undefined || Array.isArray(w.value))) {
      bad(`"${w.op}" needs a single value`, ['where', i, 'value'])
    }
  })
  const s = o.sample
  if (s && 'rows' in s && !(Number.isSafeInteger(s.rows) && s.rows >= 0)) {
    bad(`sample.rows must be a non-negative integer`, ['sample', 'rows'])
  }
  if (s && 'fraction' in s && !(s.fraction >= 0 && s.fraction <= 1)) {
    bad(`sample.fraction must be in [0, 1]`, ['sample', 'fraction'])
  }
}

/** `where` as SQL over quoted identifiers with numbered parameters, starting at `$first`. */
export const whereSql = (
  where: readonly WherePredicate[],
  quote: (identifier: string) => string,
  first: number,
): { sql: string; params: (string | number | boolean)[] } => {
  const params: (string | number | boolean)[] = []
  const next = (v: string | number | boolean): string => {
    params.push(v)
    return `$${first + params.length - 1}`
  }
  const parts = where.map((w) => {
    const col = quote(w.column)
    switch (w.op) {
      case 'is null':
        return `${col} IS NULL`
      case 'is not null':
        return `${col} IS NOT NULL`
      case 'in':
      case 'not in':
        return `${col} ${w.op === 'in' ? 'IN' : 'NOT IN'} (${(w.value as (string | number)[]).map(next).join(', ')})`
      case '=':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return `${col} ${w.op === '!=' ? '<>' : w.op} ${next(w.value as string | number | boolean)}`
    }
  })
  return { sql: parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '', params }
}

/**
 * `where` with numbers compared against timestamp columns turned into ISO-8601 instants, so epoch
 * milliseconds work as bounds whatever the engine's timestamp type.
 */
export const instantsInWhere = (
  where: readonly WherePredicate[],
  isTimestamp: (column: string) => boolean,
): WherePredicate[] =>
  where.map((w) => {
    if (!isTimestamp(w.column)) return w
    const iso = (v: string | number): string | number =>
      typeof v === 'number' ? new Date(v).toISOString() : v
    if (Array.isArray(w.value)) return { ...w, value: w.value.map(iso) }
    return typeof w.value === 'number' ? { ...w, value: iso(w.value) } : w
  })

/** Throw `CANCELLED` when the signal fired. */
export const throwIfAborted = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new KeelError('CANCELLED', 'the read was cancelled')
}
