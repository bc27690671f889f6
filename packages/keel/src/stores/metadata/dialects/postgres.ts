/**
 * The scale-out metadata backend: PostgreSQL through `pg`, loaded on demand. Every connection of the
 * pool sets `search_path` to one schema, so several Keel workspaces (or parallel test runs) can share
 * a database, and BIGINT columns (epoch milliseconds, sizes, steps) come back as numbers, as they do
 * from SQLite.
 */
import { PostgresDialect, type Dialect } from 'kysely'
import { KeelError } from '@keel/core'
import { importPg, type ModuleImporter } from '../../drivers.js'

const INT8_OID = 20
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/

/** Options for {@link createPostgresDialect}. */
export interface PostgresDialectOptions {
  /** `postgres://user[:password]@host[:port]/database`. */
  readonly url: string
  /** Schema holding Keel's tables; created when missing (default `public`). */
  readonly schema?: string
  /** Give up connecting after this long (default 5000 ms). */
  readonly connectTimeoutMs?: number
  /** Pool size (default 10). */
  readonly maxConnections?: number
  /** Replaces `import()` (tests simulate a missing driver with it). */
  readonly importer?: ModuleImporter
}

/** A URL safe to print: the password removed. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url)
    u.password = ''
    return u.toString()
  } catch {
    return '<unparseable postgres url>'
  }
}

const hostOf = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`
  } catch {
    return '<unknown host>'
  }
}

/** Validate a schema name; it ends up in `search_path`, so only plain identifiers are allowed. */
export const checkSchemaName = (schema: string): string => {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `schema name "${schema}" must be a lowercase identifier (letters, digits, _; at most 63)`,
      { path: ['schema'] },
    )
  }
  return schema
}

/**
 * Connect to PostgreSQL (loading `pg` on demand), check that the server answers, make sure the schema
 * exists, and return a Kysely dialect whose connections all use that schema.
 *
 * @throws KeelError MISSING_DEPENDENCY without `pg`; UNAVAILABLE when the server cannot be reached or
 *   refuses the connection (the message names the host, never the password).
 */
export const createPostgresDialect = async (options: PostgresDialectOptions): Promise<Dialect> => {
  const schema = checkSchemaName(options.schema ?? 'public')
  const pg = await importPg('The PostgreSQL metadata store', options.importer)
  const parseInt8 = (value: string): number | string => {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : value
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    options: `-c search_path=${schema}`,
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
    },
  })
  // An idle connection that dies (server restart) is dropped from the pool; the next query opens a
  // new one. Without a listener the error would crash the process.
  pool.on('error', () => undefined)
  const host = hostOf(options.url)
  try {
    const client = await pool.connect()
    try {
      await client.query(`create schema if not exists "${schema}"`, [])
    } catch (e) {
      // Another process may create the schema at the same moment; only a schema that is still
      // missing afterwards is an error.
      const found = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_namespace where nspname = $1',
        [schema],
      )
      if (found.rows[0]?.n !== 1) throw e
    } finally {
      client.release()
    }
  } catch (e) {
    await pool.end().catch(() => undefined)
    if (e instanceof KeelError) throw e
    const message = e instanceof Error ? e.message : String(e)
    throw new KeelError('UNAVAILABLE', `PostgreSQL at ${host} is not available: ${message}`, {
      details: { host, url: redactUrl(options.url), pgCode: (e as { code?: unknown }).code },
      hint: 'check KEEL_DATABASE_URL and that the server is running',
      cause: e,
    })
  }
  return new PostgresDialect({ pool })
}
