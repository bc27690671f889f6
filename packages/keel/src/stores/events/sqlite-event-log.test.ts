import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSqlite } from '../drivers.js'
import { describe, expect, it } from 'vitest'
import { openSqliteEventLog, sqliteEventLogPath } from './sqlite-event-log.js'
import { labelEvent, predictionEvent } from '../conformance/event-fixtures.js'
import { eventLogConformance } from '../conformance/event-log-suite.js'
import { vitestHost } from '../test-support/run-conformance.js'

const Database = loadSqlite('The event log tests')

for (const writerThread of [true, false]) {
  eventLogConformance(vitestHost, `sqlite (${writerThread ? 'writer thread' : 'inline'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
    const log = openSqliteEventLog(sqliteEventLogPath(dir), { writerThread })
    return Promise.resolve({
      log,
      dispose: async () => {
        await log.close()
        rmSync(dir, { recursive: true, force: true })
      },
    })
  })
}

describe('openSqliteEventLog', () => {
  it('keeps the table append-only and the log durable across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
    const file = sqliteEventLogPath(dir)
    try {
      const log = openSqliteEventLog(file)
      await log.append([predictionEvent('a', 0, 1)])
      await log.close()
      const db = new Database(file)
      expect(() => db.exec('DELETE FROM keel_events')).toThrow(/append-only/)
      expect(() => db.exec("UPDATE keel_events SET model = 'x'")).toThrow(/append-only/)
      db.close()
      const again = openSqliteEventLog(file)
      expect((await again.scan()).events.map((e) => e.id)).toEqual(['a:0'])
      await again.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('deletes only through a recorded retention removal; a direct DELETE is still refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
    const file = sqliteEventLogPath(dir)
    try {
      const log = openSqliteEventLog(file)
      await log.append([predictionEvent('a', 0, 1), predictionEvent('b', 0, 2)])
      const page = await log.scan({ withPositions: true })
      const note = { at: 123, policy: 'max-age 30d', archive: '/tmp/a.parquet' }
      expect(await log.remove([page.positions![0]!], note)).toBe(1)
      await log.close()
      const db = new Database(file)
      expect(
        db.prepare('SELECT at, policy, archive, removed, active FROM keel_event_removals').all(),
      ).toEqual([
        { at: 123, policy: 'max-age 30d', archive: '/tmp/a.parquet', removed: 1, active: 0 },
      ])
      expect(() => db.exec('DELETE FROM keel_events')).toThrow(/append-only/)
      expect(() => db.exec('DELETE FROM keel_event_removals')).toThrow(/append-only/)
      expect(db.prepare('SELECT id FROM keel_events').all()).toEqual([{ id: 'b:0' }])
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([true, false])(
    'fails an append fast, as UNAVAILABLE, while another connection holds the write lock (writer thread: %s)',
    async (writerThread) => {
      const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
      const file = sqliteEventLogPath(dir)
      try {
        const log = openSqliteEventLog(file, { busyTimeoutMs: 5, writerThread })
        const other = new Database(file)
        other.exec('BEGIN EXCLUSIVE')
        await expect(log.append([predictionEvent('b', 0, 1)])).rejects.toMatchObject({
          code: 'UNAVAILABLE',
        })
        other.exec('ROLLBACK')
        other.close()
        await log.append([predictionEvent('b', 0, 1)])
        expect((await log.scan()).events).toHaveLength(1)
        await log.close()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it('refuses appends after close, and a closed log can be reopened with every event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
    const file = sqliteEventLogPath(dir)
    try {
      const log = openSqliteEventLog(file)
      const batches = Array.from({ length: 20 }, (_, b) =>
        Array.from({ length: 50 }, (_, i) => predictionEvent(`r${b}`, i, b)),
      )
      // Appends still in flight when close is called are committed before the thread ends.
      const appends = batches.map((batch) => log.append(batch))
      await log.close()
      await Promise.all(appends)
      await expect(log.append([predictionEvent('late', 0, 1)])).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      })
      const again = openSqliteEventLog(file)
      const page = await again.scan({ limit: 5000 })
      expect(page.events).toHaveLength(1000)
      expect(page.events[0]).toEqual(batches[0]![0])
      await again.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('stores the same row from the writer thread as inline, newlines and all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
    try {
      // Newlines, separators and non-ASCII text in ids, models and inputs: the batch crosses to
      // the thread with one body per line, so none of these may split or shift a row.
      const events = [
        predictionEvent('a\nb', 0, 5, { model: 'm\n1' }),
        { ...predictionEvent('c', 1, 6), inputs: { origin: 'S\nF\r\u2028O', note: '\\n é 🛫' } },
        labelEvent('l\n', 7, { label: 'on\ntime' }),
      ]
      const rows = async (writerThread: boolean): Promise<unknown[]> => {
        const file = join(dir, `${writerThread}.db`)
        const log = openSqliteEventLog(file, { writerThread })
        await log.append(events)
        expect((await log.scan()).events).toEqual(events)
        // A batch longer than the thread's multi-row statements, with ids taken earlier in the
        // same batch (and across statements): each repeat is ignored, the first one kept.
        const repeats = Array.from({ length: 170 }, (_, i) => predictionEvent(`d${i % 70}`, 0, i))
        await log.append(repeats)
        expect((await log.scan({ after: '3', limit: 500 })).events).toEqual(repeats.slice(0, 70))
        await log.close()
        const db = new Database(file)
        const out = db.prepare('SELECT seq, id, kind, time, model, body FROM keel_events').all()
        db.close()
        return out
      }
      const threaded = await rows(true)
      expect(threaded).toHaveLength(73)
      expect(threaded).toEqual(await rows(false))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('pages a time-bounded scan in append order when times arrive out of order', async () => {
    const log = openSqliteEventLog(':memory:')
    // Times deliberately not in append order (a replay or a backfill appends like this).
    const times = [50, 10, 70, 30, 90, 20, 60, 40, 80, 0]
    await log.append(times.map((t, i) => predictionEvent(`e${i}`, 0, t)))
    const seen: string[] = []
    let after: string | undefined
    for (;;) {
      const page = await log.scan({ from: 20, to: 80, limit: 2, ...(after ? { after } : {}) })
      seen.push(...page.events.map((e) => e.id))
      if (page.done) break
      after = page.cursor!
    }
    const expected = times.flatMap((t, i) => (t >= 20 && t < 80 ? [`e${i}:0`] : []))
    expect(seen).toEqual(expected)
    expect((await log.scan({ from: 1000 })).events).toEqual([])
    await log.close()
  })
})
