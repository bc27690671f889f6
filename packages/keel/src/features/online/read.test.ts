import { fc, test } from '@fast-check/vitest'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryOnlineStore } from '../../stores/online/memory-online-store.js'
import type { OnlineRef, OnlineStore } from '../../stores/online/online-store.js'
import {
  openRedisOnlineStore,
  type RedisOnlineStore,
} from '../../stores/online/redis-online-store.js'
import { openSqliteOnlineStore } from '../../stores/online/sqlite-online-store.js'
import { featureStoreOf } from '../../serving/test-support/feature-store.js'
import { serviceNamed } from '../definitions.js'
import { pointInTimeReference, type TimedRow } from '../point-in-time.js'
import { encodeFeatureRow, viewNamespace } from './layout.js'
import { createOnlineFeatureReader, lookedUpAt } from './read.js'

const TTL = 100

const store = featureStoreOf({
  entities: [
    { name: 'airport', valueType: 'string' },
    { name: 'aircraft', joinKey: 'tail', valueType: 'number' },
  ],
  featureViews: [
    {
      name: 'delays',
      source: { push: true },
      entity: 'airport',
      eventTime: 'at',
      knownTime: 'known_at',
      ttl: `${TTL}ms`,
      features: [{ name: 'late_rate', kind: 'numeric' }],
    },
    {
      name: 'planes',
      source: { push: true },
      entity: 'aircraft',
      eventTime: 'at',
      noLateness: true,
      features: [{ name: 'seats', kind: 'numeric' }],
    },
  ],
  featureServices: [
    {
      name: 'flights',
      views: [
        { view: 'delays', key: 'origin', prefix: 'origin_' },
        { view: 'delays', key: 'dest', prefix: 'dest_' },
        { view: 'planes' },
      ],
    },
  ],
})
const service = serviceNamed(store, 'flights')
const delays = store.views.get('delays')!

/** A store that counts its round trips. */
const counting = (inner: OnlineStore): OnlineStore & { calls: OnlineRef[][] } => {
  const calls: OnlineRef[][] = []
  return Object.assign(Object.create(inner) as OnlineStore, {
    calls,
    getAcross: (refs: readonly OnlineRef[], o?: { now?: number }) => {
      calls.push([...refs])
      return inner.getAcross(refs, o)
    },
  })
}

describe('lookedUpAt', () => {
  const row = { eventTime: 1000, knownTime: 1050, values: { late_rate: 0.5 } }
  it('is not_found before the row is known, present from then until eventTime + ttl', () => {
    expect(lookedUpAt(row, TTL, 1049).status).toBe('not_found')
    expect(lookedUpAt(row, TTL, 1050).status).toBe('present')
    expect(lookedUpAt(row, TTL, 1099).status).toBe('present')
    expect(lookedUpAt(row, TTL, 1100)).toEqual({
      status: 'outside_ttl',
      values: null,
      eventTime: 1000,
      knownTime: 1050,
    })
    expect(lookedUpAt(row, null, 1e12).status).toBe('present')
    expect(lookedUpAt(undefined, TTL, 1050).status).toBe('not_found')
  })
})

describe('createOnlineFeatureReader', () => {
  it('reads every view of every row in one round trip, by each view key column', async () => {
    const mem = createMemoryOnlineStore()
    await mem.setNewer(viewNamespace(delays), [
      encodeFeatureRow('ATL', { eventTime: 10, knownTime: 10, values: { late_rate: 0.25 } }),
      encodeFeatureRow('JFK', { eventTime: 10, knownTime: 20, values: { late_rate: null } }),
    ])
    await mem.setNewer(viewNamespace(store.views.get('planes')!), [
      encodeFeatureRow('7', { eventTime: 5, knownTime: 5, values: { seats: 180 } }),
    ])
    const s = counting(mem)
    const read = createOnlineFeatureReader(s)
    const out = await read(
      service,
      [
        { origin: 'ATL', dest: 'JFK', tail: 7 },
        { origin: 'SFO', dest: null, tail: '7' },
      ],
      50,
    )
    expect(s.calls).toHaveLength(1)
    expect(s.calls[0]).toHaveLength(5) // the null key costs no read
    expect(out.map((v) => v.map((l) => l.status))).toEqual([
      ['present', 'not_found'],
      ['present', 'not_found'],
      ['present', 'present'],
    ])
    expect(out[0]![0]!.values).toEqual({ late_rate: 0.25 })
    expect(out[1]![0]).toMatchObject({ values: { late_rate: null }, knownTime: 20 })
    expect(out[2]![1]!.values).toEqual({ seats: 180 })
  })

  it('names the request column of a key of the wrong type', async () => {
    const read = createOnlineFeatureReader(createMemoryOnlineStore())
    await expect(
      read(service, [{ origin: 'ATL', dest: 'JFK', tail: 'N7' }], 0),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: [0, 'tail'],
    })
    await expect(read(service, [{ origin: 3 }], 0)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: [0, 'origin'],
    })
  })

  it('does not read the store for a request without keys', async () => {
    const s = counting(createMemoryOnlineStore())
    const out = await createOnlineFeatureReader(s)(service, [{}], 0)
    expect(s.calls).toHaveLength(0)
    expect(out.flat().every((l) => l.status === 'not_found')).toBe(true)
  })
})

