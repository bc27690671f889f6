import { Worker } from 'node:worker_threads'
import { sqliteDriverPath } from '../drivers.js'
import type { KeelEvent } from './types.js'

/** The insert every append runs, inline or on the writer thread. */
export const INSERT_EVENT =
  'INSERT OR IGNORE INTO keel_events (id, kind, time, model, body) VALUES (?, ?, ?, ?, ?)'

/**
 * A SQLite connection on a worker thread that inserts batches of events, one transaction per batch.
 * `append` resolves once the batch is committed and rejects with the driver's message otherwise
 * (a held write lock fails after the busy timeout, as inline).
 */
export interface SqliteWriterThread {
  append(events: readonly KeelEvent[]): Promise<void>
  /** Close the connection and end the thread; appends still waiting are refused. */
  close(): Promise<void>
}

// The thread's code. It is plain JavaScript given to the Worker as text, so the same code runs
// from the compiled package and from TypeScript sources (tests, benchmarks), with no file to find.
// It requires the driver by the path drivers.ts resolved, so both threads use the same build.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs })
db.pragma('synchronous = NORMAL')
const insert = db.prepare(workerData.insert)
// Full chunks of a batch go in one statement of many rows (fewer calls into SQLite per row);
// the rows of a VALUES list are inserted in order, each ignored on its own if its id is taken.
const CHUNK = 50
const insertChunk = db.prepare(workerData.insert + ', (?, ?, ?, ?, ?)'.repeat(CHUNK - 1))
const args = new Array(CHUNK * 5)
const appendAll = db.transaction((meta, bodies) => {
  let i = 0
  for (; i + CHUNK <= meta.length; i += CHUNK) {
    for (let j = 0; j < CHUNK; j++) {
      const m = meta[i + j]
      const k = j * 5
      args[k] = m[0]
      args[k + 1] = m[1]
      args[k + 2] = m[2]
      args[k + 3] = m[3]
      args[k + 4] = bodies[i + j]
    }
    insertChunk.run(args)
  }
  for (; i < meta.length; i++) {
    const m = meta[i]
    insert.run(m[0], m[1], m[2], m[3], bodies[i])
  }
})
parentPort.on('message', (m) => {
  if (m.close) {
    db.close()
    parentPort.close()
    return
  }
  try {
    appendAll(JSON.parse(m.meta), m.bodies.split('\\n'))
    parentPort.postMessage({ id: m.id })
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message ? e.message : e) })
  }
})
`

/**
 * A batch as it crosses to the thread: two strings, cheaper for this thread than cloning objects.
 * Each event is serialized once, here, into the body the row stores (the same text as inline);
 * `JSON.stringify` escapes every control character, so a newline can only separate two bodies.
 * `meta` holds the indexed columns of each row: `[id, kind, time, model]`.
 */
const encodeBatch = (events: readonly KeelEvent[]): { meta: string; bodies: string } => {
  const meta: [string, string, number, string | null][] = new Array(events.length)
  const bodies: string[] = new Array<string>(events.length)
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    meta[i] = [e.id, e.kind, e.time, e.model ?? null]
    bodies[i] = JSON.stringify(e)
  }
  return { meta: JSON.stringify(meta), bodies: bodies.join('\n') }
}

interface Pending {
  resolve: () => void
  reject: (e: Error) => void
}

/**
 * Start the writer thread for the database at `file` (whose schema already exists). The thread is
 * only kept referenced while appends are waiting, so an idle log never holds the process open. If
 * the thread dies, waiting appends fail and the next append starts a new thread.
 */
export const startSqliteWriterThread = (
  file: string,
  busyTimeoutMs: number,
): SqliteWriterThread => {
  const driver = sqliteDriverPath()
  const pending = new Map<number, Pending>()
  let nextId = 0
  let worker: Worker | null = null
  let closed = false

  const failAll = (e: Error): void => {
    for (const p of pending.values()) p.reject(e)
    pending.clear()
  }

  const spawn = (): Worker => {
    const w = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { driver, file, busyTimeoutMs, insert: INSERT_EVENT },
    })
    w.unref()
    w.on('message', (m: { id: number; error?: string }) => {
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (pending.size === 0) w.unref()
      if (m.error === undefined) p.resolve()
      else p.reject(new Error(m.error))
    })
    const lost = (e: Error): void => {
      if (worker === w) worker = null
      failAll(e)
    }
    w.on('error', lost)
    w.on('exit', (code) => lost(new Error(`the event-log writer thread exited (${code})`)))
    return w
  }

  return {
    append(events) {
      if (closed) return Promise.reject(new Error('the event log is closed'))
      const w = (worker ??= spawn())
      const id = nextId++
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        w.ref()
        w.postMessage({ id, ...encodeBatch(events) })
      })
    },
    async close() {
      if (closed) return
      closed = true
      const w = worker
      worker = null
      if (!w) return
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      w.ref()
      w.postMessage({ close: true })
      await exited
      failAll(new Error('the event log is closed'))
    },
  }
}
