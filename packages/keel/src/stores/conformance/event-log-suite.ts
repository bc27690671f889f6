/**
 * The conformance suite every {@link EventLog} backend must pass: exact round trips in append
 * order, idempotent appends by event id, time/kind/model filters, cursor paging without loss or
 * repetition, refusal after close, and agreement with a reference model on random workloads.
 */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  matchesScan,
  readEvents,
  type EventKind,
  type EventLog,
  type EventScan,
  type KeelEvent,
} from '../events/types.js'
import { labelEvent, predictionEvent } from './event-fixtures.js'
import { rejectsWithCode, type SuiteHost } from './suite-host.js'

/** A fresh, empty log and a way to throw it away. */
export type EventLogFactory = () => Promise<{ log: EventLog; dispose: () => Promise<void> }>

const all = async (log: EventLog, q: Omit<EventScan, 'after'> = {}): Promise<KeelEvent[]> => {
  const out: KeelEvent[] = []
  for await (const e of readEvents(log, q)) out.push(e)
  return out
}

/** A small event spec: equal `key`s make equal ids, so duplicates are common. */
const arbSpec = fc.record({
  key: fc.nat(12),
  label: fc.boolean(),
  t: fc.integer({ min: 0, max: 100 }),
  model: fc.constantFrom('a', 'b'),
})

const fromSpec = (s: { key: number; label: boolean; t: number; model: string }): KeelEvent =>
  s.label
    ? labelEvent(`l${s.key}`, 1_000 + s.t, { predictionId: 'r0:0' })
    : predictionEvent(`r${s.key}`, 0, 1_000 + s.t, { model: s.model })

/**
 * Register the event-log conformance tests for one backend. Runs against real backends only: a
 * skipped backend says why at the call site.
 */
export const eventLogConformance = (
  host: SuiteHost,
  name: string,
  factory: EventLogFactory,
  runs = 25,
): void => {
  host.describe(`EventLog conformance: ${name}`, () => {
    const withLog = async (fn: (log: EventLog) => Promise<void>): Promise<void> => {
      const { log, dispose } = await factory()
      try {
        await fn(log)
      } finally {
        await dispose()
      }
    }

    host.it('scans an empty log as one empty final page', () =>
      withLog(async (log) => {
        assert.deepEqual(await log.scan(), { events: [], cursor: null, done: true })
      }),
    )

    host.it('returns appended events in append order, exactly as written', () =>
      withLog(async (log) => {
        const a = predictionEvent('req-a', 0, 2_000, { entity: { flight: 'AA1', day: 3 } })
        const b = labelEvent('lab-1', 1_000, {
          entity: { flight: 'AA1', day: 3 },
          eventTime: 1_500,
          label: true,
        })
        const c = predictionEvent('req-a', 1, 1_500)
        await log.append([a, b])
        await log.append([c])
        assert.deepEqual(await all(log), [a, b, c])
      }),
    )

    host.it('stores an event id once, however often it is appended (idempotent retries)', () =>
      withLog(async (log) => {
        const a = predictionEvent('req-1', 0, 10)
        await log.append([a, a])
        await log.append([a])
        assert.deepEqual(await all(log), [a])
      }),
    )

    host.it('filters by time range [from, to), kind and model', () =>
      withLog(async (log) => {
        const evs = [
          predictionEvent('r1', 0, 999, { model: 'a' }),
          predictionEvent('r2', 0, 1_000, { model: 'a' }),
          predictionEvent('r3', 0, 1_500, { model: 'b' }),
          labelEvent('l1', 1_600, { predictionId: 'r2:0' }),
          predictionEvent('r4', 0, 2_000, { model: 'a' }),
        ]
        await log.append(evs)
        const ids = async (q: EventScan): Promise<string[]> => (await all(log, q)).map((e) => e.id)
        assert.deepEqual(await ids({ from: 1_000, to: 2_000 }), ['r2:0', 'r3:0', 'l1'])
        assert.deepEqual(await ids({ kinds: ['label'] }), ['l1'])
        assert.deepEqual(await ids({ kinds: ['prediction'], model: 'a' }), ['r1:0', 'r2:0', 'r4:0'])
        assert.deepEqual(await ids({ model: 'b' }), ['r3:0', 'l1'])
      }),
    )

    host.it('pages with cursors without losing or repeating events', () =>
      withLog(async (log) => {
        const evs = Array.from({ length: 23 }, (_, i) => predictionEvent(`p${i}`, 0, 5_000 + i))
        await log.append(evs)
        const seen: string[] = []
        let page = await log.scan({ limit: 5 })
        let pages = 1
        for (;;) {
          seen.push(...page.events.map((e) => e.id))
          if (page.done) break
          page = await log.scan({ limit: 5, after: page.cursor! })
          pages++
        }
        assert.deepEqual(
          seen,
          evs.map((e) => e.id),
        )
        assert.equal(pages, 5)
        // A consumer tailing the log keeps the last cursor and sees only what is appended later.
        const tail = await log.scan({ limit: 100 })
        assert.equal(tail.done, true)
        await log.append([predictionEvent('late-arrival', 0, 1)])
        const after = await log.scan({ after: tail.cursor!, limit: 100 })
        assert.deepEqual(
          after.events.map((e) => e.id),
          ['late-arrival:0'],
        )
        assert.equal(after.done, true)
      }),
    )

    host.it('refuses to append after close', async () => {
      const { log, dispose } = await factory()
      await log.close()
      await rejectsWithCode(log.append([predictionEvent('x', 0, 1)]), 'UNAVAILABLE')
      await dispose()
    })

    host.it('behaves like the reference model for random appends and scans', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(arbSpec, { minLength: 1, maxLength: 6 }), {
            minLength: 1,
            maxLength: 5,
          }),
          fc.record(
            {
              from: fc.integer({ min: 990, max: 1_110 }),
              to: fc.integer({ min: 990, max: 1_110 }),
              kinds: fc.constantFrom<readonly EventKind[]>(
                ['prediction'],
                ['label'],
                ['prediction', 'label'],
              ),
              model: fc.constantFrom('a', 'b'),
              limit: fc.integer({ min: 1, max: 7 }),
            },
            { requiredKeys: ['limit'] },
          ),
          async (batches, query) => {
            const { log, dispose } = await factory()
            try {
              const reference: KeelEvent[] = []
              const ids = new Set<string>()
              for (const batch of batches) {
                const evs = batch.map(fromSpec)
                await log.append(evs)
                for (const e of evs) {
                  if (ids.has(e.id)) continue
                  ids.add(e.id)
                  reference.push(e)
                }
              }
              const { limit, ...filters } = query
              const got: KeelEvent[] = []
              let after: string | undefined
              for (let guard = 0; guard < 100; guard++) {
                const page = await log.scan(after === undefined ? query : { ...query, after })
                assert.ok(page.events.length <= limit)
                got.push(...page.events)
                if (page.done) break
                after = page.cursor!
              }
              assert.deepEqual(
                got,
                reference.filter((e) => matchesScan(e, filters)),
              )
            } finally {
              await dispose()
            }
          },
        ),
        { numRuns: runs },
      )
    })
  })
}
