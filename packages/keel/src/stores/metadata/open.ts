/**
 * Opening the metadata database: SQLite in the workspace by default, PostgreSQL when a `postgres://`
 * URL is given (the platform passes `KEEL_DATABASE_URL`). Opening migrates the schema to the version
 * this Keel knows, so every store built on top can assume its tables exist.
 */
import { mkdirSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { Kysely, Migrator, sql, type Dialect, type Transaction } from 'kysely'
import { KeelError } from '@keel/core'
import { checkSchemaName, createPostgresDialect, redactUrl } from './dialects/postgres.js'
import { createSqliteDialect } from './dialects/sqlite.js'
import { metadataMigrationProvider } from './migrations/index.js'
import type { KeelDatabase, MetadataDialect } from './schema.js'

export type { MetadataDialect }

/**
 * The metadata database, shared by tracking, the registry and whatever else keeps rows. Stores built
 * on it use `db` for reads and {@link MetadataStore.transaction} for every write that touches more
 * than one row.
 */
export interface MetadataStore {
  readonly dialect: MetadataDialect
  /** The typed query builder. Inside `transaction`, use the `trx` it passes instead. */
  readonly db: Kysely<KeelDatabase>
  /** Where the data lives, safe to print (file path, or the URL without its password). */
  readonly location: string
  /** PostgreSQL schema holding the tables (`undefined` on SQLite). */
  readonly schema: string | undefined
  /**
   * Run `fn` in one transaction: all its writes commit together or none do. On SQLite the write lock
   * is taken at the start (`BEGIN IMMEDIATE`); on PostgreSQL use row locks (`forUpdate`) where
   * read-then-write must serialize. Inside `fn`, use only `trx`: on SQLite the connection is held
   * by the transaction, so a query through `db` (or a nested `transaction`) would wait forever.
   */
  transaction<T>(fn: (trx: Transaction<KeelDatabase>) => Promise<T>): Promise<T>
  /** The migrations applied to this database, oldest first. */
  migrations(): Promise<readonly { readonly name: string; readonly executedAt: Date }[]>
  /** Close the connection(s). The store cannot be used afterwards. */
  close(): Promise<void>
}

/** Options for {@link openMetadataStore}. */
export interface OpenMetadataStoreOptions {
  /**
   * Where the metadata lives: empty or absent for `<dir>/.keel/keel.db`; `postgres://…` or
   * `postgresql://…` for PostgreSQL; `sqlite:<path>` for another SQLite file; `sqlite::memory:` for a
   * throw-away in-memory database. Other schemes are refused.
   */
  readonly url?: string | undefined
  /** The workspace directory (default: the current directory). */
  readonly dir?: string | undefined
  /** PostgreSQL schema for Keel's tables (default `public`); created when missing. */
  readonly schema?: string | undefined
  /** PostgreSQL: give up connecting after this long (default 5000 ms). */
  readonly connectTimeoutMs?: number | undefined
  /** PostgreSQL: pool size (default 10). */
  readonly maxConnections?: number | undefined
  /**
   * SQLite: how long a writer waits for another process's lock (default 5000 ms). Opening a file
   * this process has open already shares that connection, and its setting.
   */
  readonly busyTimeoutMs?: number | undefined
}

/** The SQLite file used when no URL is given. */
export const defaultMetadataPath = (dir: string): string => join(resolve(dir), '.keel', 'keel.db')

interface Target {
  readonly kind: MetadataDialect
  readonly location: string
  readonly schema?: string
  /** Same key → one shared connection in this process (SQLite files only). */
  readonly shareKey?: string
  createDialect(): Promise<Dialect>
}

const resolveTarget = (options: OpenMetadataStoreOptions): Target => {
  const url = options.url?.trim() ?? ''
  const dir = options.dir ?? process.cwd()
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const schema = checkSchemaName(options.schema ?? 'public')
    return {
      kind: 'postgres',
      location: redactUrl(url),
      schema,
      createDialect: () =>
        createPostgresDialect({
          url,
          schema,
          ...(options.connectTimeoutMs === undefined
            ? {}
            : { connectTimeoutMs: options.connectTimeoutMs }),
          ...(options.maxConnections === undefined
            ? {}
            : { maxConnections: options.maxConnections }),
        }),
    }
  }
  let filename: string
  if (url === '') {
    filename = defaultMetadataPath(dir)
  } else if (url === 'sqlite::memory:') {
    filename = ':memory:'
  } else if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (path === '') {
      throw new KeelError('INVALID_ARGUMENT', 'sqlite: URL without a file path', { path: ['url'] })
    }
    filename = isAbsolute(path) ? path : resolve(dir, path)
  } else {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'metadata URL must start with postgres://, postgresql:// or sqlite:',
      { path: ['url'], details: { scheme: /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? null } },
    )
  }
  return {
    kind: 'sqlite',
    location: filename,
    ...(filename === ':memory:' ? {} : { shareKey: filename }),
    createDialect: () => {
      if (filename !== ':memory:') {
        // 0700 when created: workspace state is its owner's alone (CVE-2026-4137 was a shared,
        // world-writable directory that let local users tamper with artifacts).
        mkdirSync(dirname(filename), { recursive: true, mode: 0o700 })
      }
      return createSqliteDialect({
        filename,
        ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      })
    },
  }
}

