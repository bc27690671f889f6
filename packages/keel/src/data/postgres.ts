import { KeelError, parseInstant, type ColumnKind, type Frame } from '@keel/core'
import { importPg, type PgClient } from '../stores/drivers.js'
import { createBuilders, NumberBuilder, takeFrame, type ColumnBuilder } from './frame-builder.js'
import {
  DEFAULT_CHUNK_ROWS,
  instantsInWhere,
  throwIfAborted,
  whereSql,
  type ReadOptions,
} from './read-options.js'
import type { PostgresSourceSpec } from './source.js'

/** Seconds to wait for a PostgreSQL server before reporting it unavailable. */
const CONNECT_TIMEOUT_MS = 3000
/** Rows per FETCH from the server-side cursor. */
const FETCH_ROWS = 8192

const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700])
const BOOLEAN_OID = 16
const TIMESTAMP_OIDS = new Set([1082, 1114, 1184])
/** json, jsonb, xml and array types: read as text. */
const TEXT_OIDS = new Set([
  114, 142, 3802, 1000, 1005, 1007, 1009, 1015, 1016, 1021, 1022, 1115, 1182, 1185, 1231, 199, 3807,
])

/** The Keel kind of a PostgreSQL type OID (unknown types, e.g. enums, are categorical). */
export const kindOfOid = (oid: number, want?: ColumnKind): ColumnKind => {
  if (NUMERIC_OIDS.has(oid)) return 'numeric'
  if (oid === BOOLEAN_OID) return 'boolean'
  if (TIMESTAMP_OIDS.has(oid)) return 'timestamp'
  if (want === 'text' || (want !== 'categorical' && TEXT_OIDS.has(oid))) return 'text'
  return 'categorical'
}

const hostOf = (url: string): string => {
  try {
    const u = new URL(url)
    return `${u.hostname}${u.port ? `:${u.port}` : ''}`
  } catch {
    throw new KeelError('INVALID_ARGUMENT', 'the PostgreSQL URL is not a valid URL', {
      path: ['postgres', 'url'],
    })
  }
}

/** Connect with a short timeout; a server that does not answer is `UNAVAILABLE` naming the host. */
export const connect = async (url: string): Promise<PgClient> => {
  const host = hostOf(url)
  if (!/^postgres(ql)?:$/.test(new URL(url).protocol)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'a PostgreSQL URL starts with postgres:// or postgresql://',
      {
        path: ['postgres', 'url'],
      },
    )
  }
  const pg = await importPg('Reading PostgreSQL')
  // Every value arrives as its text form and is parsed here, so timestamps without a time zone
  // are read as UTC (pg's default would use the machine's zone) and int8/numeric become numbers.
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: { getTypeParser: () => (v: string) => v },
  })
  try {
    await client.connect()
  } catch (e) {
    await client.end().catch(() => undefined)
    const err = e as { code?: string; message?: string }
    if (err.code === '3D000') {
      throw new KeelError('NOT_FOUND', `PostgreSQL at ${host}: ${err.message}`, {
        details: { host },
        cause: e,
      })
    }
    throw new KeelError(
      'UNAVAILABLE',
      `PostgreSQL at ${host} did not answer (${err.code ?? err.message ?? 'error'})`,
      {
        details: { host, reason: err.message },
        cause: e,
      },
    )
  }
  client.on('error', () => undefined)
  return client
}

export const pgError = (e: unknown, what: string): KeelError => {
  if (e instanceof KeelError) return e
  const err = e as { code?: string; message?: string }
  const msg = `${what}: ${err.message ?? String(e)}`
  const code = err.code ?? ''
  if (code === '42P01') return new KeelError('NOT_FOUND', msg, { cause: e })
  if (code === '42703') return new KeelError('SCHEMA_MISMATCH', msg, { cause: e })
  if (code === '42501') return new KeelError('UNAUTHORIZED', msg, { cause: e })
  if (code === '25006') {
    return new KeelError('INVALID_ARGUMENT', `${what}: sources are read-only (${err.message})`, {
      cause: e,
    })
  }
  // Classes 08 (connection) and 57 (operator intervention): the server went away.
  return code.startsWith('08') || code.startsWith('57')
    ? new KeelError('UNAVAILABLE', msg, { cause: e })
    : new KeelError('INVALID_ARGUMENT', msg, { cause: e })
}

const parseCell = (kind: ColumnKind, s: string, column: string): number => {
  switch (kind) {
    case 'boolean':
      return s === 't' ? 1 : 0
    case 'timestamp': {
      if (s === 'infinity') return Infinity
      if (s === '-infinity') return -Infinity
      const t = parseInstant(s)
      if (t === undefined) {
        throw new KeelError('INVALID_DATA', `column "${column}": cannot read timestamp "${s}"`, {
          path: [column],
        })
      }
      return t
    }
    case 'numeric':
    case 'categorical':
    case 'text':
      return Number(s)
  }
}

const nameOf = (src: PostgresSourceSpec['postgres']): string =>
  'table' in src ? `table ${src.schema ? `${src.schema}.` : ''}${src.table}` : 'query'