const REDIS_URL = process.env['KEEL_TEST_REDIS_URL']
const backends: [string, () => Promise<OnlineStore>][] = [
  ['memory', async () => createMemoryOnlineStore()],
  ['sqlite', async () => openSqliteOnlineStore(':memory:')],
]
if (REDIS_URL !== undefined) {
  backends.push([
    'redis',
    () =>
      openRedisOnlineStore({
        url: REDIS_URL,
        keyPrefix: `keeltest:${randomBytes(6).toString('hex')}:`,
        commandTimeoutMs: 2000,
      }),
  ])
}

describe.each(backends)('the reader on %s equals the point-in-time rule', (_name, open) => {
  let store: OnlineStore
  beforeAll(async () => {
    store = await open()
  })
  afterAll(async () => {
    if ('clear' in store) await (store as RedisOnlineStore).clear()
    await store.close()
  })

  const timedRows = fc.array(
    fc.record({
      key: fc.constantFrom('ATL', 'JFK', 'ORD'),
      eventTime: fc.integer({ min: 0, max: 300 }),
      lateness: fc.integer({ min: 0, max: 80 }),
      value: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
    }),
    { maxLength: 12 },
  )

  test.prop([timedRows, fc.integer({ min: 0, max: 420 })], { numRuns: 60 })(
    'equals the point-in-time reference once the winner at t is written',
    async (generated, t) => {
      const rows: TimedRow[] = generated.map((g, order) => ({
        key: g.key,
        eventTime: g.eventTime,
        knownTime: g.eventTime + g.lateness,
        values: { late_rate: g.value },
        order,
      }))
      const mem = store // one store per backend; each case removes what it wrote
      const keys = ['ATL', 'JFK', 'ORD']
      const expected = keys.map((k) => pointInTimeReference(rows, k, t, { ttlMs: TTL }))
      for (const [i, k] of keys.entries()) {
        const e = expected[i]!
        if (e.eventTime === null) continue
        const winner = rows
          .filter((r) => r.key === k && r.eventTime === e.eventTime && r.knownTime === e.knownTime)
          .at(-1)!
        await mem.setNewer(viewNamespace(delays), [encodeFeatureRow(k, winner)])
      }
      const [origin] = await createOnlineFeatureReader(mem)(
        service,
        keys.map((k) => ({ origin: k })),
        t,
      )
      expect(origin).toEqual(expected)
      await mem.deleteMany(viewNamespace(delays), keys)
    },
  )

  it('serves nothing for a row written but not yet known at the request time', async () => {
    const mem = store // one store per backend; each case removes what it wrote
    await mem.setNewer(viewNamespace(delays), [
      encodeFeatureRow('ATL', { eventTime: 10, knownTime: 60, values: { late_rate: 1 } }),
    ])
    const read = createOnlineFeatureReader(mem)
    expect((await read(service, [{ origin: 'ATL' }], 59))[0]![0]!.status).toBe('not_found')
    expect((await read(service, [{ origin: 'ATL' }], 60))[0]![0]!.status).toBe('present')
    await mem.deleteMany(viewNamespace(delays), ['ATL'])
  })
})
