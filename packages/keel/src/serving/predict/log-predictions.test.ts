import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadSqlite } from '../../stores/drivers.js'
import { KeelError } from '@keel/core'
import {
  createMemoryEventLog,
  readEvents,
  type EventLog,
  type PredictionEvent,
} from '../../stores/events/index.js'
import { openSqliteEventLog, sqliteEventLogPath } from '../../stores/events/sqlite-event-log.js'
import { postJson, toyServer } from '../test-support/harness.js'
import { toyRow } from '../test-support/toy-bundle.js'
import type { KeelServer } from '../server-types.js'
import type { PredictionLogOptions } from './log-predictions.js'

/**
 * What a client sends cannot grow the prediction log by more than a bound per row: only the
 * bundle's declared inputs are logged, and inputs over `maxEventBytes` are replaced by a marker.
 * Driven through a real socket with 1 MB requests, as an attacker without a token would.
 */

const Database = loadSqlite('the prediction-log size tests')

/** A 1-row body of about 1 MB: the toy model's three inputs plus 999 junk fields of 1000 chars. */
const junkBody = (i: number): string => {
  const row: Record<string, unknown> = { ...toyRow(i) }
  const junk = 'x'.repeat(1000)
  for (let f = 0; Object.keys(row).length < 1000; f++) row[`junk_${i}_${f}`] = junk
  return JSON.stringify({ row })
}

const servers: KeelServer[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const sqliteServer = async (
  log?: PredictionLogOptions,
): Promise<{ server: KeelServer; url: string; file: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-log-size-'))
  dirs.push(dir)
  const file = sqliteEventLogPath(dir)
  const { server } = await toyServer({
    eventLog: openSqliteEventLog(file),
    ...(log ? { log } : {}),
  })
  servers.push(server)
  const { url } = await server.listen({ port: 0 })
  return { server, url, file }
}

const post = async (url: string, body: string): Promise<Response> =>
  fetch(`${url}/v1/models/flights/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })

const storedBodies = (file: string): { count: number; bytes: number; max: number } => {
  const db = new Database(file)
  try {
    return db
      .prepare(
        'SELECT count(*) AS count, coalesce(sum(length(body)), 0) AS bytes, coalesce(max(length(body)), 0) AS max FROM keel_events',
      )
      .get() as { count: number; bytes: number; max: number }
  } finally {
    db.close()
  }
}

/** A whole file's size with its WAL, i.e. what the log takes on disk. */
const diskBytes = (file: string): number =>
  [file, `${file}-wal`].reduce((s, f) => {
    try {
      return s + statSync(f).size
    } catch {
      return s
    }
  }, 0)

describe('prediction log size through the socket', () => {
  it('logs only declared inputs: 1 MB requests with junk fields add a few hundred bytes each', async () => {
    const { server, url, file } = await sqliteServer()
    const before = diskBytes(file)
    const n = 24
    for (let i = 0; i < n; i++) {
      const body = junkBody(i)
      expect(body.length).toBeGreaterThan(1_000_000)
      const res = await post(url, body)
      expect(res.status).toBe(200)
    }
    await server.close() // flushes the log
    const stored = storedBodies(file)
    expect(stored.count).toBe(n)
    // An event is ids, model, version, three inputs and the output: well under 1 KiB, whatever
    // the request carried (before, each body held the whole 1 MB row).
    expect(stored.max).toBeLessThan(1024)
    // The file grows by pages, not rows; 64 KiB per event is the documented bound and far above.
    expect(diskBytes(file) - before).toBeLessThan(n * 64 * 1024)

    const log = openSqliteEventLog(file)
    const events: PredictionEvent[] = []
    for await (const e of readEvents(log, { kinds: ['prediction'] }))
      events.push(e as PredictionEvent)
    await log.close()
    expect(Object.keys(events[0]!.inputs).sort()).toEqual(['distance', 'hour', 'origin'])
    expect(events[0]!.inputs).toEqual(toyRow(0))
    expect(events.every((e) => e.droppedFields === 997)).toBe(true)
  }, 60_000)

  it('replaces declared inputs over maxEventBytes by a marker, counted in /metrics', async () => {
    const { server, url, file } = await sqliteServer({ maxEventBytes: 2048 })
    const big: Record<string, unknown> = { ...toyRow(1), origin: 'Z'.repeat(9000), extra: 1 }
    const small = toyRow(2)
    expect((await post(url, JSON.stringify({ rows: [big, small] }))).status).toBe(200)
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(/^keel_prediction_log_truncated_total 1$/m)
    expect(metrics).toMatch(/^keel_prediction_log_dropped_fields_total 1$/m)
    await server.close()
    const log = openSqliteEventLog(file)
    const events: PredictionEvent[] = []
    for await (const e of readEvents(log)) events.push(e as PredictionEvent)
    await log.close()
    expect(events).toHaveLength(2)
    // JSON of the three inputs: 9000 Z's plus the other fields and punctuation.
    expect(events[0]!.inputs).toEqual({})
    expect(events[0]!.inputsTruncated).toEqual({
      bytes: Buffer.byteLength(
        JSON.stringify({ distance: big.distance, hour: big.hour, origin: big.origin }),
      ),
      fields: 3,
    })
    expect(events[0]!.droppedFields).toBe(1)
    expect(events[0]!.output).toBeDefined()
    expect(events[1]!.inputs).toEqual(small)
    expect(events[1]!.inputsTruncated).toBeUndefined()
    expect(storedBodies(file).max).toBeLessThan(2048 + 1024)
  })
})

describe('durable prediction log', () => {
  it('answers only once the event is stored, and 503 when it cannot be stored in time', async () => {
    const stored = createMemoryEventLog()
    let down = false
    const log: EventLog = {
      ...stored,
      backend: 'switchable',
      append: (events) =>
        down ? Promise.reject(new KeelError('UNAVAILABLE', 'down')) : stored.append(events),
    }
    const { server } = await toyServer({
      eventLog: log,
      // A long flush interval: only the durable path can have written the event by answer time.
      eventWriter: { flushIntervalMs: 60_000, retry: { initialMs: 5, maxMs: 5 } },
      log: { durable: true, durableTimeoutMs: 200 },
    })
    servers.push(server)
    const ok = await postJson(server, '/v1/models/flights/predict', { row: toyRow(1) })
    expect(ok.status).toBe(200)
    const { request_id } = (await ok.json()) as { request_id: string }
    expect(stored.all().map((e) => e.id)).toEqual([`${request_id}:0`])

    down = true
    const refused = await postJson(server, '/v1/models/flights/predict', { row: toyRow(2) })
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE')
    down = false
  })
})
