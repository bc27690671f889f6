/**
 * Materialization on the scale-out backends: the Redis online store (its Lua monotone writes) and
 * the watermark in PostgreSQL. Each runs when its server is configured (KEEL_TEST_REDIS_URL,
 * KEEL_TEST_POSTGRES_URL) and is skipped with the reason otherwise.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSqlMaterializationStateStore } from '../../stores/features/sql-materialization-state-store.js'
import { openMetadataStore } from '../../stores/metadata/open.js'
import { createMemoryOnlineStore } from '../../stores/online/memory-online-store.js'
import type { OnlineStore } from '../../stores/online/online-store.js'
import { openRedisOnlineStore } from '../../stores/online/redis-online-store.js'
import { postgresBackend, postgresReachable } from '../../stores/test-support/backends.js'
import type { MaterializationStateStore } from '../../stores/features/materialization-state-store.js'
import { pointInTimeReference } from '../point-in-time.js'
import { materializeView } from './materialize-view.js'
import { arrayViewRows } from './test-support/array-rows.js'
import { onlineLookups, testFeatureStore } from './test-support/fixtures.js'
import { generatedRows } from './test-support/generated-rows.js'

const REDIS_URL = process.env['KEEL_TEST_REDIS_URL']

/** Two incremental runs (the first cancelled half-way, then rerun), a rebuild to an earlier time. */
const exercise = async (online: OnlineStore, state: MaterializationStateStore): Promise<void> => {
  const view = testFeatureStore(20_000).views.get('late_rate')!
  const rows = generatedRows(7, 800, 150)
  const keys = [...new Set(rows.map((r) => r.key!))]
  const base = {
    readRows: arrayViewRows(new Map([[view.name, rows]]), 100),
    online,
    state,
    target: `t${randomBytes(4).toString('hex')}`,
    batchSize: 20,
  }
  const controller = new AbortController()
  let writes = 0
  await expect(
    materializeView(view, {
      ...base,
      now: 60_000,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && ++writes === 3) controller.abort()
      },
    }),
  ).rejects.toMatchObject({ code: 'CANCELLED' })
  await materializeView(view, { ...base, now: 60_000 })
  await materializeView(view, { ...base, now: 100_000 })
  const at = (t: number) => keys.map((k) => pointInTimeReference(rows, k, t, { ttlMs: view.ttlMs }))
  expect(await onlineLookups(online, view, keys, 100_000)).toEqual(at(100_000))
  const rebuilt = await materializeView(view, { ...base, now: 100_000, to: 50_000, full: true })
  expect(rebuilt.keysCleared).toBeGreaterThan(0)
  expect(await onlineLookups(online, view, keys, 50_000)).toEqual(at(50_000))
}

if (REDIS_URL === undefined) {
  describe.skip('materialize into Redis (skipped: KEEL_TEST_REDIS_URL is not set)', () => {
    it('runs when KEEL_TEST_REDIS_URL names a Redis server', () => undefined)
  })
} else {
  describe('materialize into Redis', () => {
    it('converges after a cancelled run and rebuilds to an earlier time', async () => {
      const options = {
        url: REDIS_URL,
        keyPrefix: `keeltest:${randomBytes(6).toString('hex')}:`,
        commandTimeoutMs: 2000,
      }
      const online = await openRedisOnlineStore(options)
      const meta = await openMetadataStore({ url: 'sqlite::memory:' })
      try {
        await exercise(online, createSqlMaterializationStateStore(meta))
      } finally {
        await online.clear()
        await online.close()
        await meta.close()
      }
    })
  })
}

const reachable = await postgresReachable()
if (reachable.ok) {
  describe('materialize with the watermark in PostgreSQL', () => {
    it('converges after a cancelled run and rebuilds to an earlier time', async () => {
      const handle = await postgresBackend.open()
      try {
        await exercise(
          createMemoryOnlineStore(),
          createSqlMaterializationStateStore(handle.metadata),
        )
      } finally {
        await handle.cleanup()
      }
    })
  })
} else if (process.env.CI === 'true') {
  describe('materialize with the watermark in PostgreSQL', () => {
    it('needs a reachable PostgreSQL under CI', () => {
      throw new Error(`PostgreSQL is not reachable under CI: ${reachable.reason}`)
    })
  })
} else {
  describe.skip(`materialize with the watermark in PostgreSQL (skipped: ${reachable.reason})`, () => {
    it('runs when KEEL_TEST_POSTGRES_URL answers', () => undefined)
  })
}
