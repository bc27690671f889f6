import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqlMaterializationStateStore } from '../stores/features/sql-materialization-state-store.js'
import type { MaterializationStateStore } from '../stores/features/materialization-state-store.js'
import { createMemoryJobQueue } from '../stores/jobs/memory-job-queue.js'
import { openMetadataStore, type MetadataStore } from '../stores/metadata/open.js'
import { createMemoryOnlineStore } from '../stores/online/memory-online-store.js'
import type { ReadViewRows } from '../features/api.js'
import { pointInTimeReference, type TimedRow } from '../features/point-in-time.js'
import { arrayViewRows } from '../features/materialize/test-support/array-rows.js'
import { onlineLookups, testFeatureStore } from '../features/materialize/test-support/fixtures.js'
import {
  enqueueMaterialize,
  FEATURES_MATERIALIZE,
  materializeJobHandler,
  parseMaterializePayload,
} from './features-materialize.js'
import { runNextJob } from './run-next-job.js'

let meta: MetadataStore
let state: MaterializationStateStore
beforeAll(async () => {
  meta = await openMetadataStore({ url: 'sqlite::memory:' })
  state = createSqlMaterializationStateStore(meta)
})
afterAll(async () => {
  await meta.close()
})

const store = testFeatureStore(null)
const view = store.views.get('late_rate')!
const KEYS = ['JFK', 'SFO', 'ORD']
const rows: TimedRow[] = Array.from({ length: 300 }, (_, i) => ({
  key: KEYS[i % 3]!,
  eventTime: 1000 + ((i * 37) % 500),
  knownTime: 1000 + ((i * 37) % 500) + (i % 7) * 20,
  values: { rate: i / 300, busy: i % 2 === 0 },
  order: i,
}))

describe('features.materialize job', () => {
  it('runs from the queue into the online store, and a second run converges', async () => {
    let clock = 2000
    const queue = createMemoryJobQueue({ now: () => clock })
    const online = createMemoryOnlineStore()
    const handler = materializeJobHandler({
      store,
      readRows: arrayViewRows(new Map([[view.name, rows]]), 50),
      online,
      state,
      target: 'job-test',
      now: () => clock,
    })
    const handlers = { [FEATURES_MATERIALIZE]: handler }
    expect(await runNextJob(queue, handlers, 'w1')).toBeNull()
    const job = await enqueueMaterialize(queue, { service: 'departures', to: 1400 })
    expect(await enqueueMaterialize(queue, { service: 'departures', to: 1400 })).toMatchObject({
      id: job.id,
    })
    const done = await runNextJob(queue, handlers, 'w1')
    expect(done).toMatchObject({ id: job.id, state: 'succeeded' })
    const result = done!.result as { summaries: { view: string; watermark: number }[] }
    expect(result.summaries.map((s) => [s.view, s.watermark])).toEqual([
      ['late_rate', 1400],
      ['delays', 1400],
    ])
    const expected = KEYS.map((k) => pointInTimeReference(rows, k, 1400, { ttlMs: null }))
    expect(await onlineLookups(online, view, KEYS, 1400)).toEqual(expected)

    // At least once: the same job again (a retry after a lost lease) changes nothing.
    clock = 2500
    await enqueueMaterialize(queue, { view: 'late_rate', to: 1400 })
    expect(await runNextJob(queue, handlers, 'w2')).toMatchObject({ state: 'succeeded' })
    expect(await onlineLookups(online, view, KEYS, 1400)).toEqual(expected)
  })

  it('keeps its lease alive while it works', async () => {
    let clock = 5000
    const queue = createMemoryJobQueue({ now: () => clock })
    const online = createMemoryOnlineStore()
    // Every batch read takes 40 ms of the 100 ms lease: only heartbeats keep the job this worker's.
    const slow: ReadViewRows = async function* (v, options) {
      for await (const batch of arrayViewRows(new Map([[view.name, rows]]), 20)(v, options)) {
        clock += 40
        yield batch
      }
    }
    const handlers = {
      [FEATURES_MATERIALIZE]: materializeJobHandler({
        store,
        readRows: slow,
        online,
        state,
        target: 'job-lease',
        now: () => clock,
      }),
    }
    await enqueueMaterialize(queue, { view: 'late_rate' })
    const done = await runNextJob(queue, handlers, 'w1', { leaseMs: 100, now: () => clock })
    expect(clock).toBeGreaterThan(5500)
    expect(done).toMatchObject({ state: 'succeeded', attempts: 1 })
  })

  it('records a failed attempt with the error, and refuses bad payloads', async () => {
    const queue = createMemoryJobQueue()
    const handlers = {
      [FEATURES_MATERIALIZE]: materializeJobHandler({
        store,
        readRows: arrayViewRows(new Map()),
        online: createMemoryOnlineStore(),
        state,
      }),
    }
    await queue.enqueue(FEATURES_MATERIALIZE, { view: 'no_such_view' }, { maxAttempts: 1 })
    const failed = await runNextJob(queue, handlers, 'w1')
    expect(failed).toMatchObject({ state: 'failed' })
    expect(failed!.lastError).toMatch(/no_such_view/)
    expect(() => parseMaterializePayload({ view: 'a', service: 'b' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => parseMaterializePayload({ view: 'a', from: 3 })).toThrow(
      expect.objectContaining({ path: ['payload', 'from'] }),
    )
    expect(() => parseMaterializePayload({ view: 'a', to: '2026' })).toThrow(
      expect.objectContaining({ path: ['payload', 'to'] }),
    )
  })
})
