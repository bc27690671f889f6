import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { KeelError } from '@keel/core'
import { createEventWriter, type EventLogAlert } from './event-writer.js'
import { createMemoryEventLog } from './memory-event-log.js'
import { predictionEvent } from '../conformance/event-fixtures.js'
import type { EventLog } from './types.js'

/** A memory log whose appends fail while `down` is true. */
const flakyLog = (): EventLog & {
  down: boolean
  attempts: number
  inner: ReturnType<typeof createMemoryEventLog>
} => {
  const inner = createMemoryEventLog()
  const log = {
    backend: 'flaky',
    down: false,
    attempts: 0,
    inner,
    async append(events: Parameters<EventLog['append']>[0]) {
      log.attempts++
      if (log.down) throw new KeelError('UNAVAILABLE', 'sink is down')
      await inner.append(events)
    },
    scan: inner.scan,
    usedBytes: inner.usedBytes,
    remove: inner.remove,
    close: inner.close,
  }
  return log
}

const events = (n: number, prefix = 'r') =>
  Array.from({ length: n }, (_, i) => predictionEvent(`${prefix}${i}`, 0, i))

describe('createEventWriter', () => {
  it('buffers off the caller path and writes everything in batches', async () => {
    const log = createMemoryEventLog()
    const w = createEventWriter(log, { batchSize: 7, flushIntervalMs: 1 })
    expect(w.push(events(20))).toBe(20)
    expect(log.all()).toHaveLength(0) // nothing written synchronously
    expect(await w.flush()).toBe(true)
    expect(log.all().map((e) => e.id)).toEqual(events(20).map((e) => e.id))
    expect(w.stats()).toMatchObject({ depth: 0, written: 20, dropped: 0, failures: 0 })
    await w.close()
  })

  it('flushes on its own after the interval', async () => {
    const log = createMemoryEventLog()
    const w = createEventWriter(log, { flushIntervalMs: 5 })
    w.push(events(3))
    await new Promise((r) => setTimeout(r, 40))
    expect(log.all()).toHaveLength(3)
    await w.close()
  })

  it('retries a failing sink with backoff and alerts on failure and recovery', async () => {
    const log = flakyLog()
    const alerts: EventLogAlert[] = []
    const w = createEventWriter(log, {
      flushIntervalMs: 1,
      retry: { initialMs: 2, maxMs: 10 },
      onAlert: (a) => alerts.push(a),
    })
    log.down = true
    w.push(events(5))
    await new Promise((r) => setTimeout(r, 50))
    expect(log.attempts).toBeGreaterThan(2)
    expect(w.stats()).toMatchObject({ depth: 5, written: 0, failing: true })
    log.down = false
    expect(await w.flush(2000)).toBe(true)
    expect(log.inner.all()).toHaveLength(5)
    expect(alerts.map((a) => a.kind)).toEqual(['sink_failing', 'sink_recovered'])
    expect(w.stats().failures).toBe(log.attempts - 1)
    await w.close()
  })

  it('counts and alerts every event dropped when the buffer is full (drop-newest)', async () => {
    const log = flakyLog()
    const alerts: EventLogAlert[] = []
    const w = createEventWriter(log, {
      capacity: 10,
      alertIntervalMs: 1000,
      onAlert: (a) => alerts.push(a),
    })
    log.down = true
    expect(w.push(events(8, 'a'))).toBe(8)
    expect(w.push(events(8, 'b'))).toBe(2)
    expect(w.push(events(5, 'c'))).toBe(0)
    expect(w.stats()).toMatchObject({ depth: 10, dropped: 11 })
    log.down = false
    await w.close()
    const drops = alerts.filter((a) => a.kind === 'events_dropped')
    // The first drop is reported at once; the rest inside the interval are added up and reported at close.
    expect(drops.reduce((s, a) => s + a.dropped!, 0)).toBe(11)
    expect(drops[0]!.dropped).toBe(1)
    expect(log.inner.all().map((e) => e.id)).toEqual(
      [...events(8, 'a'), ...events(2, 'b')].map((e) => e.id),
    )
  })

  it('keeps the newest events under drop-oldest', async () => {
    const log = flakyLog()
    log.down = true
    const w = createEventWriter(log, {
      capacity: 4,
      overflow: 'drop-oldest',
      flushIntervalMs: 10_000,
    })
    w.push(events(6))
    log.down = false
    await w.close()
    expect(log.inner.all().map((e) => e.id)).toEqual(['r2:0', 'r3:0', 'r4:0', 'r5:0'])
  })

  it('counts what it could not flush by the close deadline as dropped, with an alert', async () => {
    const log = flakyLog()
    const alerts: EventLogAlert[] = []
    log.down = true
    const w = createEventWriter(log, {
      retry: { initialMs: 1, maxMs: 5 },
      onAlert: (a) => alerts.push(a),
    })
    w.push(events(4))
    await w.close(50)
    expect(w.stats()).toMatchObject({ depth: 0, written: 0, dropped: 4 })
    expect(alerts.at(-1)).toMatchObject({ kind: 'events_dropped', dropped: 4, reason: 'shutdown' })
    expect(w.push(events(1))).toBe(0)
    expect(w.stats().dropped).toBe(5)
  })

  test.prop(
    [
      fc.array(fc.record({ n: fc.integer({ min: 0, max: 30 }), down: fc.boolean() }), {
        maxLength: 12,
      }),
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom('drop-newest' as const, 'drop-oldest' as const),
    ],
    { numRuns: 40 },
  )(
    'accounts for every event: pushed = written + dropped, nothing written twice',
    async (steps, capacity, overflow) => {
      const log = flakyLog()
      const w = createEventWriter(log, {
        capacity,
        overflow,
        batchSize: 5,
        flushIntervalMs: 0,
        retry: { initialMs: 0, maxMs: 1 },
      })
      let pushed = 0
      for (const [i, s] of steps.entries()) {
        log.down = s.down
        w.push(events(s.n, `s${i}-`))
        pushed += s.n
        await new Promise((r) => setImmediate(r))
      }
      log.down = false
      await w.close(2000)
      const stored = log.inner.all()
      const st = w.stats()
      expect(st.written + st.dropped).toBe(pushed)
      expect(stored).toHaveLength(st.written)
      expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length)
    },
  )
})

