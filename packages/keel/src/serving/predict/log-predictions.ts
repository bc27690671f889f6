import { KeelError, type InputField, type PredictionRecord } from '@keel/core'
import type { EventWriter, PredictionEvent, ServedFeatures } from '../../stores/events/index.js'
import type { ServeMetrics } from '../metrics.js'
import type { HostedBundle } from '../model-host.js'
import type { PredictInput } from './parse-body.js'
import type { ServedPrediction } from './response.js'

/** How the service writes its prediction log (the `log` option of the server). */
export interface PredictionLogOptions {
  /**
   * Largest logged inputs of one prediction event, in bytes of JSON (default 64 KiB). Inputs over
   * it are replaced by `{}` and the event records `inputsTruncated` (their size and field count);
   * ids, model, version and output are always logged, so monitoring and label joins still work.
   */
  readonly maxEventBytes?: number
  /**
   * Durable mode (default false): a predict answer waits until its events are stored in the event
   * log; concurrent requests share one append (group commit). When the log cannot store them
   * within `durableTimeoutMs`, the request fails with 503 instead of answering unlogged. Without
   * it, events are buffered and flushed every ~50 ms off the response path: a kill -9 loses what
   * was answered in the last flush window (a graceful stop flushes everything).
   */
  readonly durable?: boolean
  /** Longest a durable answer waits for its events (ms, default 5000). */
  readonly durableTimeoutMs?: number
}

/** The default bound on one event's logged inputs. */
export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024

/**
 * Logs one served request: returns nothing in the default mode, or a promise of the events being
 * stored in durable mode (rejected with `UNAVAILABLE` when they are not stored in time).
 */
export type PredictionLogStep = (
  requestId: string,
  hosted: HostedBundle,
  input: PredictInput,
  served: readonly ServedPrediction[],
  records: readonly PredictionRecord[],
) => Promise<void> | undefined

// JSON of one string is at most 6 bytes per UTF-16 unit (`\u001f`) plus its quotes; of a number,
// boolean or null at most 24. Below this cheap bound, the exact size need not be computed.
const jsonBound = (v: unknown): number => (typeof v === 'string' ? v.length * 6 + 2 : 24)

/**
 * The declared inputs of one row (and the columns its online features were looked up by), and
 * how many of the row's fields were left out.
 */
const declaredInputs = (
  row: Readonly<Record<string, unknown>>,
  fields: readonly InputField[],
  keys: readonly string[] | undefined,
): { inputs: Record<string, unknown>; dropped: number; bound: number } => {
  const inputs: Record<string, unknown> = {}
  let kept = 0
  let bound = 2
  for (const f of fields) {
    const v = row[f.name]
    if (v === undefined) continue
    inputs[f.name] = v
    kept++
    bound += f.name.length * 6 + 4 + jsonBound(v)
  }
  if (keys) {
    for (const k of keys) {
      const v = row[k]
      if (v === undefined || k in inputs) continue
      inputs[k] = v
      kept++
      bound += k.length * 6 + 4 + jsonBound(v)
    }
  }
  return { inputs, dropped: Object.keys(row).length - kept, bound }
}

/** A cheap upper bound of the JSON size of served features (names and values). */
const featuresBound = (features: ServedFeatures): number => {
  let bound = 96 + features.service.length * 6 + features.version.length * 6
  for (const [name, f] of Object.entries(features.values))
    bound += name.length * 6 + 112 + jsonBound(f.value)
  return bound
}

/**
 * The log step: one prediction event per served row. Only the bundle's declared inputs are logged
 * (fields the model does not read are dropped and counted in `droppedFields`; the key columns of
 * online features are kept), with the feature values the row was served with, and inputs over the
 * byte bound are replaced by a marker: what a client sends can never grow the log by more than
 * the bound per row. A row's event time is the one a trusted replay supplied, else now.
 */
export const createPredictionLogStep = (
  writer: EventWriter,
  metrics: ServeMetrics,
  options: PredictionLogOptions = {},
): PredictionLogStep => {
  const maxBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES
  const durable = options.durable ?? false
  const timeoutMs = options.durableTimeoutMs ?? 5000
  return (requestId, hosted, input, served, records) => {
    const { model, version } = hosted
    const fields = hosted.bundle.inputs
    const n = records.length
    const time = Date.now()
    const events: PredictionEvent[] = new Array<PredictionEvent>(n)
    let truncated = 0
    let droppedFields = 0
    for (let i = 0; i < n; i++) {
      const entity = input.entities?.[i]
      const supplied = input.times?.[i]
      const row = declaredInputs(
        input.rows[i] as Record<string, unknown>,
        fields,
        input.featureKeys,
      )
      droppedFields += row.dropped
      let inputs = row.inputs
      let features = input.features?.[i]
      let marker: PredictionEvent['inputsTruncated']
      const featureBound = features === undefined ? 0 : featuresBound(features)
      if (row.bound + featureBound > maxBytes) {
        // The served features count against the same bound: inputs give way first (the features
        // are what the consistency check reads); features alone over the bound are left out.
        const featureBytes = features ? Buffer.byteLength(JSON.stringify(features)) : 0
        const dropFeatures = featureBytes > maxBytes
        if (dropFeatures) features = undefined
        const bytes = Buffer.byteLength(JSON.stringify(inputs))
        if (bytes + (features ? featureBytes : 0) > maxBytes) {
          marker = { bytes, fields: Object.keys(inputs).length }
          inputs = {}
        }
        if (marker || dropFeatures) truncated++
      }
      events[i] = {
        kind: 'prediction',
        id: served[i]!.id,
        requestId,
        time: supplied ?? time,
        ...(supplied === undefined ? {} : { receivedAt: time }),
        model,
        version,
        ...(entity ? { entity } : {}),
        inputs,
        ...(marker ? { inputsTruncated: marker } : {}),
        ...(row.dropped > 0 ? { droppedFields: row.dropped } : {}),
        output: records[i]!,
        ...(features ? { features } : {}),
        source: 'http',
      }
    }
    metrics.observeLogged(truncated, droppedFields)
    if (!durable) {
      writer.push(events)
      return undefined
    }
    return writer.pushDurable(events, timeoutMs).catch((e: unknown) => {
      throw new KeelError(
        'UNAVAILABLE',
        `the prediction was made but could not be logged (durable log): ${(e as Error).message}`,
        { cause: e },
      )
    })
  }
}
