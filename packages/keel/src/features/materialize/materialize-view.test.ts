import { fc, test } from '@fast-check/vitest'
import { KeelError } from '@keel/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqlMaterializationStateStore } from '../../stores/features/sql-materialization-state-store.js'
import type { MaterializationStateStore } from '../../stores/features/materialization-state-store.js'
import { openMetadataStore, type MetadataStore } from '../../stores/metadata/open.js'
import { createMemoryOnlineStore } from '../../stores/online/memory-online-store.js'
import { openSqliteOnlineStore } from '../../stores/online/sqlite-online-store.js'
import type { ReadViewRows } from '../api.js'
import { viewNamespace } from '../online/layout.js'
import { pointInTimeReference, type TimedRow } from '../point-in-time.js'
import { materializeView, type MaterializeOptions } from './materialize-view.js'
import { materializeService } from './materialize-service.js'
import { assertServiceMaterialized, materializedVersions } from './materialized-versions.js'
import { arrayViewRows } from './test-support/array-rows.js'
import { onlineLookups, testFeatureStore } from './test-support/fixtures.js'

let meta: MetadataStore
let state: MaterializationStateStore
let dir: string
let targets = 0
/** A fresh target name: each case its own watermark. */
const target = (): string => `t${++targets}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-materialize-'))
  meta = await openMetadataStore({ url: 'sqlite::memory:' })
  state = createSqlMaterializationStateStore(meta)
})
afterAll(async () => {
  await meta.close()
  rmSync(dir, { recursive: true, force: true })
})

const KEYS = ['JFK', 'SFO', 'ORD', 'ATL', 'LAX']

const rowArb = fc.record({
  key: fc.option(fc.constantFrom(...KEYS), { nil: null, freq: 12 }),
  eventTime: fc.integer({ min: 0, max: 100 }),
  // Mostly late rows; some known before they happen (visible only at their event time).
  lateness: fc.integer({ min: -10, max: 40 }),
  rate: fc.option(fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }), {
    nil: null,
  }),
  busy: fc.boolean(),
})

type RawRow = typeof rowArb extends fc.Arbitrary<infer T> ? T : never

const toRows = (raw: readonly RawRow[]): TimedRow[] =>
  raw.map((r, order) => ({
    key: r.key,
    eventTime: r.eventTime,
    knownTime: r.eventTime + r.lateness,
    values: { rate: r.rate === 0 ? 0 : r.rate, busy: r.busy },
    order,
  }))

/** Run with an abort after `abortAfter` progress events; CANCELLED is the simulated crash. */
const crashingRun = async (
  view: Parameters<typeof materializeView>[0],
  options: MaterializeOptions,
  abortAfter: number,
): Promise<boolean> => {
  const controller = new AbortController()
  let events = 0
  try {
    await materializeView(view, {
      ...options,
      signal: controller.signal,
      onProgress: () => {
        if (++events >= abortAfter) controller.abort(new Error('crash'))
      },
    })
    return true
  } catch (e) {
    expect((e as { code?: string }).code).toBe('CANCELLED')
    return false
  }
}

describe('materializeView', () => {
  test.prop(
    [
      fc.array(rowArb, { maxLength: 60 }),
      fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
      fc.array(fc.record({ at: fc.integer({ min: 0, max: 160 }), abortAfter: fc.nat(12) }), {
        maxLength: 5,
      }),
      fc.integer({ min: 0, max: 160 }),
      fc.integer({ min: 1, max: 3 }),
    ],
    { numRuns: 150 },
  )(
    'serves the point-in-time value of every key at `to`, after any interrupted runs',
    async (raw, ttlMs, runs, toOffset, batchSize) => {
      const view = testFeatureStore(ttlMs).views.get('late_rate')!
      const rows = toRows(raw)
      const online = createMemoryOnlineStore()
      const base = {
        readRows: arrayViewRows(new Map([[view.name, rows]]), 7),
        online,
        state,
        target: target(),
        batchSize,
      }
      // Earlier incremental runs at increasing times, each possibly killed part-way.
      const times = runs.map((r) => r.at).sort((a, b) => a - b)
      for (const [i, at] of times.entries()) {
        await crashingRun(view, { ...base, now: at }, runs[i]!.abortAfter)
      }
      const last = times.length === 0 ? 0 : times[times.length - 1]!
      const to = last + toOffset
      const summary = await materializeView(view, { ...base, now: to })
      expect(summary.watermark).toBe(to)
      const served = await onlineLookups(online, view, KEYS, to)
      const expected = KEYS.map((k) => pointInTimeReference(rows, k, to, { ttlMs: view.ttlMs }))
      expect(served).toEqual(expected)
    },
  )

  test.prop(
    [
      fc.array(rowArb, { maxLength: 60 }),
      fc.integer({ min: 0, max: 160 }),
      fc.integer({ min: 0, max: 160 }),
      fc.nat(8),
    ],
    { numRuns: 100 },
  )(
    'rebuilds to an earlier time (a replay), also after a killed rebuild',
    async (raw, later, to, abortAfter) => {
      const view = testFeatureStore(null).views.get('late_rate')!
      const rows = toRows(raw)
      const online = createMemoryOnlineStore()
      const base = {
        readRows: arrayViewRows(new Map([[view.name, rows]]), 5),
        online,
        state,
        target: target(),
        batchSize: 2,
      }
      await materializeView(view, { ...base, now: later })
      const now = Math.max(later, to)
      const finished = await crashingRun(view, { ...base, now, to, full: true }, abortAfter)
      if (!finished) {
        // Killed before its first write, a rebuild leaves the watermark alone; after, none is
        // left, so serving refuses the view until a run finishes.
        const left = (await state.get({ ...base, view: view.name, version: view.version }))
          ?.watermark
        expect([null, later]).toContain(left)
      }
      const summary = await materializeView(view, { ...base, now, to, full: true })
      expect(summary.watermark).toBe(to)
      const served = await onlineLookups(online, view, KEYS, to)
      expect(served).toEqual(KEYS.map((k) => pointInTimeReference(rows, k, to, { ttlMs: null })))
    },
  )

  it('writes monotonically into SQLite, keeps pending rows for later and reports progress', async () => {
    const view = testFeatureStore().views.get('late_rate')!
    const online = openSqliteOnlineStore(join(dir, 'online.db'))
    try {
      const rows: TimedRow[] = [
        { key: 'JFK', eventTime: 100, knownTime: 150, values: { rate: 0.5, busy: true }, order: 0 },
        { key: 'JFK', eventTime: 90, knownTime: 300, values: { rate: 0.1, busy: false }, order: 1 },
        // Known at 120, but only visible at its event time 400.
        { key: 'SFO', eventTime: 400, knownTime: 120, values: { rate: 0.9, busy: true }, order: 2 },
        { key: 'SFO', eventTime: 50, knownTime: 50, values: { rate: 0.2, busy: false }, order: 3 },
      ]
      const events: string[] = []
      const base = {
        readRows: arrayViewRows(new Map([[view.name, rows]])),
        online,
        state,
        target: target(),
        onProgress: (p: { phase: string; keysWritten: number }) =>
          events.push(`${p.phase}:${p.keysWritten}`),
      }
      const first = await materializeView(view, { ...base, now: 200 })
      expect(first).toMatchObject({ mode: 'incremental', rowsRead: 3, keys: 2, keysWritten: 2 })
      expect(events).toEqual(['read:0', 'write:2'])
      const st = await state.get({ view: view.name, version: view.version, target: base.target })
      expect(st).toMatchObject({ watermark: 200, pendingKnown: 120, rowsWritten: 2 })

      // The late row of JFK (event 90) never replaces the newer one (event 100); SFO's row known
      // early becomes visible at 400 and is picked up although its known time is behind the watermark.
      const second = await materializeView(view, { ...base, now: 500 })
      expect(second).toMatchObject({ keys: 2, keysWritten: 1, watermark: 500 })
      const served = await onlineLookups(online, view, ['JFK', 'SFO'], 500)
      expect(served.map((s) => s.values)).toEqual([
        { rate: 0.5, busy: true },
        { rate: 0.9, busy: true },
      ])
      expect(
        (await state.get({ view: view.name, version: view.version, target: base.target }))
          ?.pendingKnown,
      ).toBe(null)
      await expect(materializeView(view, { ...base, now: 500, to: 501 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        details: { to: 501, now: 500 },
      })
      await expect(materializeView(view, { ...base, now: 500, to: 300 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        path: ['to'],
      })
    } finally {
      await online.close()
    }
  })

  it('records a failed run and keeps the watermark where it was', async () => {
    const view = testFeatureStore(null).views.get('late_rate')!
    const online = createMemoryOnlineStore()
    const rows: TimedRow[] = [
      { key: 'JFK', eventTime: 10, knownTime: 10, values: { rate: 1, busy: false }, order: 0 },
    ]
    const base = { online, state, target: target() }
    await materializeView(view, {
      ...base,
      readRows: arrayViewRows(new Map([[view.name, rows]])),
      now: 20,
    })
    const broken: ReadViewRows = async function* () {
      yield rows
      throw new KeelError('UNAVAILABLE', 'the source went away')
    }
    await expect(
      materializeView(view, { ...base, readRows: broken, now: 30 }),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    expect(
      await state.get({ view: view.name, version: view.version, target: base.target }),
    ).toMatchObject({
      status: 'failed',
      watermark: 20,
      lastError: 'the source went away',
    })
  })

  it('backfills a range without claiming a watermark it does not cover', async () => {
    const view = testFeatureStore(null).views.get('late_rate')!
    const online = createMemoryOnlineStore()
    const rows: TimedRow[] = [
      { key: 'JFK', eventTime: 10, knownTime: 10, values: { rate: 1, busy: false }, order: 0 },
      { key: 'ORD', eventTime: 30, knownTime: 30, values: { rate: 3, busy: false }, order: 1 },
    ]
    const base = {
      readRows: arrayViewRows(new Map([[view.name, rows]])),
      online,
      state,
      target: target(),
    }
    const range = await materializeView(view, { ...base, from: 20, to: 40, now: 40 })
    expect(range).toMatchObject({ mode: 'range', keys: 1, watermark: null })
    await materializeView(view, { ...base, now: 40 })
    const covered = await materializeView(view, { ...base, from: 0, to: 50, now: 50 })
    expect(covered.watermark).toBe(50)
    expect((await onlineLookups(online, view, ['JFK', 'ORD'], 50)).map((s) => s.status)).toEqual([
      'present',
      'present',
    ])
  })

  it('materializes a service and refuses one never materialized, naming view and version', async () => {
    const store = testFeatureStore()
    const service = store.services.get('departures')!
    const online = createMemoryOnlineStore()
    const name = target()
    const readRows = arrayViewRows(new Map())
    const before = await materializedVersions(state, name)
    expect(() => assertServiceMaterialized(service, before, name)).toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        details: expect.objectContaining({
          service: 'departures',
          view: 'late_rate',
          version: store.views.get('late_rate')!.version,
        }) as unknown,
      }),
    )
    const done = await materializeService(service, {
      readRows,
      online,
      state,
      target: name,
      now: 7,
    })
    expect(done.map((s) => [s.view, s.watermark])).toEqual([
      ['late_rate', 7],
      ['delays', 7],
    ])
    expect(() => assertServiceMaterialized(service, new Map(), name)).toThrow()
    assertServiceMaterialized(service, await materializedVersions(state, name), name)
    expect(viewNamespace(store.views.get('delays')!)).toMatch(/^fv\.delays@[0-9a-f]{12}$/)
  })
})
