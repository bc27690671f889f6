import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openSqliteEventLog, sqliteEventLogPath } from './sqlite-event-log.js'
import { describeEventLogConformance, predictionEvent } from './test-support/conformance.js'

describeEventLogConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
  const log = openSqliteEventLog(sqliteEventLogPath(dir))
  return Promise.resolve({
    log,
    dispose: async () => {
      await log.close()
      rmSync(dir, { recursive: true, force: true })
    },
  })
})

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

  it('fails an append fast, as UNAVAILABLE, while another connection holds the write lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-events-'))
    const file = sqliteEventLogPath(dir)
    try {
      const log = openSqliteEventLog(file, { busyTimeoutMs: 5 })
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
