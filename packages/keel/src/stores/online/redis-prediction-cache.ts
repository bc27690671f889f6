import { KeelError, type PredictionRecord } from '@keel/core'
import { importRedis, type RedisClient } from '../drivers.js'
import type { PredictionCache } from './prediction-cache.js'

/** Options of {@link openRedisPredictionCache}. */
export interface RedisPredictionCacheOptions {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string
  /** Prepended to every key, so several services (or tests) share one Redis safely. */
  readonly keyPrefix?: string
  /** Entries expire after this long (ms); absent means never. */
  readonly ttlMs?: number
  /** A lookup slower than this fails (and the service computes instead), default 50 ms. */
  readonly commandTimeoutMs?: number
}

/** A Redis-backed cache can also delete everything under its prefix (tests and teardown). */
export interface RedisPredictionCache extends PredictionCache {
  clear(): Promise<void>
}

/** A key prefix as a literal in a Redis MATCH pattern. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

/** The scale-out prediction cache: one Redis string per key, read with MGET. */
export const openRedisPredictionCache = async (
  options: RedisPredictionCacheOptions,
): Promise<RedisPredictionCache> => {
  const RedisCtor = await importRedis('The Redis prediction cache')
  const prefix = options.keyPrefix ?? 'keel:pc:'
  const redis: RedisClient = new RedisCtor(options.url, {
    lazyConnect: true,
    commandTimeout: options.commandTimeoutMs ?? 50,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  })
  try {
    await redis.connect()
  } catch (e) {
    redis.disconnect()
    throw new KeelError(
      'UNAVAILABLE',
      `cannot reach Redis at ${options.url}: ${(e as Error).message}`,
      { cause: e },
    )
  }
  return {
    backend: 'redis',
    async getMany(keys) {
      if (keys.length === 0) return []
      const values = await redis.mget(keys.map((k) => prefix + k))
      return values.map((v) => (v === null ? undefined : (JSON.parse(v) as PredictionRecord)))
    },
    async setMany(entries) {
      if (entries.length === 0) return
      const pipe = redis.pipeline()
      for (const [k, r] of entries) {
        if (options.ttlMs === undefined) pipe.set(prefix + k, JSON.stringify(r))
        else pipe.set(prefix + k, JSON.stringify(r), 'PX', options.ttlMs)
      }
      const results = await pipe.exec()
      const failed = results?.find(([err]) => err !== null)
      if (failed) throw new KeelError('UNAVAILABLE', `Redis write failed: ${failed[0]!.message}`)
    },
    async clear() {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${globEscape(prefix)}*`,
          'COUNT',
          500,
        )
        if (keys.length > 0) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
