import { createPredictionCache, type PredictionCache } from './prediction-cache.js'
import { openRedisOnlineStore } from './redis-online-store.js'

/** Options of {@link openRedisPredictionCache}. */
export interface RedisPredictionCacheOptions {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string
  /**
   * Prepended to every key (default `keel:`), so several services (or tests) share one Redis
   * safely; records sit under `<keyPrefix>pc:`.
   */
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

/** The scale-out prediction cache: a Redis online store of its own. */
export const openRedisPredictionCache = async (
  options: RedisPredictionCacheOptions,
): Promise<RedisPredictionCache> => {
  const { ttlMs, ...store } = options
  const online = await openRedisOnlineStore(store)
  return {
    ...createPredictionCache(online, ttlMs === undefined ? {} : { ttlMs }),
    clear: () => online.clear(),
  }
}
