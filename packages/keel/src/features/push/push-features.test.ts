import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqlFeatureLogStore } from '../../stores/features/sql-feature-log-store.js'
import { createSqlMaterializationStateStore } from '../../stores/features/sql-materialization-state-store.js'
import type { FeatureLogStore } from '../../stores/features/feature-log-store.js'
import { openMetadataStore, type MetadataStore } from '../../stores/metadata/open.js'
import { createMemoryOnlineStore } from '../../stores/online/memory-online-store.js'
import type { TimedRow } from '../point-in-time.js'
import { materializeView } from '../materialize/materialize-view.js'
import { onlineLookups, testFeatureStore } from '../materialize/test-support/fixtures.js'
import { pushFeatures, pushedRowsReader, withPushedRows } from './push-features.js'
import { arrayViewRows } from '../materialize/test-support/array-rows.js'
import { materializeService } from '../materialize/materialize-service.js'

let meta: MetadataStore
let log: FeatureLogStore
beforeAll(async () => {
  meta = await openMetadataStore({ url: 'sqlite::memory:' })
  log = createSqlFeatureLogStore(meta)
})
afterAll(async () => {
  await meta.close()
})

const store = testFeatureStore()
const delays = store.views.get('delays')!
const T0 = Date.parse('2026-06-01T10:00:00Z')

const readAll = async (view = delays, options = {}): Promise<TimedRow[]> => {
  const out: TimedRow[] = []
  for await (const batch of pushedRowsReader(log, 2)(view, options)) out.push(...batch)
  return out
}

