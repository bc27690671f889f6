import { createHash } from 'node:crypto'
import type { InputField, PredictionRecord } from '@keel/core'
import { canonicalJson } from '../events/canonical-json.js'

/**
 * A store of precomputed predictions: the static half of hybrid serving. Low-cardinality inputs
 * (an airport pair and an hour, a product and a condition) are answered from here; everything else
 * is computed on demand. Keys include the bundle version, so a new version never serves an old
 * answer. Backends: SQLite (embedded) and Redis.
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
