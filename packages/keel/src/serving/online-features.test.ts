import {
  assertServiceMaterialized,
  type MaterializedVersions,
} from '../features/materialize/index.js'
import { describe, expect, it, vi } from 'vitest'
import type { StatusPolicy } from '../features/config.js'
import { encodeFeatureRow, viewNamespace } from '../features/online/layout.js'
import type { PredictionEvent } from '../stores/events/index.js'
import { createMemoryOnlineStore } from '../stores/online/memory-online-store.js'
import type { OnlineStore } from '../stores/online/online-store.js'
import { toyFeatureStore } from './test-support/feature-store.js'
import { TOKEN, toyServers } from './test-support/harness.js'
import { toyBundle } from './test-support/toy-bundle.js'
import type { ServeFeatureOptions } from './server-types.js'

/**
 * Online features through a real socket: a predict request carries entity keys, the service reads
 * the bundle's feature service from the online store (one round trip, the offline TTL rule at the
 * request time), applies the status policy and on-demand features, predicts, and logs what it
 * served. Version 3 of `flights` was trained on the `toy` service; versions 1 and 2 were not.
 */

const H = 3_600_000
const T = Date.UTC(2026, 5, 1, 12) // a replayed request time (June)
const AUTH = { authorization: `Bearer ${TOKEN}` }
const serve = toyServers()

/** The parts of an answer these tests read (an error or predictions). */
interface Answer {
  readonly error: {
    readonly code: string
    readonly message: string
    readonly issues: { readonly code: string; readonly path: (string | number)[] }[]
  }
  readonly predictions: { readonly probabilities: unknown }[]
}

interface Setup {
  readonly onStatus?: Partial<StatusPolicy>
  readonly store?: OnlineStore
  readonly features?: Partial<ServeFeatureOptions>
  readonly requireTokenForPredict?: boolean
  readonly maxEventBytes?: number
  /** The service version the bundle records (default: the configured one). */
  readonly trainedOn?: string
}

const setup = async (o: Setup = {}) => {
  const featureStore = toyFeatureStore(o.onStatus)
  const service = featureStore.services.get('toy')!
  const view = featureStore.views.get('routes')!
  const store = o.store ?? createMemoryOnlineStore()
  const { server, source, log } = await serve({
    features: { featureStore, onlineStore: store, timeoutMs: 200, ...o.features },
    ...(o.requireTokenForPredict ? { requireTokenForPredict: true } : {}),
    ...(o.maxEventBytes ? { log: { maxEventBytes: o.maxEventBytes } } : {}),
  })
  source.put(
    'flights',
    '3',
    toyBundle({
      lineage: {
        featureService: {
          name: 'toy',
          version: o.trainedOn ?? service.version,
          views: [{ name: 'routes', version: view.version }],
        },
      },
    }),
  )
  const { url } = await server.listen()
  const write = (key: string, eventTime: number, knownTime: number, distance: number | null) =>
    store.setNewer(viewNamespace(view), [
      encodeFeatureRow(key, { eventTime, knownTime, values: { distance } }),
    ])
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Answer }
  }
  const predict = (body: unknown, version = '3', headers: Record<string, string> = AUTH) =>
    post(`/v1/models/flights/predict?version=${version}`, body, headers)
  const logged = async (): Promise<PredictionEvent[]> => {
    await server.events!.flush()
    return log.all().filter((e): e is PredictionEvent => e.kind === 'prediction')
  }
  const metrics = async (): Promise<string> => (await fetch(`${url}/metrics`)).text()
  return { server, service, view, store, write, post, predict, logged, metrics }
}

