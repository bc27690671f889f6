import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PredictionRecord } from '@keel/core'
import { predictionCacheKey, type PredictionCache } from './prediction-cache.js'
import { openSqlitePredictionCache } from './sqlite-prediction-cache.js'
import { openRedisPredictionCache } from './redis-prediction-cache.js'
import { gridRows, precomputePredictions } from '../../serving/precompute.js'
import { postJson, toyServer } from '../../serving/test-support/harness.js'
import { TOY_INPUTS, toyBundle, toyRow } from '../../serving/test-support/toy-bundle.js'
import type { PredictResponse } from '../../serving/predict/response.js'

const REDIS_URL = process.env['KEEL_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379'

type Factory = (ttlMs?: number) => Promise<{ cache: PredictionCache; dispose: () => Promise<void> }>

const sqliteFactory: Factory = async (ttlMs) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-cache-'))
  const cache = openSqlitePredictionCache(
    join(dir, 'cache.db'),
    ttlMs === undefined ? {} : { ttlMs },
  )
  return {
    cache,
    dispose: async () => (await cache.close(), rmSync(dir, { recursive: true, force: true })),
  }
}

// Runs against the real Redis on KEEL_TEST_REDIS_URL, under a key prefix unique to the test.
const redisFactory: Factory = async (ttlMs) => {
  const cache = await openRedisPredictionCache({
    url: REDIS_URL,
    keyPrefix: `keeltest:${randomBytes(6).toString('hex')}:`,
    commandTimeoutMs: 2000,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  })
  return { cache, dispose: async () => (await cache.clear(), await cache.close()) }
}

const record = (p: number): PredictionRecord => ({
  prediction: p >= 0.5 ? 'late' : 'on_time',
  probabilities: { on_time: 1 - p, late: p },
  confidence: Math.max(p, 1 - p),
  defer: false,
})

for (const [name, factory] of [
  ['sqlite', sqliteFactory],
  ['redis', redisFactory],
] as const) {
  describe(`PredictionCache conformance: ${name}`, () => {
    const disposers: (() => Promise<void>)[] = []
    afterEach(async () => {
      await Promise.all(disposers.splice(0).map((d) => d()))
    })
    const open = async (ttl?: number) => {
      const { cache, dispose } = await factory(ttl)
      disposers.push(dispose)
      return cache
    }

    it('misses unknown keys and returns stored records exactly', async () => {
      const cache = await open()
      expect(await cache.getMany(['a', 'b'])).toEqual([undefined, undefined])
      await cache.setMany([
        ['a', record(0.1 + 0.2)],
        ['c', record(0.9)],
      ])
      expect(await cache.getMany(['a', 'b', 'c'])).toEqual([
        record(0.1 + 0.2),
        undefined,
        record(0.9),
      ])
      await cache.setMany([['a', record(0.7)]])
      expect(await cache.getMany(['a'])).toEqual([record(0.7)])
      expect(await cache.getMany([])).toEqual([])
    })

    it('expires entries after the TTL', async () => {
      const cache = await open(30)
      await cache.setMany([['k', record(0.4)]])
      expect(await cache.getMany(['k'])).toEqual([record(0.4)])
      await new Promise((r) => setTimeout(r, 80))
      expect(await cache.getMany(['k'])).toEqual([undefined])
    })
  })
}

describe('predictionCacheKey', () => {
  it('ignores field order and extra fields, and separates versions', () => {
    const k = (v: string, row: Record<string, unknown>) =>
      predictionCacheKey('flights', v, TOY_INPUTS, row)
    expect(k('1', { hour: 3, origin: 'SFO', distance: 10 })).toBe(
      k('1', { distance: 10, origin: 'SFO', hour: 3, extra: 1 }),
    )
    expect(k('1', { distance: null, hour: 3, origin: 'SFO' })).toBe(
      k('1', { hour: 3, origin: 'SFO' }),
    )
    expect(k('1', { hour: 3, origin: 'SFO', distance: 10 })).not.toBe(
      k('2', { hour: 3, origin: 'SFO', distance: 10 }),
    )
    expect(k('1', { hour: 3, origin: 'SFO', distance: 10 })).not.toBe(
      k('1', { hour: 3, origin: 'SFO', distance: 11 }),
    )
  })
})

describe('hybrid serving', () => {
  it('enumerates a grid in a fixed order', () => {
    expect(
      [...gridRows({ a: [1, 2], b: ['x', 'y', 'z'] })].map(
        (r) => `${String(r['a'])}${String(r['b'])}`,
      ),
    ).toEqual(['1x', '1y', '1z', '2x', '2y', '2z'])
    expect([...gridRows({ a: [1], b: [] })]).toEqual([])
  })

  it('answers precomputed inputs from the cache, identically, and counts hits and misses', async () => {
    const { cache, dispose } = await sqliteFactory()
    const grid = { distance: [300, 1200], hour: [6, 18], origin: ['SFO', 'JFK'] }
    const { rows } = await precomputePredictions({
      model: 'flights',
      version: '1',
      bundle: toyBundle(),
      cache,
      grid,
    })
    expect(rows).toBe(8)
    await expect(
      precomputePredictions({
        model: 'flights',
        version: '1',
        bundle: toyBundle(),
        cache,
        grid,
        maxRows: 4,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const { server } = await toyServer({ cache })
    const plain = await toyServer()
    try {
      const body = {
        rows: [
          { distance: 300, hour: 18, origin: 'JFK' },
          toyRow(3),
          { origin: 'SFO', hour: 6, distance: 1200 },
        ],
      }
      const a = (await (
        await postJson(server, '/v1/models/flights/predict', body)
      ).json()) as PredictResponse
      const b = (await (
        await postJson(plain.server, '/v1/models/flights/predict', body)
      ).json()) as PredictResponse
      expect(a.predictions.map(({ id: _, ...r }) => r)).toEqual(
        b.predictions.map(({ id: _, ...r }) => r),
      )
      const metrics = await (await server.app.request('/metrics')).text()
      expect(metrics).toContain(
        'keel_prediction_cache_requests_total{model="flights",result="hit"} 2',
      )
      expect(metrics).toContain(
        'keel_prediction_cache_requests_total{model="flights",result="miss"} 1',
      )
      expect(metrics).toMatch(/keel_prediction_cache_hit_ratio 0\.666/)
      // The miss was written back: the same request now hits three times.
      await new Promise((r) => setTimeout(r, 10))
      await postJson(server, '/v1/models/flights/predict', body)
      expect(await (await server.app.request('/metrics')).text()).toContain('result="hit"} 5')
    } finally {
      await server.close() // closes the cache it was given
      await plain.server.close()
      await dispose()
    }
  })

  it('computes instead of failing when the cache is down', async () => {
    const broken: PredictionCache = {
      backend: 'broken',
      getMany: () => Promise.reject(new Error('connection refused')),
      setMany: () => Promise.reject(new Error('connection refused')),
      close: () => Promise.resolve(),
    }
    const { server } = await toyServer({ cache: broken })
    const res = await postJson(server, '/v1/models/flights/predict', { row: toyRow(1) })
    expect(res.status).toBe(200)
    await server.close()
  })
})
