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
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSession } from '../../data/duckdb/engine.js'
import { pruneEvents } from '../events/retention.js'
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

const DAY = 86_400_000

/** The ids in a Parquet archive, sorted, and its body column read back as events. */
const archived = async (file: string): Promise<{ ids: string[]; events: KeelEvent[] }> => {
  const session = await openSession()
  try {
    const reader = await session.connection.runAndReadAll(
      `SELECT id, body FROM read_parquet('${file.replaceAll("'", "''")}') ORDER BY id`,
    )
    const rows = reader.getRowObjects() as { id: string; body: string }[]
    return { ids: rows.map((r) => r.id), events: rows.map((r) => JSON.parse(r.body) as KeelEvent) }
  } finally {
    session.close()
  }
}

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

    host.it('gives each scanned event a position; remove takes exactly those events out', () =>
      withLog(async (log) => {
        const evs = Array.from({ length: 9 }, (_, i) => predictionEvent(`q${i}`, 0, 100 + i))
        await log.append(evs)
        const first = await log.scan({ limit: 4, withPositions: true })
        assert.equal(first.positions?.length, 4)
        const rest = await log.scan({ after: first.cursor!, withPositions: true })
        assert.equal(rest.positions?.length, 5)
        const before = await log.usedBytes()
        assert.ok(before > 0)
        const gone = [first.positions![0]!, first.positions![2]!, rest.positions![4]!]
        const note = { at: 1, policy: 'test' }
        assert.equal(await log.remove(gone, note), 3)
        assert.deepEqual(
          (await all(log)).map((e) => e.id),
          ['q1:0', 'q3:0', 'q4:0', 'q5:0', 'q6:0', 'q7:0'],
        )
        // Positions already gone are ignored; a cursor taken before the removal still pages on.
        assert.equal(await log.remove(gone, note), 0)
        const after = await log.scan({ after: first.cursor! })
        assert.deepEqual(
          after.events.map((e) => e.id),
          ['q4:0', 'q5:0', 'q6:0', 'q7:0'],
        )
        assert.ok((await log.usedBytes()) <= before)
      }),
    )

    host.it(
      'retention: expires by age, keeps predictions still waiting for a label, archives to Parquet',
      () =>
        withLog(async (log) => {
          const now = 100 * DAY
          const old = now - 40 * DAY // past the 30-day max age and the default 30-day horizon
          const recent = now - 10 * DAY // past a 5-day max age, inside the horizon
          await log.append([
            predictionEvent('old', 0, old),
            labelEvent('old-label', old + 1, { predictionId: 'old:0' }),
            predictionEvent('old-unlabelled', 0, old + 2),
            predictionEvent('waiting', 0, recent), // no label yet: kept
            predictionEvent('by-id', 0, recent + 1),
            labelEvent('by-id-label', recent + 2, { predictionId: 'by-id' }), // bare request id
            predictionEvent('by-entity', 0, recent + 3, { entity: { flight: 'AA1' } }),
            labelEvent('entity-label', recent + 4, {
              entity: { flight: 'AA1' },
              eventTime: recent + 3,
            }),
            predictionEvent('fresh', 0, now - DAY),
          ])
          const dry = await pruneEvents(log, { maxAgeMs: 5 * DAY, now, dryRun: true })
          assert.equal(dry.removed, 0)
          assert.equal((await all(log)).length, 9)
          const dir = mkdtempSync(join(tmpdir(), 'keel-archive-'))
          try {
            const r = await pruneEvents(log, { maxAgeMs: 5 * DAY, now, exportDir: dir })
            assert.deepEqual(r.expiring, dry.expiring)
            assert.equal(r.keptForLabels, 1)
            assert.equal(r.removed, 7)
            assert.deepEqual(r.expiring, {
              events: 7,
              predictions: 4,
              labels: 3,
              bytes: r.expiring.bytes,
              from: old,
              to: recent + 4,
            })
            assert.deepEqual(
              (await all(log)).map((e) => e.id),
              ['waiting:0', 'fresh:0'],
            )
            const a = await archived(r.archive!.file)
            assert.equal(r.archive!.events, 7)
            assert.deepEqual(a.ids, [
              'by-entity:0',
              'by-id-label',
              'by-id:0',
              'entity-label',
              'old-label',
              'old-unlabelled:0',
              'old:0',
            ])
            // The archive holds the events exactly as they were logged.
            assert.deepEqual(
              a.events.find((e) => e.id === 'entity-label'),
              labelEvent('entity-label', recent + 4, {
                entity: { flight: 'AA1' },
                eventTime: recent + 3,
              }),
            )
            // Once past the horizon, the predictions that never got their label expire too.
            const later = await pruneEvents(log, { maxAgeMs: 5 * DAY, now: now + 40 * DAY })
            assert.equal(later.removed, 2)
            assert.deepEqual(await all(log), [])
          } finally {
            rmSync(dir, { recursive: true, force: true })
          }
        }),
    )

    host.it('retention: expires the oldest events while the log is over its size bound', () =>
      withLog(async (log) => {
        const now = 10 * DAY
        const evs = Array.from({ length: 200 }, (_, i) =>
          predictionEvent(`s${i}`, 0, now - 60 * DAY + i),
        )
        await log.append(evs)
        const before = await log.usedBytes()
        const r = await pruneEvents(log, { maxBytes: Math.floor(before / 2), now })
        const left = (await all(log)).map((e) => e.id)
        // The oldest went first: what is left is the newest, in order.
        assert.ok(r.removed > 0 && r.removed < 200)
        assert.deepEqual(
          left,
          evs.slice(r.removed).map((e) => e.id),
        )
        // Event JSON under-counts what the backend frees per event, so the bound is met or beaten.
        assert.ok(r.expiring.bytes >= before - Math.floor(before / 2))
        assert.ok(r.usedBytesAfter <= r.usedBytesBefore)
      }),
    )

    host.it(
      'retention: refuses a policy with neither bound, or a non-positive one, and changes nothing',
      () =>
        withLog(async (log) => {
          await log.append([predictionEvent('x', 0, 1)])
          await rejectsWithCode(pruneEvents(log, {}), 'INVALID_ARGUMENT')
          await rejectsWithCode(pruneEvents(log, { maxAgeMs: -1 }), 'INVALID_ARGUMENT')
          assert.equal((await all(log)).length, 1)
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