describe('predict with online features', () => {
  it('looks the entity keys up, fills the features in, predicts and logs what it served', async () => {
    const s = await setup()
    await s.write('ATL-JFK', T - 10 * 60_000, T - 5 * 60_000, 760)
    const keyed = await s.predict({
      rows: [
        { route: 'ATL-JFK', origin: 'ATL', dep_minute: 7 * 60 + 5 },
        { route: 'SFO-ORD', origin: 'SFO', dep_minute: 600 },
      ],
      times: [T, T],
    })
    expect(keyed.status).toBe(200)
    // The same rows with the features written out, to a bundle without a feature service.
    const plain = await s.predict(
      {
        rows: [
          { distance: 760, hour: 7, origin: 'ATL' },
          { distance: null, hour: 10, origin: 'SFO' },
        ],
      },
      '1',
    )
    expect(keyed.body['predictions'].map((p) => p.probabilities)).toEqual(
      plain.body['predictions'].map((p) => p.probabilities),
    )
    const [first, second] = await s.logged()
    expect(first!.features).toEqual({
      service: 'toy',
      version: s.service.version,
      at: T,
      values: {
        distance: { value: 760, status: 'present', eventTime: T - 600_000, knownTime: T - 300_000 },
        hour: { value: 7, status: 'present' },
      },
    })
    expect(first!.inputs).toMatchObject({ route: 'ATL-JFK', distance: 760, hour: 7 })
    expect(second!.features!.values['distance']).toEqual({ value: null, status: 'not_found' })
    const text = await s.metrics()
    expect(text).toContain(
      'keel_feature_values_total{service="toy",feature="distance",status="present"} 1',
    )
    expect(text).toContain(
      'keel_feature_values_total{service="toy",feature="distance",status="not_found"} 1',
    )
  })

  it('applies the TTL exactly: present before eventTime + ttl, outside_ttl from it on', async () => {
    const s = await setup({ onStatus: { outside_ttl: { default: 999 } } })
    await s.write('A', T - H + 1, T - H + 1, 100)
    await s.write('B', T - H, T - H, 200)
    const res = await s.predict({
      rows: [
        { route: 'A', origin: 'ATL', dep_minute: 0 },
        { route: 'B', origin: 'ATL', dep_minute: 0 },
      ],
      times: [T, T],
    })
    expect(res.status).toBe(200)
    const [a, b] = await s.logged()
    expect(a!.features!.values['distance']).toMatchObject({ value: 100, status: 'present' })
    expect(b!.features!.values['distance']).toEqual({
      value: 999,
      status: 'outside_ttl',
      eventTime: T - H,
      knownTime: T - H,
    })
  })

  it('does not serve a value written but not yet known at the request time', async () => {
    const s = await setup()
    await s.write('A', T - 1000, T + 1, 100)
    await s.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 }, time: T })
    await s.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 }, time: T + 1 })
    const [before, after] = await s.logged()
    expect(before!.features!.values['distance']!.status).toBe('not_found')
    expect(after!.features!.values['distance']).toMatchObject({ status: 'present', value: 100 })
  })

  it('reads at now without replay times', async () => {
    const s = await setup()
    const now = Date.now()
    await s.write('A', now - 1000, now - 1000, 300)
    const res = await s.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 } }, '3', {})
    expect(res.status).toBe(200)
    const [e] = await s.logged()
    expect(e!.features!.values['distance']!.value).toBe(300)
    expect(e!.features!.at).toBeGreaterThanOrEqual(now)
  })

  it('answers 422 for a rejected status, a missing key column and a key of the wrong type', async () => {
    const s = await setup({ onStatus: { not_found: 'reject' } })
    await s.write('A', T - 1000, T - 1000, 1)
    const rejected = await s.predict({
      rows: [
        { route: 'A', origin: 'ATL', dep_minute: 0 },
        { route: 'nowhere', origin: 'ATL', dep_minute: 0 },
      ],
      times: [T, T],
    })
    expect(rejected.status).toBe(422)
    expect(rejected.body['error'].issues).toEqual([
      expect.objectContaining({
        code: 'feature_rejected',
        path: ['rows', 1, 'distance', 'not_found'],
      }),
    ])
    const noKey = await s.predict({ row: { origin: 'ATL', dep_minute: 0 } })
    expect(noKey.status).toBe(422)
    expect(noKey.body['error'].issues[0]).toMatchObject({
      code: 'missing_key',
      path: ['row', 'route'],
    })
    const wrongType = await s.predict({ rows: [{ route: 7, origin: 'ATL', dep_minute: 0 }] })
    expect(wrongType.status).toBe(422)
    expect(wrongType.body['error'].issues[0]).toMatchObject({
      code: 'invalid_key',
      path: ['rows', 0, 'route'],
    })
    expect(await s.logged()).toHaveLength(0)
  })

  it('refuses a bundle trained on another version of its feature service (409)', async () => {
    const s = await setup({ trainedOn: 'abcdef012345' })
    const res = await s.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 } })
    expect(res.status).toBe(409)
    expect(res.body['error']).toMatchObject({ code: 'CONFLICT' })
    expect(res.body['error'].message).toContain('abcdef012345')
    expect(res.body['error'].message).toContain(s.service.version)
  })

  it('answers 503 naming the view until its service version is materialized, then serves', async () => {
    let versions: MaterializedVersions = new Map()
    let checks = 0
    const s = await setup({
      features: {
        materialized: async (service) => {
          checks++
          assertServiceMaterialized(service, versions, 'memory')
        },
      },
    })
    const row = { row: { route: 'A', origin: 'ATL', dep_minute: 0 } }
    const before = await s.predict(row)
    expect(before.status).toBe(503)
    expect(before.body['error']).toMatchObject({ code: 'UNAVAILABLE' })
    expect(before.body['error'].message).toContain(`routes@${s.view.version}`)
    expect(before.body['error'].message).toContain('never materialized')
    versions = new Map([['routes', new Map([[s.view.version, 1]])]])
    await s.write('A', 0, 0, 500)
    expect((await s.predict(row)).status).toBe(200)
    expect((await s.predict(row)).status).toBe(200)
    // Checked until it passed once, then remembered.
    expect(checks).toBe(2)
  })

  it('answers 503 when the store fails, or predicts without its values with the fallback', async () => {
    const failing = createMemoryOnlineStore()
    failing.getAcross = () => Promise.reject(new Error('connection refused'))
    const s = await setup({ store: failing })
    const down = await s.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 } })
    expect(down.status).toBe(503)
    expect(down.body['error']).toMatchObject({ code: 'UNAVAILABLE' })
    expect(down.body['error'].message).toContain('connection refused')
    expect(await s.metrics()).toContain(
      'keel_online_store_errors_total{service="toy",cause="error",answer="unavailable"} 1',
    )

    const f = await setup({ store: failing, features: { fallback: 'missing' } })
    const fell = await f.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 } })
    expect(fell.status).toBe(200)
    const [e] = await f.logged()
    expect(e!.features!.values['distance']).toEqual({ value: null, status: 'not_found' })
    const text = await f.metrics()
    expect(text).toContain(
      'keel_online_store_errors_total{service="toy",cause="error",answer="fallback"} 1',
    )
    expect(text).toContain(
      'keel_feature_values_total{service="toy",feature="distance",status="not_found"} 1',
    )
  })

  it('answers within the bound when the store never answers', async () => {
    const hanging = createMemoryOnlineStore()
    hanging.getAcross = () => new Promise(() => undefined)
    const s = await setup({ store: hanging, features: { timeoutMs: 100 } })
    const started = performance.now()
    const res = await s.predict({ row: { route: 'A', origin: 'ATL', dep_minute: 0 } })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(res.status).toBe(503)
    expect(res.body['error'].message).toContain('no answer within 100 ms')
    expect(await s.metrics()).toContain(
      'keel_online_store_errors_total{service="toy",cause="timeout",answer="unavailable"} 1',
    )
  })

  it('keeps the served features within the log bound, giving up the inputs first', async () => {
    const s = await setup({ maxEventBytes: 400 })
    const route = 'R'.repeat(500)
    await s.write(route, T - 1000, T - 1000, 70)
    const res = await s.predict({ row: { route, origin: 'ATL', dep_minute: 0 }, time: T })
    expect(res.status).toBe(200)
    const [e] = await s.logged()
    expect(e!.inputs).toEqual({})
    expect(e!.inputsTruncated).toMatchObject({ fields: 4 })
    expect(e!.features!.values['distance']).toMatchObject({ value: 70, status: 'present' })
  })

  it('leaves bundles without a feature service as they were: no store read, nothing extra logged', async () => {
    const store = createMemoryOnlineStore()
    const getAcross = vi.spyOn(store, 'getAcross')
    const s = await setup({ store })
    const res = await s.predict({ row: { distance: 500, hour: 3, origin: 'JFK' } }, '1', {})
    expect(res.status).toBe(200)
    expect(getAcross).not.toHaveBeenCalled()
    const [e] = await s.logged()
    expect(e!.features).toBeUndefined()
    expect(e!.inputs).toEqual({ distance: 500, hour: 3, origin: 'JFK' })
  })
})

