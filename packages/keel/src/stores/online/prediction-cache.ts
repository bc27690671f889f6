import { createHash } from 'node:crypto'
import type { InputField, PredictionRecord } from '@keel/core'
import { canonicalJson } from '../events/canonical-json.js'
import type { OnlineStore } from './online-store.js'

/**
 * A store of precomputed predictions: the static half of hybrid serving. Low-cardinality inputs
 * (an airport pair and an hour, a product and a condition) are answered from here; everything else
 * is computed on demand. Keys include the bundle version, so a new version never serves an old
 * answer. It is a client of the {@link OnlineStore} (SQLite embedded, Redis scale-out): see
 * {@link createPredictionCache}.
 */
export interface PredictionCache {
  readonly backend: string
  /** The cached record per key, `undefined` for a miss. */
  getMany(keys: readonly string[]): Promise<(PredictionRecord | undefined)[]>
  setMany(entries: readonly (readonly [key: string, record: PredictionRecord])[]): Promise<void>
  close(): Promise<void>
}

/**
 * The cache key of one input row for one bundle version: the row restricted to the bundle's input
 * fields (extra fields do not change a prediction), in canonical JSON, hashed to a fixed length.
 */
export const predictionCacheKey = (
  model: string,
  version: string,
  inputs: readonly InputField[],
  row: Readonly<Record<string, unknown>>,
): string => {
  const picked: Record<string, unknown> = {}
  for (const f of inputs) picked[f.name] = row[f.name] ?? null
  const digest = createHash('sha256').update(canonicalJson(picked)).digest('base64url')
  return `${model}@${version}:${digest}`
}

/** The online-store namespace of precomputed predictions. */
export const PREDICTION_CACHE_NAMESPACE = 'pc'

/** Options of {@link createPredictionCache}. */
export interface PredictionCacheOptions {
  /** Entries expire after this long (ms); absent means never (keys carry the version anyway). */
  readonly ttlMs?: number
}

/**
 * A prediction cache over `store`: records as JSON under {@link PREDICTION_CACHE_NAMESPACE}.
 * Closing the cache closes the store (the service closes the cache it was given).
 */
export const createPredictionCache = (
  store: OnlineStore,
  options: PredictionCacheOptions = {},
): PredictionCache => {
  const write = options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }
  return {
    backend: store.backend,
    async getMany(keys) {
      const values = await store.getMany(PREDICTION_CACHE_NAMESPACE, keys)
      return values.map((v) => (v === undefined ? undefined : (JSON.parse(v) as PredictionRecord)))
    },
    async setMany(entries) {
      await store.setMany(
        PREDICTION_CACHE_NAMESPACE,
        entries.map(([k, r]) => [k, JSON.stringify(r)] as const),
        write,
      )
    },
    close: () => store.close(),
  }
}