describe('pushFeatures', () => {
  it('logs the rows, writes the newest visible one per key online, and reads them back', async () => {
    const online = createMemoryOnlineStore()
    const before = (await readAll()).length
    const summary = await pushFeatures(
      delays,
      [
        { flight: 42, event_time: '2026-06-01T09:00:00Z', delay: 5, gate: 'A1', boarding: false },
        { flight: '42', event_time: T0 - 1800_000, known_time: T0 - 60_000, delay: 12 },
        { flight: 7, event_time: '2026-06-01T11:30:00+02:00', delay: null, boarding: true },
        // Dated after the push: logged, written online only by a later materialization.
        { flight: 9, event_time: T0 + 3_600_000, delay: 1 },
      ],
      { online, log, now: T0 },
    )
    expect(summary).toEqual({
      view: 'delays',
      version: delays.version,
      rows: 4,
      keysWritten: 2,
      deferred: 1,
    })
    const read = (await readAll()).slice(before)
    expect(read.map(({ order: _order, ...r }) => r)).toEqual([
      {
        key: '42',
        eventTime: T0 - 3_600_000,
        knownTime: T0,
        values: { delay: 5, gate: 'A1', boarding: false },
      },
      {
        key: '42',
        eventTime: T0 - 1_800_000,
        knownTime: T0 - 60_000,
        values: { delay: 12, gate: null, boarding: null },
      },
      {
        key: '7',
        eventTime: T0 - 1_800_000,
        knownTime: T0,
        values: { delay: null, gate: null, boarding: true },
      },
      {
        key: '9',
        eventTime: T0 + 3_600_000,
        knownTime: T0,
        values: { delay: 1, gate: null, boarding: null },
      },
    ])
    const orders = read.map((r) => r.order)
    expect([...orders].sort((a, b) => a - b)).toEqual(orders)
    expect(
      (await readAll(delays, { knownAfter: T0 - 60_000 })).slice(-3).map((r) => r.key),
    ).toEqual(['42', '7', '9'])

    const served = await onlineLookups(online, delays, ['42', '7', '9'], T0)
    expect(served.map((s) => [s.status, s.values?.delay])).toEqual([
      ['present', 12],
      ['present', null],
      ['not_found', undefined],
    ])

    // An older value pushed later never replaces the newer one online.
    await pushFeatures(delays, [{ flight: 42, event_time: T0 - 7_200_000, delay: 99 }], {
      online,
      log,
      now: T0 + 1,
    })
    expect((await onlineLookups(online, delays, ['42'], T0 + 1))[0]!.values?.delay).toBe(12)

    // Materializing the push view from the log writes the row whose time has come.
    const state = createSqlMaterializationStateStore(meta)
    await materializeView(delays, {
      readRows: pushedRowsReader(log),
      online,
      state,
      now: T0 + 3_600_000,
    })
    expect((await onlineLookups(online, delays, ['9'], T0 + 3_600_000))[0]!.values?.delay).toBe(1)
  })

  const refused: [string, unknown[], (string | number)[]][] = [
    [
      'a numeric feature given a string',
      [
        { flight: 1, event_time: T0, delay: 1 },
        { flight: 2, event_time: T0, delay: '3' },
      ],
      ['rows', 1, 'delay'],
    ],
    [
      'a boolean feature given a number',
      [{ flight: 1, event_time: T0, boarding: 1 }],
      ['rows', 0, 'boarding'],
    ],
    [
      'a categorical feature given a number',
      [{ flight: 1, event_time: T0, gate: 4 }],
      ['rows', 0, 'gate'],
    ],
    [
      'a non-finite number',
      [{ flight: 1, event_time: T0, delay: Number.NaN }],
      ['rows', 0, 'delay'],
    ],
    ['an unknown feature', [{ flight: 1, event_time: T0, dealy: 3 }], ['rows', 0, 'dealy']],
    ['a key of the wrong type', [{ flight: 'AF12', event_time: T0 }], ['rows', 0, 'flight']],
    ['a missing key', [{ event_time: T0, delay: 1 }], ['rows', 0, 'flight']],
    ['a missing event time', [{ flight: 1, delay: 1 }], ['rows', 0, 'event_time']],
    [
      'a local time without its zone',
      [{ flight: 1, event_time: '2026-06-01T10:00:00' }],
      ['rows', 0, 'event_time'],
    ],
    [
      'an unreadable known time',
      [{ flight: 1, event_time: T0, known_time: 'yesterday' }],
      ['rows', 0, 'known_time'],
    ],
    ['a row that is not an object', [[1, T0]], ['rows', 0]],
  ]
  it.each(refused)('refuses %s, naming row and field, writing nothing', async (_, rows, path) => {
    const online = createMemoryOnlineStore()
    const before = (await readAll()).length
    await expect(pushFeatures(delays, rows, { online, log, now: T0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path,
    })
    expect((await readAll()).length).toBe(before)
    expect(await onlineLookups(online, delays, ['1', '2'], T0)).toEqual([
      expect.objectContaining({ status: 'not_found' }),
      expect.objectContaining({ status: 'not_found' }),
    ])
  })

  it('materializes a service whose views come from a source and from the log', async () => {
    const online = createMemoryOnlineStore()
    const service = store.services.get('departures')!
    const lateRate = store.views.get('late_rate')!
    const fromSource: TimedRow[] = [
      {
        key: 'JFK',
        eventTime: T0 - 10,
        knownTime: T0 - 5,
        values: { rate: 0.25, busy: true },
        order: 0,
      },
    ]
    await pushFeatures(delays, [{ flight: 77, event_time: T0 + 10, delay: 3 }], {
      online,
      log,
      now: T0,
    })
    const readRows = withPushedRows(arrayViewRows(new Map([[lateRate.name, fromSource]])), log)
    const state = createSqlMaterializationStateStore(meta)
    const done = await materializeService(service, {
      readRows,
      online,
      state,
      target: 'with-pushed',
      now: T0 + 20,
    })
    expect(done.map((s) => s.view)).toEqual(['late_rate', 'delays'])
    expect((await onlineLookups(online, lateRate, ['JFK'], T0 + 20))[0]!.values).toEqual({
      rate: 0.25,
      busy: true,
    })
    expect((await onlineLookups(online, delays, ['77'], T0 + 20))[0]!.values?.delay).toBe(3)
  })

  it('refuses pushes to a view that reads its own source', async () => {
    const lateRate = store.views.get('late_rate')!
    await expect(
      pushFeatures(lateRate, [{ airport: 'JFK', event_time: T0 }], {
        online: createMemoryOnlineStore(),
        log,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: ['featureViews', 'late_rate', 'source'],
    })
    await expect(readAll(lateRate)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
