/**
 * The embedded metadata backend: one SQLite file through better-sqlite3, with the settings a
 * multi-process workspace needs — WAL (readers never block the writer), foreign keys enforced, a busy
 * timeout (a second process waits for the write lock instead of failing) and `BEGIN IMMEDIATE` for
 * every transaction, so a transaction takes the write lock up front and cannot fail half-way when it
 * upgrades from reading to writing.
 */
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely'
import {
  importSqlite,
  openSqliteFile,
  type ModuleImporter,
  type SqliteDatabase,
} from '../../drivers.js'

/** A driver whose transactions start with `BEGIN IMMEDIATE`. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

/**
 * SQLite runs DDL inside transactions; saying so makes Kysely's migrator run all pending migrations
 * in one `BEGIN IMMEDIATE` transaction, which also serializes two processes migrating at once.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

/** Kysely's SQLite dialect with the driver and adapter above (a dialect is four factories). */
class KeelSqliteDialect implements Dialect {
  readonly #database: SqliteDatabase
  constructor(database: SqliteDatabase) {
    this.#database = database
  }
  createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database })
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler()
  }
  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db)
  }
}

/** Options for {@link createSqliteDialect}. */
export interface SqliteDialectOptions {
  /** Database file, or `:memory:`. The directory must exist. */
  readonly filename: string
  /** How long a writer waits for another process's lock before failing (default 5000 ms). */
  readonly busyTimeoutMs?: number
  /** Replaces `import()` (tests simulate a missing driver with it). */
  readonly importer?: ModuleImporter
}

/** Open the SQLite file (loading better-sqlite3 on demand) and return a Kysely dialect over it. */
export const createSqliteDialect = async (options: SqliteDialectOptions): Promise<Dialect> => {
  const Database = await importSqlite('The embedded (SQLite) metadata store', options.importer)
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000
  const database = openSqliteFile(Database, options.filename, {
    timeoutMs: busyTimeoutMs,
    what: `the SQLite database ${options.filename}`,
  })
  database.pragma('journal_mode = WAL')
  // NORMAL is durable across process crashes in WAL mode; a power cut may lose the last commits but
  // never corrupts the file, and artifacts are fsynced before any row points at them.
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
  return new KeelSqliteDialect(database)
}
