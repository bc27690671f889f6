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
CREATE TRIGGER IF NOT EXISTS keel_events_no_delete BEFORE DELETE ON keel_events
  BEGIN SELECT RAISE(ABORT, 'keel_events is append-only'); END;
`

/** The default location of the embedded event log inside a workspace. */
export const sqliteEventLogPath = (workspace: string): string =>
  join(workspace, '.keel', 'events.db')

/**
 * The embedded event log: one append-only SQLite table in WAL mode (readers never block the
 * writer). Updates and deletes are refused by triggers; an append is one transaction, so a batch is
 * stored whole or not at all, and `INSERT OR IGNORE` on the event id makes retries idempotent.
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
        return Promise.resolve({ events, cursor, done })
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
    async close() {
      if (closed) return
      closed = true
      await thread?.close()
      db.close()
    },
  }
}
