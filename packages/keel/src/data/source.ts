import { extname, resolve } from 'node:path'
import { z } from 'zod'
import { KeelError } from '@keel/core'

/** File formats read through DuckDB. TSV is CSV with a tab delimiter. */
export type DataFormat = 'csv' | 'parquet' | 'json' | 'ndjson'

/** CSV reader options (passed to DuckDB's `read_csv` as bound parameters). */
export interface CsvOptions {
  /** Field separator; default `,` (`\t` for `.tsv` files). */
  readonly delimiter?: string
  /** First line holds column names; default `true`. */
  readonly header?: boolean
  readonly quote?: string
  readonly escape?: string
  /** Text read as missing, besides empty fields. */
  readonly nullValues?: readonly string[]
  /** strftime-style formats when dates are not ISO-8601. */
  readonly dateFormat?: string
  readonly timestampFormat?: string
  /** Lines to skip before the header. */
  readonly skip?: number
}

/** A file read with DuckDB. `format` is inferred from the extension when absent. */
export interface FileSourceSpec {
  readonly path: string
  readonly format?: DataFormat
  readonly options?: CsvOptions
}

/** A PostgreSQL table (optionally schema-qualified) or a read-only query. */
export interface PostgresSourceSpec {
  readonly postgres:
    | { readonly url: string; readonly table: string; readonly schema?: string }
    | { readonly url: string; readonly query: string }
}

/** Where data comes from: a file or PostgreSQL. */
export type SourceSpec = FileSourceSpec | PostgresSourceSpec

const csvOptionsSchema = z
  .object({
    delimiter: z.string().min(1).max(4).optional(),
    header: z.boolean().optional(),
    quote: z.string().max(1).optional(),
    escape: z.string().max(1).optional(),
    nullValues: z.array(z.string()).optional(),
    dateFormat: z.string().min(1).optional(),
    timestampFormat: z.string().min(1).optional(),
    skip: z.number().int().nonnegative().optional(),
  })
  .strict()

/** The zod schema of a {@link SourceSpec}, for configs and HTTP bodies. */
export const sourceSpecSchema = z.union([
  z
    .object({
      path: z.string().min(1),
      format: z.enum(['csv', 'parquet', 'json', 'ndjson']).optional(),
      options: csvOptionsSchema.optional(),
    })
    .strict(),
  z
    .object({
      postgres: z.union([
        z
          .object({
            url: z.string().min(1),
            table: z.string().min(1),
            schema: z.string().min(1).optional(),
          })
          .strict(),
        z.object({ url: z.string().min(1), query: z.string().min(1) }).strict(),
      ]),
    })
    .strict(),
])

/** True for a PostgreSQL source. */
export const isPostgresSource = (s: SourceSpec): s is PostgresSourceSpec => 'postgres' in s

const EXTENSIONS: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
}
const COMPRESSION = new Set(['.gz', '.zst'])

/** The format of a file from its extension (ignoring `.gz` / `.zst`), or `UNSUPPORTED_FORMAT`. */
export const inferFormat = (path: string): DataFormat => {
  let ext = extname(path).toLowerCase()
  if (COMPRESSION.has(ext)) ext = extname(path.slice(0, -ext.length)).toLowerCase()
  const format = EXTENSIONS[ext]
  if (!format) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `cannot tell the format of "${path}" from its extension`,
      {
        path: ['path'],
        hint: 'set format: csv | parquet | json | ndjson',
        details: { extension: ext, known: Object.keys(EXTENSIONS) },
      },
    )
  }
  return format
}

/** True when the path names a tab-separated file. */
export const isTsv = (path: string): boolean => /\.tsv(\.(gz|zst))?$/i.test(path)

/** An absolute, normalized path (`..` and `.` resolved) relative to `baseDir` (default: cwd). */
export const resolveSourcePath = (path: string, baseDir?: string): string =>
  baseDir === undefined ? resolve(path) : resolve(baseDir, path)

/** A source named for messages, without credentials. */
export const describeSource = (s: SourceSpec): string => {
  if (!isPostgresSource(s)) return s.path
  const pg = s.postgres
  let where = 'postgres'
  try {
    const u = new URL(pg.url)
    where = `postgres://${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`
  } catch {
    // an unparsable URL is reported by the reader; keep the generic name here
  }
  return 'table' in pg
    ? `${where} table ${pg.schema ? `${pg.schema}.` : ''}${pg.table}`
    : `${where} query`
}
