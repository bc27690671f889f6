import type { PredictionRecord } from '@keel/core'
import type { EventWriter, PredictionEvent } from '../../stores/events/index.js'
import type { HostedBundle } from '../model-host.js'
import type { PredictInput } from './parse-body.js'
import type { ServedPrediction } from './response.js'

/**
 * The log step: one prediction event per served row, handed to the event writer without waiting
 * (the writer buffers, retries and alerts off the response path). A row's event time is the one
 * a trusted replay supplied, else now.
 */
export const logPredictions = (
  writer: EventWriter,
  requestId: string,
  hosted: HostedBundle,
  input: PredictInput,
  served: readonly ServedPrediction[],
  records: readonly PredictionRecord[],
): void => {
  const { model, version } = hosted
  const n = records.length
  const time = Date.now()
  const events: PredictionEvent[] = new Array<PredictionEvent>(n)
  for (let i = 0; i < n; i++) {
    const entity = input.entities?.[i]
    const supplied = input.times?.[i]
    events[i] = {
      kind: 'prediction',
      id: served[i]!.id,
      requestId,
      time: supplied ?? time,
      ...(supplied === undefined ? {} : { receivedAt: time }),
      model,
      version,
      ...(entity ? { entity } : {}),
      inputs: input.rows[i] as Record<string, unknown>,
      output: records[i]!,
      source: 'http',
    }
  }
  writer.push(events)
}
