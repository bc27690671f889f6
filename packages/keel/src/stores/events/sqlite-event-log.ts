import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { KeelError } from '@keel/core'
import { loadSqlite, openSqliteFile, type SqliteDatabase } from '../drivers.js'
import { INSERT_EVENT, startSqliteWriterThread } from './sqlite-writer-thread.js'
import {
  DEFAULT_SCAN_LIMIT,
  type EventLog,
  type EventPage,
  type EventScan,
  type KeelEvent,
  type RemovalNote,
} from './types.js'

/** Options of {@link openSqliteEventLog}. */
export interface SqliteEventLogOptions {
  /**
   * How long one append waits for another writer's lock before failing (ms). Kept short on
   * purpose: better-sqlite3 waits synchronously, so a long wait would stall the service's event
   * loop; the event writer retries a failed append with backoff instead.
   */
  readonly busyTimeoutMs?: number
  /**
   * Insert on a worker thread (default for a file; `:memory:` is always inline): the service's
   * event loop then only serializes events, and a wait on another writer's lock blocks the thread,
   * not the requests. Inline appends run on the caller's thread.
   */
  readonly writerThread?: boolean
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keel_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL CHECK (kind IN ('prediction', 'label')),
  time       INTEGER NOT NULL,
  model      TEXT,
  body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS keel_events_time ON keel_events (time);
CREATE TRIGGER IF NOT EXISTS keel_events_no_update BEFORE UPDATE ON keel_events
  BEGIN SELECT RAISE(ABORT, 'keel_events is append-only'); END;
CREATE TABLE IF NOT EXISTS keel_event_removals (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  policy     TEXT NOT NULL,
  archive    TEXT,
  removed    INTEGER,
  active     INTEGER NOT NULL DEFAULT 1
);
DROP TRIGGER IF EXISTS keel_events_no_delete;
CREATE TRIGGER keel_events_no_delete BEFORE DELETE ON keel_events
  WHEN NOT EXISTS (SELECT 1 FROM keel_event_removals WHERE active = 1)
  BEGIN SELECT RAISE(ABORT, 'keel_events is append-only (events leave it only through retention)'); END;
CREATE TRIGGER IF NOT EXISTS keel_event_removals_no_delete BEFORE DELETE ON keel_event_removals
  BEGIN SELECT RAISE(ABORT, 'keel_event_removals is append-only'); END;
`

/** Most events one removal transaction deletes (each is recorded in `keel_event_removals`). */
const REMOVAL_CHUNK = 2000

/** The default location of the embedded event log inside a workspace. */
export const sqliteEventLogPath = (workspace: string): string =>
  join(workspace, '.keel', 'events.db')

/**
 * The embedded event log: one append-only SQLite table in WAL mode (readers never block the
 * writer). Updates are refused by a trigger, and so are deletes, except inside a retention removal:
 * `remove` records the removal in `keel_event_removals` (when, the policy, the archive, how many),
 * marked active only within its own transaction, and the delete trigger lets rows go only while
 * such a record is active. An append is one transaction, so a batch is stored whole or not at all,
 * and `INSERT OR IGNORE` on the event id makes retries idempotent.
 */
export const openSqliteEventLog = (file: string, options: SqliteEventLogOptions = {}): EventLog => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const busyTimeoutMs = options.busyTimeoutMs ?? 20
  const db: SqliteDatabase = openSqliteFile(loadSqlite('The SQLite event log'), file, {
    timeoutMs: busyTimeoutMs,
    what: `the event log at ${file}`,
  })
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec(SCHEMA)
  } catch (e) {
    db.close()
    throw new KeelError(
      'UNAVAILABLE',
      `cannot open the event log at ${file}: ${(e as Error).message}`,
      {
        cause: e,
      },
    )
  }
  const thread =
    file !== ':memory:' && (options.writerThread ?? true)
      ? startSqliteWriterThread(file, busyTimeoutMs)
      : null
  const insert = db.prepare(INSERT_EVENT)
  const appendAll = db.transaction((events: readonly KeelEvent[]) => {
    for (const e of events) insert.run(e.id, e.kind, e.time, e.model ?? null, JSON.stringify(e))
  })
  const pageStats = db.prepare(
    'SELECT page_count * page_size - freelist_count * page_size AS used FROM pragma_page_count(), pragma_page_size(), pragma_freelist_count()',
  )
  const startRemoval = db.prepare(
    'INSERT INTO keel_event_removals (at, policy, archive) VALUES (?, ?, ?) RETURNING id',
  )
  const deleteSeq = db.prepare('DELETE FROM keel_events WHERE seq = ?')
  const endRemoval = db.prepare(
    'UPDATE keel_event_removals SET removed = ?, active = 0 WHERE id = ?',
  )
  const removeAll = db.transaction((seqs: readonly number[], note: RemovalNote): number => {
    const { id } = startRemoval.get(note.at, note.policy, note.archive ?? null) as { id: number }
    let removed = 0
    for (const seq of seqs) removed += Number(deleteSeq.run(seq).changes)
    endRemoval.run(removed, id)
    return removed
  })
  const firstInRange = db.prepare(
    'SELECT min(seq) AS seq FROM keel_events WHERE time >= ? AND time < ?',
  )
  /**
   * Where the first page of a time-bounded scan starts: just before the first event in the range,
   * found once through the time index, so a scan of a recent window skips the older log.
   */
  const firstSeq = (query: EventScan): number => {
    if (query.from === undefined) return 0
    const row = firstInRange.get(query.from, query.to ?? Number.MAX_SAFE_INTEGER) as {
      seq: number | null
    }
    // Nothing in the range: start past the end (an empty page, as a full scan would give).
    return row.seq === null ? Number.MAX_SAFE_INTEGER : row.seq - 1
  }
  let closed = false
  const open = (): void => {
    if (closed) throw new KeelError('UNAVAILABLE', 'the event log is closed')
  }
  const failed = (e: unknown): KeelError =>
    e instanceof KeelError
      ? e
      : new KeelError('UNAVAILABLE', `event log append failed: ${(e as Error).message}`, {
          cause: e,
        })
  return {
    backend: 'sqlite',
    append(events) {
      try {
        open()
        if (events.length === 0) return Promise.resolve()
        if (thread) return thread.append(events).catch((e: unknown) => Promise.reject(failed(e)))
        appendAll(events)
        return Promise.resolve()
      } catch (e) {
        return Promise.reject(failed(e))
      }
    },
    scan(query: EventScan = {}): Promise<EventPage> {
      try {
        open()
        const where: string[] = []
        const args: (string | number)[] = []
        const add = (sql: string, ...values: (string | number)[]): void => {
          where.push(sql)
          args.push(...values)
        }
        add('seq > ?', query.after === undefined ? firstSeq(query) : Number(query.after))
        // `+time` keeps the planner off the time index: a page is read in seq order from the
        // cursor and stops at the limit. Through the time index, every page would collect and
        // sort the whole remaining time range (quadratic over a paged scan).
        if (query.from !== undefined) add('+time >= ?', query.from)
        if (query.to !== undefined) add('+time < ?', query.to)
        if (query.kinds)
          add(`kind IN (${query.kinds.map(() => '?').join(', ') || 'NULL'})`, ...query.kinds)
        if (query.model !== undefined) add('(model IS NULL OR model = ?)', query.model)
        const limit = query.limit ?? DEFAULT_SCAN_LIMIT
        const rows = db
          .prepare(
            `SELECT seq, body FROM keel_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
          )
          .all(...args, limit + 1) as { seq: number; body: string }[]
        // One row of lookahead tells whether the end was reached.
        const done = rows.length <= limit
        if (!done) rows.pop()
        const events = rows.map((r) => JSON.parse(r.body) as KeelEvent)
        const last = rows[rows.length - 1]
        const cursor = last ? String(last.seq) : (query.after ?? null)
        const page = { events, cursor, done }
        return Promise.resolve(
          query.withPositions ? { ...page, positions: rows.map((r) => String(r.seq)) } : page,
        )
      } catch (e) {
        return Promise.reject(
          e instanceof KeelError
            ? e
            : new KeelError('UNAVAILABLE', `event log scan failed: ${(e as Error).message}`, {
                cause: e,
              }),
        )
      }
    },
    usedBytes() {
      try {
        open()
        return Promise.resolve((pageStats.get() as { used: number }).used)
      } catch (e) {
        return Promise.reject(failed(e))
      }
    },
    remove(positions, note) {
      try {
        open()
        const seqs = positions.map(Number)
        // Chunks keep each write lock short next to a serving process's appends; retention is
        // not on a request path, so it may wait for the lock longer than an append does.
        db.pragma('busy_timeout = 5000')
        let removed = 0
        try {
          for (let i = 0; i < seqs.length; i += REMOVAL_CHUNK)
            removed += removeAll(seqs.slice(i, i + REMOVAL_CHUNK), note)
        } finally {
          db.pragma(`busy_timeout = ${busyTimeoutMs}`)
        }
        return Promise.resolve(removed)
      } catch (e) {
        return Promise.reject(
          e instanceof KeelError
            ? e
            : new KeelError('UNAVAILABLE', `event log removal failed: ${(e as Error).message}`, {
                cause: e,
              }),
        )
      }
    },
    async close() {
      if (closed) return
      closed = true
      await thread?.close()
      db.close()
    },
  }
}
