import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  matchesScan,
  readEvents,
  type EventKind,
  type EventLog,
  type EventScan,
  type KeelEvent,
} from '../types.js'

/** A fresh, empty log and a way to throw it away. */
export type EventLogFactory = () => Promise<{ log: EventLog; dispose: () => Promise<void> }>

/** A prediction event for tests. */
export const predictionEvent = (
  requestId: string,
  row: number,
  time: number,
  extra: Partial<Omit<KeelEvent, 'kind'>> & {
    model?: string
    entity?: Record<string, string | number>
  } = {},
): KeelEvent => ({
  kind: 'prediction',
  id: `${requestId}:${row}`,
  requestId,
  time,
  model: extra.model ?? 'flights',
  version: '1',
  inputs: { distance: 100 + row, origin: 'SFO' },
  output: {
    prediction: 'late',
    probabilities: { on_time: 0.25, late: 0.75 },
    confidence: 0.75,
    defer: false,
  },
  ...(extra.entity ? { entity: extra.entity } : {}),
})

/** A label event for tests. */
export const labelEvent = (
  id: string,
  time: number,
  fields: Partial<KeelEvent & { kind: 'label' }>,
): KeelEvent => ({
  kind: 'label',
  id,
  time,
  label: 'late',
  ...fields,
})

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
 * The behaviour every {@link EventLog} backend must have. Runs against real backends only: a
 * skipped backend says why at the call site.
 */
export const describeEventLogConformance = (
  name: string,
  factory: EventLogFactory,
  runs = 25,
): void => {
  describe(`EventLog conformance: ${name}`, () => {
    const withLog = async (fn: (log: EventLog) => Promise<void>): Promise<void> => {
      const { log, dispose } = await factory()
      try {
        await fn(log)
      } finally {
        await dispose()
      }
    }

    it('scans an empty log as one empty final page', () =>
      withLog(async (log) => {
        expect(await log.scan()).toEqual({ events: [], cursor: null, done: true })
      }))

    it('returns appended events in append order, exactly as written', () =>
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
        expect(await all(log)).toEqual([a, b, c])
      }))

    it('stores an event id once, however often it is appended (idempotent retries)', () =>
      withLog(async (log) => {
        const a = predictionEvent('req-1', 0, 10)
        await log.append([a, a])
        await log.append([a])
        expect(await all(log)).toEqual([a])
      }))

    it('filters by time range [from, to), kind and model', () =>
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
        expect(await ids({ from: 1_000, to: 2_000 })).toEqual(['r2:0', 'r3:0', 'l1'])
        expect(await ids({ kinds: ['label'] })).toEqual(['l1'])
        expect(await ids({ kinds: ['prediction'], model: 'a' })).toEqual(['r1:0', 'r2:0', 'r4:0'])
        expect(await ids({ model: 'b' })).toEqual(['r3:0', 'l1'])
      }))

    it('pages with cursors without losing or repeating events', () =>
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
        expect(seen).toEqual(evs.map((e) => e.id))
        expect(pages).toBe(5)
        // A consumer tailing the log keeps the last cursor and sees only what is appended later.
        const tail = await log.scan({ limit: 100 })
        expect(tail.done).toBe(true)
        await log.append([predictionEvent('late-arrival', 0, 1)])
        const after = await log.scan({ after: tail.cursor!, limit: 100 })
        expect(after.events.map((e) => e.id)).toEqual(['late-arrival:0'])
        expect(after.done).toBe(true)
      }))

    it('refuses to append after close', async () => {
      const { log, dispose } = await factory()
      await log.close()
      await expect(log.append([predictionEvent('x', 0, 1)])).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      })
      await dispose()
    })

    it('behaves like the reference model for random appends and scans', async () => {
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
                expect(page.events.length).toBeLessThanOrEqual(limit)
                got.push(...page.events)
                if (page.done) break
                after = page.cursor!
              }
              expect(got).toEqual(reference.filter((e) => matchesScan(e, filters)))
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
