/**
 * The one place that loads a database or messaging driver (better-sqlite3, pg, ioredis, the NATS
 * client). The embedded path must never load `pg`, and a PostgreSQL-only deployment must not need the
 * native `better-sqlite3` build, so each backend loads its driver the first time it is used and turns
 * "not installed" into a MISSING_DEPENDENCY error with the command that fixes it.
 *
 * Drivers are typed structurally (Kysely's way): each interface below lists only the methods Keel
 * calls, so no other file depends on a driver's own type declarations.
 */
import { createRequire } from 'node:module'
import type { PostgresPool } from 'kysely'
import { KeelError } from '@keel/core'

/** Imports a module by name; replaceable in tests to simulate a missing package. */
export type ModuleImporter = (name: string) => Promise<unknown>

// A function (not a literal `import('pg')` at each call site) so that bundlers and tests can swap it.
const defaultImporter: ModuleImporter = (name) => import(name)

// better-sqlite3 is a dependency of `keel` and several of its backends open synchronously.
const requireDriver = createRequire(import.meta.url)

const isModuleNotFound = (e: unknown, name: string): boolean => {
  if (typeof e !== 'object' || e === null) return false
  const code = (e as { code?: unknown }).code
  const message = String((e as { message?: unknown }).message ?? '')
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (message.includes(`'${name}'`) || message.includes(`"${name}"`))
  )
}

const missing = (name: string, purpose: string, cause: unknown, hint = `npm install ${name}`) =>
  new KeelError('MISSING_DEPENDENCY', `${purpose} needs the "${name}" package`, {
    hint,
    details: { package: name },
    cause,
  })

/**
 * Import the optional package `name` (needed for `purpose`), or throw MISSING_DEPENDENCY with an
 * install hint. Errors other than "package not found" (a broken install) propagate unchanged.
 */
export const importOptional = async (
  name: string,
  purpose: string,
  importer: ModuleImporter = defaultImporter,
): Promise<unknown> => {
  try {
    return await importer(name)
  } catch (e) {
    if (!isModuleNotFound(e, name)) throw e
    throw missing(name, purpose, e)
  }
}

/** The default export of an ES module namespace or a CommonJS module imported through ESM. */
export const defaultExport = <T>(mod: unknown): T =>
  ((mod as { default?: unknown }).default ?? mod) as T

// ---------------------------------------------------------------------------------------------
// better-sqlite3

/** A prepared statement (the part of better-sqlite3's `Statement` Keel uses). */
export interface SqliteStatement {
  readonly reader: boolean
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  iterate(...params: unknown[]): IterableIterator<unknown>
}

