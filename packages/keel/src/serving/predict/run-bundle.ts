import type { Logger } from 'pino'
import {
  predictionRecord,
  type BundlePredictions,
  type Frame,
  type Issue,
  type PredictionRecord,
} from '@keel/core'
import { predictionCacheKey, type PredictionCache } from '../../stores/online/prediction-cache.js'
import type { ServeMetrics } from '../metrics.js'
import type { HostedBundle } from '../model-host.js'

/** What running a bundle needs from the server. */
export interface BundleRunContext {
  readonly metrics: ServeMetrics
  readonly logger?: Logger | undefined
}

/** A request's rows as the bundle's frame, with the warnings the check raised. */
export interface CheckedRows {
  readonly frame: Frame
  readonly warnings: readonly Issue[]
}

const toRecords = (p: BundlePredictions): PredictionRecord[] => {
  const out = new Array<PredictionRecord>(p.n)
  for (let i = 0; i < p.n; i++) out[i] = predictionRecord(p, i)
  return out
}

/**
 * One record per row from `bundle.predict`, so that library, batch and HTTP answers are
 * identical; the predicted values are counted in the metrics.
 */
export const predictRecords = (
  ctx: BundleRunContext,
  hosted: HostedBundle,
  frame: Frame,
): PredictionRecord[] => {
  const predictions = hosted.bundle.predict(frame)
  ctx.metrics.observePredictions(hosted.model, hosted.version, predictions)
  return toRecords(predictions)
}

/**
 * {@link predictRecords} through the prediction cache: cached rows are read, the others computed
 * and written back without waiting. A failing cache is an accelerator gone, not a failed request.
 */
export const predictRecordsCached = async (
  ctx: BundleRunContext,
  cache: PredictionCache,
  hosted: HostedBundle,
  rows: readonly unknown[],
  frame: Frame,
): Promise<PredictionRecord[]> => {
  const { bundle, model, version } = hosted
  const keys = rows.map((r) =>
    predictionCacheKey(model, version, bundle.inputs, r as Record<string, unknown>),
  )
  let cached: (PredictionRecord | undefined)[]
  try {
    cached = await cache.getMany(keys)
  } catch (e) {
    ctx.logger?.warn({ err: e, model }, 'prediction cache lookup failed; computing instead')
    cached = new Array<PredictionRecord | undefined>(rows.length)
  }
  const miss: number[] = []
  for (let i = 0; i < rows.length; i++) if (cached[i] === undefined) miss.push(i)
  ctx.metrics.observeCache(model, rows.length - miss.length, miss.length)
  if (miss.length === 0) return cached as PredictionRecord[]
  const computed = predictRecords(
    ctx,
    hosted,
    miss.length === rows.length ? frame : frame.take(miss),
  )
  const out = cached.slice()
  miss.forEach((r, j) => (out[r] = computed[j]))
  cache.setMany(miss.map((r, j) => [keys[r]!, computed[j]!] as const)).catch((e: unknown) => {
    ctx.logger?.warn({ err: e, model }, 'prediction cache write failed')
  })
  return out as PredictionRecord[]
}
