import type { Issue, PredictionRecord } from '@keel/core'
import type { RowContributions } from '../explain.js'
import type { HostedBundle } from '../model-host.js'

/** One served row: the bundle's record plus its id, the decision and (on request) an explanation. */
export interface ServedPrediction extends PredictionRecord {
  /** `<request id>:<row>`: what feedback for this row refers to. */
  readonly id: string
  /** The class acted on (the thresholded class for binary models); absent for regression. */
  readonly decision?: string
  readonly contributions?: RowContributions
}

/** The body of a successful predict answer. */
export interface PredictResponse {
  readonly request_id: string
  readonly model: string
  readonly version: string
  readonly predictions: readonly ServedPrediction[]
  readonly warnings: readonly Issue[]
}

/**
 * The post-processing step: each record gets the id feedback refers to, the decision acted on
 * and, when asked for, its explanation; the answer names the bundle that made it.
 */
export const predictResponse = (
  requestId: string,
  hosted: HostedBundle,
  records: readonly PredictionRecord[],
  contributions: readonly RowContributions[] | undefined,
  warnings: readonly Issue[],
): PredictResponse => {
  const classification = hosted.bundle.task !== 'regression'
  const predictions: ServedPrediction[] = records.map((r, i) => ({
    id: `${requestId}:${i}`,
    ...r,
    ...(classification ? { decision: r.prediction as string } : {}),
    ...(contributions ? { contributions: contributions[i]! } : {}),
  }))
  return {
    request_id: requestId,
    model: hosted.model,
    version: hosted.version,
    predictions,
    warnings,
  }
}