/** The SQL of the source: the table with quoted identifiers, or the query (without a final `;`). */
const baseSql = (client: PgClient, src: PostgresSourceSpec['postgres']): string => {
  const quote = (id: string): string => client.escapeIdentifier(id)
  return 'table' in src
    ? `SELECT * FROM ${src.schema ? `${quote(src.schema)}.` : ''}${quote(src.table)}`
    : src.query.trim().replace(/;\s*$/, '')
}

/** Names and type OIDs of the source's columns, from an empty result. */
const fieldsOf = async (
  client: PgClient,
  base: string,
  what: string,
): Promise<{ name: string; dataTypeID: number }[]> => {
  try {
    const r = await client.query({
      text: `SELECT * FROM (${base}) AS keel_src LIMIT 0`,
      rowMode: 'array',
    })
    return r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }))
  } catch (e) {
    throw pgError(e, what)
  }
}

/** Columns of a PostgreSQL source with their type names and Keel kinds, without reading rows. */
export const describePostgres = async (
  spec: PostgresSourceSpec,
  kinds: Readonly<Record<string, ColumnKind>> = {},
): Promise<{ name: string; kind: ColumnKind; sourceType: string }[]> => {
  const client = await connect(spec.postgres.url)
  try {
    const fields = await fieldsOf(client, baseSql(client, spec.postgres), nameOf(spec.postgres))
    const oids = [...new Set(fields.map((f) => f.dataTypeID))]
    const types = await client.query<{ oid: string; name: string }>(
      'SELECT oid::text AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])',
      [oids],
    )
    const names = new Map(types.rows.map((r) => [Number(r.oid), r.name]))
    return fields.map((f) => ({
      name: f.name,
      kind: kindOfOid(f.dataTypeID, kinds[f.name]),
      sourceType: names.get(f.dataTypeID) ?? `oid ${f.dataTypeID}`,
    }))
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Stream a PostgreSQL table or query through a server-side cursor, in a read-only transaction. */
export async function* readPostgresChunks(
  spec: PostgresSourceSpec,
  options: ReadOptions = {},
): AsyncGenerator<Frame> {
  const src = spec.postgres
  const client = await connect(src.url)
  const what = nameOf(src)
  try {
    const quote = (id: string): string => client.escapeIdentifier(id)
    const base = baseSql(client, src)
    const fields = await fieldsOf(client, base, what)
    const available = fields.map((f) => f.name)
    const wanted = options.columns ?? available
    const referenced = [...wanted, ...(options.where ?? []).map((w) => w.column)]
    const missing = [...new Set(referenced.filter((c) => !available.includes(c)))]
    if (missing.length > 0) {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        `${what} has no column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
        {
          path: missing,
          details: { available },
        },
      )
    }
    const kinds = wanted.map((name) =>
      kindOfOid(fields.find((f) => f.name === name)!.dataTypeID, options.kinds?.[name]),
    )
    const isTimestamp = (c: string): boolean =>
      fields.some((f) => f.name === c && TIMESTAMP_OIDS.has(f.dataTypeID))
    const filter = whereSql(instantsInWhere(options.where ?? [], isTimestamp), quote, 1)
    const params: unknown[] = [...filter.params]
    let limit = ''
    if (options.limit !== undefined) {
      params.push(options.limit)
      limit = ` LIMIT $${params.length}`
    }
    const sql = `SELECT ${wanted.map(quote).join(', ')} FROM (${base}) AS keel_src${filter.sql}${limit}`
    const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS
    const builders: ColumnBuilder[] = createBuilders(
      kinds,
      wanted.map((n) => options.kinds?.[n] !== undefined),
      Math.min(chunkRows, 1 << 20),
    )
    try {
      await client.query('BEGIN READ ONLY')
      await client.query(`DECLARE keel_cursor NO SCROLL CURSOR FOR ${sql}`, params)
    } catch (e) {
      throw pgError(e, what)
    }
    let done = 0
    let emitted = 0
    for (;;) {
      throwIfAborted(options.signal)
      let rows: (string | null)[][]
      try {
        rows = (
          await client.query<(string | null)[]>({
            text: `FETCH FORWARD ${FETCH_ROWS} FROM keel_cursor`,
            rowMode: 'array',
          })
        ).rows
      } catch (e) {
        throw pgError(e, what)
      }
      if (rows.length === 0) break
      builders.forEach((b, j) => {
        const name = wanted[j]!
        if (b instanceof NumberBuilder) {
          b.reserve(rows.length)
          for (const r of rows) {
            const s = r[j]
            b.values[b.size++] = s === null || s === undefined ? NaN : parseCell(b.kind, s, name)
          }
        } else for (const r of rows) b.push(r[j] ?? null)
      })
      done += rows.length
      if ((builders[0]?.size ?? 0) >= chunkRows) {
        yield takeFrame(wanted, builders, emitted++ === 0)
        options.onProgress?.({ done })
      }
    }
    await client.query('COMMIT')
    if (emitted === 0 || (builders[0]?.size ?? 0) > 0) {
      yield takeFrame(wanted, builders, emitted++ === 0)
      options.onProgress?.({ done })
    }
  } finally {
    await client.end().catch(() => undefined)
  }
}