describe('createEventWriter: durable pushes', () => {
  it('resolves only once the log acknowledged the events, and shares appends (group commit)', async () => {
    const log = flakyLog()
    // A long interval: a durable push must not wait for it.
    const w = createEventWriter(log, { flushIntervalMs: 60_000 })
    let stored = false
    const first = w.pushDurable(events(2, 'a')).then(() => {
      stored = log.inner.all().some((e) => e.id === 'a1:0')
      return stored
    })
    // Pushed in the same tick: they go in the same append as the first.
    const rest = Array.from({ length: 8 }, (_, i) => w.pushDurable(events(3, `b${i}-`)))
    expect(await first).toBe(true)
    await Promise.all(rest)
    expect(log.inner.all()).toHaveLength(2 + 8 * 3)
    expect(log.attempts).toBe(1)
    await w.close()
  })

  it('rejects when the events are dropped (buffer full) or not stored in time', async () => {
    const log = flakyLog()
    log.down = true
    const w = createEventWriter(log, { capacity: 3, retry: { initialMs: 5, maxMs: 5 } })
    const waiting = w.pushDurable(events(2, 'a'), 10_000)
    await expect(w.pushDurable(events(2, 'b'))).rejects.toThrow(/buffer is full/)
    await expect(w.pushDurable(events(1, 'c'), 30)).rejects.toThrow(/not stored within 30 ms/)
    log.down = false
    await waiting
    expect(log.inner.all().map((e) => e.id)).toContain('a1:0')
    await w.close()
  })

  it('rejects what is still waiting when the writer closes before it could store it', async () => {
    const log = flakyLog()
    log.down = true
    const w = createEventWriter(log, { retry: { initialMs: 5, maxMs: 5 } })
    const waiting = w.pushDurable(events(2), 60_000)
    await w.close(50)
    await expect(waiting).rejects.toThrow(/not flushed at shutdown/)
    expect(w.stats().dropped).toBe(2)
  })
})
