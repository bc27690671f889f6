import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as netServer, connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSqlite } from '../stores/drivers.js'
import { afterAll, describe, expect, it } from 'vitest'
import { openNatsEventLog } from '../stores/events/nats-event-log.js'
import { openSqliteEventLog, sqliteEventLogPath } from '../stores/events/sqlite-event-log.js'
import { readEvents, type EventLog, type KeelEvent } from '../stores/events/index.js'
import type { EventLogAlert } from '../stores/events/event-writer.js'
import { postJson, toyServer } from './test-support/harness.js'
import { toyRow } from './test-support/toy-bundle.js'
import type { PredictResponse } from './predict/response.js'

/**
 * Kill the event sink in the middle of a load run and bring it back: every event the log
 * acknowledged must be there afterwards, and every answered prediction is either stored or
 * counted as dropped (and alerted). Nothing disappears silently.
 */

const NATS_SERVER = '/usr/sbin/nats-server'

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = netServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

const waitForPort = async (port: number, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = netConnect(port, '127.0.0.1')
      c.once('connect', () => (c.destroy(), resolve(true)))
      c.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listening on ${port}`)
}

/** Wraps a log and remembers the ids of every event whose append resolved. */
const acknowledging = (log: EventLog): EventLog & { acked: Set<string> } => {
  const acked = new Set<string>()
  return {
    backend: log.backend,
    acked,
    async append(events) {
      await log.append(events)
      for (const e of events) acked.add(e.id)
    },
    scan: (q) => log.scan(q),
    usedBytes: () => log.usedBytes(),
    remove: (positions, note) => log.remove(positions, note),
    close: () => log.close(),
  }
}

/** Drive predictions for `ms`, calling `during` part-way; returns the answered prediction ids. */
const loadRun = async (
  server: Awaited<ReturnType<typeof toyServer>>['server'],
  ms: number,
  during: () => Promise<void>,
): Promise<string[]> => {
  const answered: string[] = []
  let stop = false
  const worker = async (): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const res = await postJson(server, '/v1/models/flights/predict', {
        rows: [toyRow(i), toyRow(i + 1)],
      })
      expect(res.status).toBe(200) // the sink's outage never reaches the caller
      answered.push(...((await res.json()) as PredictResponse).predictions.map((p) => p.id))
      await new Promise((r) => setImmediate(r))
    }
  }
  const workers = Array.from({ length: 4 }, worker)
  await during()
  await new Promise((r) => setTimeout(r, ms))
  stop = true
  await Promise.all(workers)
  return answered
}

const storedIds = async (log: EventLog): Promise<Set<string>> => {
  const ids = new Set<string>()
  for await (const e of readEvents(log, { kinds: ['prediction'] }) as AsyncIterable<KeelEvent>)
    ids.add(e.id)
  return ids
}

describe('event sink outage during load', () => {
  const cleanup: (() => void | Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c()
  })

  it('NATS: kill -9 and restart the JetStream server; no acknowledged event is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-nats-'))
    const port = await freePort()
    let proc: ChildProcess | null = null
    const startNats = async (): Promise<void> => {
      proc = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
        stdio: 'ignore',
      })
      await waitForPort(port)
    }
    const killNats = async (): Promise<void> => {
      const p = proc!
      const exited = new Promise((r) => p.once('exit', r))
      p.kill('SIGKILL')
      await exited
    }
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    cleanup.push(() => void (proc?.exitCode === null && proc.kill('SIGKILL')))
    await startNats()
    const url = `nats://127.0.0.1:${port}`
    const log = acknowledging(
      await openNatsEventLog({ servers: url, stream: 'OUTAGE', publishTimeoutMs: 500 }),
    )
    const alerts: EventLogAlert[] = []
    const { server } = await toyServer({
      eventLog: log,
      onAlert: (a) => alerts.push(a),
      eventWriter: { flushIntervalMs: 5, batchSize: 200, retry: { initialMs: 20, maxMs: 200 } },
    })
    const answered = await loadRun(server, 600, async () => {
      await new Promise((r) => setTimeout(r, 300))
      await killNats()
      await new Promise((r) => setTimeout(r, 700))
      await startNats()
    })
    await server.close() // flushes, then closes the log
    const stats = server.events!.stats()
    expect(alerts.map((a) => a.kind)).toContain('sink_failing')
    expect(alerts.map((a) => a.kind)).toContain('sink_recovered')

    const reader = await openNatsEventLog({ servers: url, stream: 'OUTAGE' })
    cleanup.push(() => reader.close())
    const stored = await storedIds(reader)
    for (const id of log.acked) expect(stored.has(id)).toBe(true)
    // Each answered prediction is stored or was counted as dropped; the outage fit in the buffer.
    expect(stats.dropped).toBe(0)
    expect(answered.every((id) => stored.has(id))).toBe(true)
    expect(stored.size).toBe(answered.length)
    expect(stats.failures).toBeGreaterThan(0)
  }, 60_000)

  it('SQLite: another connection holds the write lock; small buffer overflows; every drop is counted and alerted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-sqlite-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = sqliteEventLogPath(dir)
    const log = acknowledging(openSqliteEventLog(file, { busyTimeoutMs: 2 }))
    const alerts: EventLogAlert[] = []
    const { server } = await toyServer({
      eventLog: log,
      onAlert: (a) => alerts.push(a),
      eventWriter: { capacity: 40, flushIntervalMs: 5, retry: { initialMs: 10, maxMs: 50 } },
    })
    const Database = loadSqlite('the lock-holding connection of this test')
    const locker = new Database(file)
    cleanup.push(() => void (locker.open && locker.close()))
    const answered = await loadRun(server, 300, async () => {
      await new Promise((r) => setTimeout(r, 100))
      locker.exec('BEGIN EXCLUSIVE')
      await new Promise((r) => setTimeout(r, 500))
      locker.exec('COMMIT')
    })
    await server.close()
    const stats = server.events!.stats()
    const reader = openSqliteEventLog(file)
    const stored = await storedIds(reader)
    await reader.close()
    for (const id of log.acked) expect(stored.has(id)).toBe(true)
    expect(stats.failures).toBeGreaterThan(0)
    expect(stats.dropped).toBeGreaterThan(0) // 500 ms of load does not fit in 40 events
    expect(stored.size + stats.dropped).toBe(answered.length)
    const alerted = alerts
      .filter((a) => a.kind === 'events_dropped')
      .reduce((s, a) => s + a.dropped!, 0)
    expect(alerted).toBe(stats.dropped)
    expect(alerts.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['sink_failing', 'sink_recovered', 'events_dropped']),
    )
    expect((await server.app.request('/healthz')).status).toBe(200)
  }, 60_000)
})