/** An open SQLite connection (the part of better-sqlite3's `Database` Keel uses). */
export interface SqliteDatabase {
  readonly open: boolean
  prepare(sql: string): SqliteStatement
  exec(sql: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  /** Wrap `fn` so that each call runs in one transaction. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R
  close(): unknown
}

/** better-sqlite3's `Database` constructor. */
export type SqliteConstructor = new (
  filename: string,
  options?: { timeout?: number },
) => SqliteDatabase

const SQLITE = 'better-sqlite3'

/** Load better-sqlite3 synchronously (constructors of embedded backends are synchronous). */
export const loadSqlite = (purpose: string): SqliteConstructor => {
  try {
    return defaultExport<SqliteConstructor>(requireDriver(SQLITE))
  } catch (e) {
    if (!isModuleNotFound(e, SQLITE)) throw e
    throw missing(SQLITE, purpose, e)
  }
}

/** Load better-sqlite3 through `importer` (tests simulate a missing package with it). */
export const importSqlite = async (
  purpose: string,
  importer: ModuleImporter = defaultImporter,
): Promise<SqliteConstructor> =>
  defaultExport<SqliteConstructor>(await importOptional(SQLITE, purpose, importer))

/** Where better-sqlite3 is installed, for a worker thread that must `require` the same build. */
export const sqliteDriverPath = (): string => requireDriver.resolve(SQLITE)

/**
 * Open `file` with `Database`, reporting a package installed without its native build as
 * MISSING_DEPENDENCY (with the rebuild command) and any other failure as UNAVAILABLE.
 */
export const openSqliteFile = (
  Database: SqliteConstructor,
  file: string,
  /** `what` names the database in messages, e.g. `the event log at <file>`. */
  options: { readonly timeoutMs: number; readonly what: string },
): SqliteDatabase => {
  try {
    return new Database(file, { timeout: options.timeoutMs })
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    if (/bindings|\.node\b|NODE_MODULE_VERSION/.test(message)) {
      throw new KeelError('MISSING_DEPENDENCY', `${SQLITE} is installed without its native build`, {
        hint: `npm rebuild ${SQLITE}`,
        cause: e,
      })
    }
    throw new KeelError('UNAVAILABLE', `cannot open ${options.what}: ${message}`, {
      path: [file],
      cause: e,
    })
  }
}

// ---------------------------------------------------------------------------------------------
// pg

/** One query's answer. */
export interface PgQueryResult<R> {
  readonly rows: R[]
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[]
}

/** A single connection (the part of pg's `Client` Keel uses). */
export interface PgClient {
  connect(): Promise<void>
  end(): Promise<void>
  on(event: 'error', listener: (e: Error) => void): unknown
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<PgQueryResult<R>>
  query<R = unknown[]>(config: { text: string; rowMode: 'array' }): Promise<PgQueryResult<R>>
  escapeIdentifier(identifier: string): string
}

/** A connection pool, as Kysely drives it. */
export interface PgPool extends PostgresPool {
  on(event: 'error', listener: (e: Error) => void): unknown
}

/** The `pg` module. */
export interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPool
  Client: new (config: Record<string, unknown>) => PgClient
  types: { getTypeParser: (oid: number, format?: string) => (value: string) => unknown }
}

/** Load `pg` on demand, for `purpose`. */
export const importPg = async (
  purpose: string,
  importer: ModuleImporter = defaultImporter,
): Promise<PgModule> => defaultExport<PgModule>(await importOptional('pg', purpose, importer))

// ---------------------------------------------------------------------------------------------
// ioredis

/** A batch of commands sent together (the part of ioredis' `Pipeline` Keel uses). */
export interface RedisPipeline {
  set(key: string, value: string, ...args: (string | number)[]): RedisPipeline
  del(...keys: string[]): RedisPipeline
  /** Run a Lua script (EVAL) as part of the batch. */
  eval(script: string, numKeys: number, ...args: (string | number)[]): RedisPipeline
  exec(): Promise<[error: Error | null, result: unknown][] | null>
}

/** A Redis connection (the part of ioredis' `Redis` Keel uses). */
export interface RedisClient {
  connect(): Promise<void>
  disconnect(): void
  quit(): Promise<unknown>
  mget(keys: string[]): Promise<(string | null)[]>
  pipeline(): RedisPipeline
  scan(cursor: string, ...args: (string | number)[]): Promise<[cursor: string, keys: string[]]>
  del(...keys: string[]): Promise<number>
}

/** ioredis' `Redis` constructor. */
export type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClient

/** Load ioredis on demand, for `purpose`. */
export const importRedis = async (
  purpose: string,
  importer: ModuleImporter = defaultImporter,
): Promise<RedisConstructor> => {
  const mod = await importOptional('ioredis', purpose, importer)
  return (mod as { Redis?: RedisConstructor }).Redis ?? defaultExport<RedisConstructor>(mod)
}

// ---------------------------------------------------------------------------------------------
// NATS JetStream

/** A NATS connection (the part of `@nats-io/transport-node`'s `NatsConnection` Keel uses). */
export interface NatsConnection {
  close(): Promise<void>
  drain(): Promise<void>
}

/** `@nats-io/transport-node`. */
export interface NatsTransport {
  connect(options: {
    servers: string | string[]
    name?: string
    maxReconnectAttempts?: number
    reconnectTimeWait?: number
    timeout?: number
  }): Promise<NatsConnection>
  /** Milliseconds as the nanoseconds the server's configuration wants. */
  nanos(ms: number): number
}

/** A message read from a stream. */
export interface JetStreamMessage {
  readonly seq: number
  readonly info: { readonly pending: number }
  json<T>(): T
}

/** An ordered consumer. */
export interface JetStreamConsumer {
  info(cached?: boolean): Promise<{ readonly num_pending: number }>
  fetch(options: {
    max_messages: number
    expires: number
  }): Promise<AsyncIterable<JetStreamMessage>>
  delete(): Promise<boolean>
}

/** Publishing and consuming. */
export interface JetStreamClient {
  publish(
    subject: string,
    data: Uint8Array,
    options: { msgID: string; timeout: number },
  ): Promise<unknown>
  readonly consumers: {
    get(stream: string, options: Record<string, unknown>): Promise<JetStreamConsumer>
  }
}

/** Stream administration. */
export interface JetStreamManager {
  readonly streams: {
    info(name: string): Promise<unknown>
    add(config: Record<string, unknown>): Promise<unknown>
    delete(name: string): Promise<boolean>
    deleteMessage(stream: string, seq: number, erase?: boolean): Promise<boolean>
    purge(stream: string, options?: { seq: number }): Promise<{ purged: number }>
  }
}

/** `@nats-io/jetstream`. */
export interface NatsJetStream {
  jetstreamManager(nc: NatsConnection): Promise<JetStreamManager>
  jetstream(nc: NatsConnection): JetStreamClient
  readonly StorageType: { readonly File: string }
  readonly DeliverPolicy: {
    readonly All: string
    readonly StartSequence: string
    readonly StartTime: string
  }
}

/** Load the NATS client packages on demand, for `purpose`. */
export const importNats = async (
  purpose: string,
  importer: ModuleImporter = defaultImporter,
): Promise<{ transport: NatsTransport; jetstream: NatsJetStream }> => {
  const [transport, jetstream] = await Promise.all([
    importOptional('@nats-io/transport-node', purpose, importer),
    importOptional('@nats-io/jetstream', purpose, importer),
  ])
  return { transport: transport as NatsTransport, jetstream: jetstream as NatsJetStream }
}