/**
 * Migrate `db` to the latest schema this Keel knows. Run by {@link openMetadataStore}; exposed for
 * tools that manage the database themselves.
 *
 * @throws KeelError CONFLICT when the database was migrated by a newer Keel.
 */
export const migrateMetadata = async (
  db: Kysely<KeelDatabase>,
  dialect: MetadataDialect,
  schema?: string,
): Promise<void> => {
  const migrator = new Migrator({
    db,
    provider: metadataMigrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  })
  const { error } = await migrator.migrateToLatest()
  if (error === undefined) return
  const message = error instanceof Error ? error.message : String(error)
  if (/missing|order/i.test(message)) {
    throw new KeelError('CONFLICT', `the metadata database has an unknown schema: ${message}`, {
      hint: 'it was written by a newer Keel; upgrade Keel',
      cause: error,
    })
  }
  throw new KeelError('INTERNAL', `migrating the metadata database failed: ${message}`, {
    cause: error,
  })
}

/**
 * Open (and migrate) the metadata database.
 *
 * @example
 * const meta = await openMetadataStore({ url: 'postgres://keel@127.0.0.1/keel', dir: projectDir })
 * try { ... } finally { await meta.close() }
 * @throws KeelError INVALID_ARGUMENT for an unknown URL scheme; MISSING_DEPENDENCY when the driver
 *   package is not installed; UNAVAILABLE when PostgreSQL cannot be reached.
 */
export const openMetadataStore = async (
  options: OpenMetadataStoreOptions = {},
): Promise<MetadataStore> => {
  const target = resolveTarget(options)
  const connect = async (): Promise<Kysely<KeelDatabase>> => {
    const db = new Kysely<KeelDatabase>({ dialect: await target.createDialect() })
    try {
      await migrateMetadata(db, target.kind, target.schema)
    } catch (e) {
      await db.destroy()
      throw e
    }
    return db
  }
  const { db, release } = await (target.shareKey === undefined
    ? connect().then((db) => ({ db, release: () => db.destroy() }))
    : acquireShared(target.shareKey, connect))
  let closed = false
  const migrator = (): Migrator =>
    new Migrator({
      db,
      provider: metadataMigrationProvider(target.kind),
      ...(target.schema === undefined ? {} : { migrationTableSchema: target.schema }),
    })
  return {
    dialect: target.kind,
    db,
    location: target.location,
    schema: target.schema,
    transaction: (fn) => db.transaction().execute(fn),
    migrations: async () =>
      (await migrator().getMigrations())
        .filter((m) => m.executedAt !== undefined)
        .map((m) => ({ name: m.name, executedAt: m.executedAt as Date })),
    close: async () => {
      if (closed) return
      closed = true
      await release()
    },
  }
}

/**
 * One connection per SQLite file per process. better-sqlite3 is synchronous: a second connection in
 * the same process that waits for the first one's write lock blocks the thread the first one needs
 * to finish, so both would fail after the busy timeout. Sharing the connection makes writers queue
 * on Kysely's connection mutex instead. Other processes still get their own connection and queue on
 * SQLite's file lock.
 */
const shared = new Map<string, { refs: number; ready: Promise<Kysely<KeelDatabase>> }>()

const acquireShared = async (
  key: string,
  connect: () => Promise<Kysely<KeelDatabase>>,
): Promise<{ db: Kysely<KeelDatabase>; release: () => Promise<void> }> => {
  let entry = shared.get(key)
  if (entry === undefined) {
    const created = { refs: 0, ready: connect() }
    created.ready.catch(() => {
      if (shared.get(key) === created) shared.delete(key)
    })
    shared.set(key, created)
    entry = created
  }
  entry.refs += 1
  const owner = entry
  let db: Kysely<KeelDatabase>
  try {
    db = await owner.ready
  } catch (e) {
    owner.refs -= 1
    throw e
  }
  return {
    db,
    release: async () => {
      owner.refs -= 1
      if (owner.refs > 0) return
      if (shared.get(key) === owner) shared.delete(key)
      // SQLite's advice for a closing connection: refresh the planner statistics that need it
      // (bounded work with analysis_limit), so later searches plan from real row counts.
      await sql`pragma analysis_limit = 1000`.execute(db).catch(() => undefined)
      await sql`pragma optimize`.execute(db).catch(() => undefined)
      await db.destroy()
    },
  }
}
