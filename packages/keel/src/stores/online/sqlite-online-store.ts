import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { loadSqlite, openSqliteFile } from '../drivers.js'
import {
  checkNamespace,
  closedError,
  expiryOf,
  isLive,
  type OnlineEntry,
  type OrderedEntry,
  type OnlineStore,
} from './online-store.js'

/** Options of {@link openSqliteOnlineStore}. */
export interface SqliteOnlineStoreOptions {
  /**
   * How long a write waits for another process's lock (ms). Kept short: better-sqlite3 waits
   * synchronously, and a serving process would rather compute than stall.
   */
  readonly busyTimeoutMs?: number
}

/** The default location of the embedded online store inside a workspace. */
export const sqliteOnlineStorePath = (workspace: string): string =>
  join(workspace, '.keel', 'online.db')

// `event_time` / `known_time` hold the order of monotone writes (NULL for plain writes). Stores
// created before they existed gain them on open.
const SCHEMA = `CREATE TABLE IF NOT EXISTS keel_online (
  namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER,
  event_time REAL, known_time REAL,
  PRIMARY KEY (namespace, key)) WITHOUT ROWID`

/** The embedded online store: one SQLite table in WAL mode keyed by (namespace, key). */
export const openSqliteOnlineStore = (
  file: string,
  options: SqliteOnlineStoreOptions = {},
): OnlineStore => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = openSqliteFile(loadSqlite('The SQLite online store'), file, {
    timeoutMs: options.busyTimeoutMs ?? 20,
    what: `the online store at ${file}`,
  })
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(SCHEMA)
  const columns = (db.prepare('PRAGMA table_info(keel_online)').all() as { name: string }[]).map(
    (c) => c.name,
  )
  if (!columns.includes('event_time')) {
    db.exec('ALTER TABLE keel_online ADD COLUMN event_time REAL')
    db.exec('ALTER TABLE keel_online ADD COLUMN known_time REAL')
  }
  const get = db.prepare(
    'SELECT value, expires_at FROM keel_online WHERE namespace = ? AND key = ?',
  )
  const put = db.prepare(
    'INSERT OR REPLACE INTO keel_online (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)',
  )
  // One statement per entry: the comparison and the write are atomic. A stored entry is replaced
  // when it is expired, has no order, or is strictly older.
  const putNewer = db.prepare(
    `INSERT INTO keel_online (namespace, key, value, expires_at, event_time, known_time)
     VALUES (@ns, @key, @value, @exp, @e, @k)
     ON CONFLICT (namespace, key) DO UPDATE SET
       value = excluded.value, expires_at = excluded.expires_at,
       event_time = excluded.event_time, known_time = excluded.known_time
     WHERE (keel_online.expires_at IS NOT NULL AND keel_online.expires_at <= @now)
        OR keel_online.event_time IS NULL
        OR excluded.event_time > keel_online.event_time
        OR (excluded.event_time = keel_online.event_time
            AND excluded.known_time > keel_online.known_time)`,
  )
  const putNewerAll = db.transaction(
    (
      namespace: string,
      entries: readonly OrderedEntry[],
      expiresAt: number | null,
      now: number,
    ): number => {
      let written = 0
      for (const [key, value, e, k] of entries) {
        written += Number(
          putNewer.run({ ns: namespace, key, value, exp: expiresAt, e, k, now }).changes,
        )
      }
      return written
    },
  )
  const del = db.prepare('DELETE FROM keel_online WHERE namespace = ? AND key = ?')
  const putAll = db.transaction(
    (namespace: string, entries: readonly OnlineEntry[], expiresAt: number | null) => {
      for (const [k, v] of entries) put.run(namespace, k, v, expiresAt)
    },
  )
  const deleteAll = db.transaction((namespace: string, keys: readonly string[]) => {
    for (const k of keys) del.run(namespace, k)
  })
  let closed = false
  const ready = (namespace: string): void => {
    if (closed) throw closedError()
    checkNamespace(namespace)
  }
  return {
    backend: 'sqlite',
    async getMany(namespace, keys, options = {}) {
      ready(namespace)
      const now = options.now ?? Date.now()
      return keys.map((k) => {
        const row = get.get(namespace, k) as
          { value: string; expires_at: number | null } | undefined
        return row && isLive(row.expires_at, now) ? row.value : undefined
      })
    },
    async setMany(namespace, entries, options = {}) {
      ready(namespace)
      putAll(namespace, entries, expiryOf(options))
    },
    async getAcross(refs, options = {}) {
      if (closed) throw closedError()
      const now = options.now ?? Date.now()
      return refs.map(([namespace, k]) => {
        checkNamespace(namespace)
        const row = get.get(namespace, k) as
          { value: string; expires_at: number | null } | undefined
        return row && isLive(row.expires_at, now) ? row.value : undefined
      })
    },
    async setNewer(namespace, entries, options = {}) {
      ready(namespace)
      return putNewerAll(namespace, entries, expiryOf(options), options.now ?? Date.now())
    },
    async deleteMany(namespace, keys) {
      ready(namespace)
      deleteAll(namespace, keys)
    },
    async close() {
      if (closed) return
      closed = true
      if (db.open) db.close()
    },
  }
}