describe('/v1/features routes', () => {
  it('reads values, statuses and times for entity keys at a time, without a policy', async () => {
    const s = await setup({ onStatus: { not_found: 'reject' } })
    await s.write('A', T - 1000, T - 500, 42)
    const res = await s.post('/v1/features/online', {
      service: 'toy',
      rows: [{ route: 'A', dep_minute: 61 }, { route: 'Z' }],
      time: T,
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      service: 'toy',
      version: s.service.version,
      at: T,
      rows: [
        {
          features: {
            distance: { value: 42, status: 'present', eventTime: T - 1000, knownTime: T - 500 },
            hour: { value: 1, status: 'present' },
          },
        },
        {
          features: {
            distance: { value: null, status: 'not_found' },
            hour: { value: null, status: 'null' },
          },
        },
      ],
    })
    const unknown = await s.post('/v1/features/online', { service: 'nope', rows: [{}] })
    expect(unknown.status).toBe(404)
    const noKey = await s.post('/v1/features/online', { service: 'toy', rows: [{}] })
    expect(noKey.status).toBe(422)
    expect(noKey.body['error'].issues[0]!.path).toEqual(['rows', 0, 'route'])
  })

  it('needs the token for reads only where predict does', async () => {
    const s = await setup({ requireTokenForPredict: true })
    const body = { service: 'toy', rows: [{ route: 'A' }] }
    expect((await s.post('/v1/features/online', body)).status).toBe(401)
    expect((await s.post('/v1/features/online', body, AUTH)).status).toBe(200)
  })

  it('pushes through the configured push with the token, 404 without one', async () => {
    const none = await setup()
    const body = { view: 'routes', rows: [{ route: 'A', at: T, known_at: T, distance: 5 }] }
    expect((await none.post('/v1/features/push', body)).status).toBe(401)
    expect((await none.post('/v1/features/push', body, AUTH)).status).toBe(404)

    const push = vi.fn(async (_view: string, rows: readonly Record<string, unknown>[]) => ({
      written: rows.length,
    }))
    const s = await setup({ features: { push } })
    const res = await s.post('/v1/features/push', body, AUTH)
    expect(res).toEqual({ status: 200, body: { view: 'routes', written: 1 } })
    expect(push).toHaveBeenCalledWith('routes', body.rows, expect.any(Number))
    const bad = await s.post('/v1/features/push', { view: 'routes', rows: [3] }, AUTH)
    expect(bad.status).toBe(422)
    expect(push).toHaveBeenCalledTimes(1)
  })
})
