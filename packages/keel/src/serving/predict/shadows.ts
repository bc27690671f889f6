import type { Logger } from 'pino'
import type { InputLimits } from '@keel/core'
import type { ServeMetrics } from '../metrics.js'
import type { ModelHost } from '../model-host.js'
import type { Arm } from '../routing/policy.js'
import { checkServedRows, type MissingFeaturePolicy } from './input-policy.js'
import type { PredictInput } from './parse-body.js'

/** What running shadow arms needs from the server. */
export interface ShadowContext {
  readonly host: ModelHost
  readonly metrics: ServeMetrics
  readonly limits: InputLimits
  readonly missingFeatures: MissingFeaturePolicy
  readonly logger?: Logger | undefined
}

const runShadow = async (
  ctx: ShadowContext,
  arm: Arm,
  input: PredictInput,
  requestId: string,
): Promise<void> => {
  let version = '_none'
  try {
    const hosted = ctx.host.peek(arm.model, arm.ref) ?? (await ctx.host.get(arm.model, arm.ref))
    version = hosted.version
    hosted.bundle.predict(checkServedRows(hosted, input, ctx.limits, ctx.missingFeatures).frame)
    ctx.metrics.observeShadow(arm.model, version, 'ok')
  } catch (e) {
    ctx.metrics.observeShadow(arm.model, version, 'error')
    ctx.logger?.warn(
      { err: e, model: arm.model, arm: arm.id, requestId },
      'shadow prediction failed; the answer was not affected',
    )
  }
}

/**
 * Predict a request's rows with each shadow arm, after its answer was sent (the pipeline
 * schedules this with `setImmediate`). Outcomes are counted in `keel_shadow_predictions_total`;
 * shadow predictions are not written to the prediction log, which holds what clients were
 * answered, and a failing shadow is counted and logged, never thrown.
 */
export const runShadows = (
  ctx: ShadowContext,
  arms: readonly Arm[],
  input: PredictInput,
  requestId: string,
): void => {
  for (const arm of arms) void runShadow(ctx, arm, input, requestId)
}
