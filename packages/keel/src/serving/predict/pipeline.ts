import type { Logger } from 'pino'
import { KeelError, type InputLimits } from '@keel/core'
import type { EventWriter } from '../../stores/events/index.js'
import type { PredictionCache } from '../../stores/online/prediction-cache.js'
import type { TokenCheck } from '../auth.js'
import type { BundleRef } from '../bundle-source.js'
import { errorBody } from '../error-response.js'
import { explainRows } from '../explain.js'
import type { ServeMetrics } from '../metrics.js'
import type { HostedBundle, ModelHost } from '../model-host.js'
import { readJsonBody } from '../request-body.js'
import { newRequestId } from '../request-id.js'
import { flag, isIncoming, NAME, refOf } from '../request-params.js'
import type { Arm, RoutingPolicy } from '../routing/policy.js'
import type { PredictAnswer, PredictCall, ServeLimits } from '../server-types.js'
import { checkServedRows, type MissingFeaturePolicy } from './input-policy.js'
import { createPredictionLogStep, type PredictionLogOptions } from './log-predictions.js'
import { noOnlineFeatures, type OnlineFeatureStep } from './online-features.js'
import { parsePredictBody } from './parse-body.js'
import { rowIssuePaths } from './request-issues.js'
import { predictResponse } from './response.js'
import { predictRecords, predictRecordsCached } from './run-bundle.js'
import { runShadows, type ShadowContext } from './shadows.js'

/** Answers one predict call: what the HTTP route, the Node fast path and library callers all run. */
export type PredictPipeline = (call: PredictCall) => Promise<PredictAnswer>

/** What the predict pipeline needs from the server. */
export interface PredictPipelineDeps {
  readonly host: ModelHost
  readonly routing: RoutingPolicy
  readonly limits: ServeLimits
  /** The alias a call without `alias` or `version` gets. */
  readonly defaultAlias: string
  readonly requireToken: TokenCheck
  /** Also require the token on predict (it is always required for supplied event times). */
  readonly requireTokenForPredict: boolean
  readonly metrics: ServeMetrics
  readonly writer: EventWriter | null
  /** What is logged per prediction and whether an answer waits for its event (durable mode). */
  readonly log?: PredictionLogOptions | undefined
  readonly cache?: PredictionCache | undefined
  /** The models whose predictions go through the cache (null: all). */
  readonly cacheModels?: ReadonlySet<string> | null
  readonly features?: OnlineFeatureStep
  /** What a missing input value gets (default `impute`, with a warning). */
  readonly missingFeatures?: MissingFeaturePolicy
  readonly logger?: Logger | undefined
}

/**
 * The primary arm's bundle when it is at hand without a wait: the requested bundle itself (what
 * `singleRouting` always picks), or an alias already loaded; else undefined, and the caller loads it.
 */
const loadedBundle = (
  host: ModelHost,
  arm: Arm,
  requested: HostedBundle,
  ref: BundleRef,
): HostedBundle | undefined => {
  const same =
    arm.model === requested.model &&
    ('alias' in ref
      ? 'alias' in arm.ref && arm.ref.alias === ref.alias
      : 'version' in arm.ref && arm.ref.version === ref.version)
  return same ? requested : host.peek(arm.model, arm.ref)
}

/** A failed call as its error answer, counted under the bundle it reached (if any). */
const errorAnswer = (
  deps: Pick<PredictPipelineDeps, 'metrics' | 'logger'>,
  e: unknown,
  requestId: string,
  at: HostedBundle | undefined,
  started: number,
): PredictAnswer => {
  const { logger } = deps
  const { status, body } = errorBody(e, { requestId, ...(logger ? { logger } : {}) })
  const outcome = status >= 500 ? 'server_error' : 'client_error'
  const seconds = (performance.now() - started) / 1000
  deps.metrics.observeRequest(at?.model ?? '_unknown', at?.version ?? '_none', outcome, seconds)
  return { status, requestId, json: JSON.stringify(body) }
}

/**
 * The one predict path: check the call → resolve the requested bundle (before the body is read,
 * so an unknown model costs no body) → parse the body → online features → route (the policy picks
 * the primary arm and any shadows) → predict with the primary arm's bundle → post-process → log →
 * answer; shadows run after the answer. Every failure becomes the error answer here, counted in
 * the metrics, so callers never see a throw. Everything a call can share is built once, here: a
 * call allocates no closure, and awaits only the body, a bundle load, a promised feature step and
 * the prediction cache.
 */
export const createPredictPipeline = (deps: PredictPipelineDeps): PredictPipeline => {
  const { host, routing, metrics, writer, limits } = deps
  const features = deps.features ?? noOnlineFeatures
  const inputLimits: InputLimits = {
    maxRows: limits.maxRows,
    maxFields: limits.maxFields,
    maxStringLength: limits.maxStringLength,
  }
  const missingFeatures = deps.missingFeatures ?? 'impute'
  const shadowContext: ShadowContext = { ...deps, limits: inputLimits, missingFeatures }
  const logStep = writer ? createPredictionLogStep(writer, metrics, deps.log) : null
  const cacheModels = deps.cacheModels ?? null
  const cacheFor = (model: string): PredictionCache | undefined =>
    cacheModels === null || cacheModels.has(model) ? deps.cache : undefined

  return async (call) => {
    const started = performance.now()
    const requestId = newRequestId()
    let at: HostedBundle | undefined // the bundle the request's metrics are labelled with
    try {
      if (deps.requireTokenForPredict) deps.requireToken(call.authorization)
      if (!NAME.test(call.model)) throw new KeelError('NOT_FOUND', 'no such model')
      const ref = refOf(call.alias, call.version, deps.defaultAlias)
      const explain = flag(call.explain)
      const requested = (at = host.peek(call.model, ref) ?? (await host.get(call.model, ref)))
      const raw = call.body
      const body = raw instanceof Request || isIncoming(raw) ? await readJsonBody(raw, limits) : raw
      const parsed = parsePredictBody(body, explain)
      // Supplied event times rewrite the monitoring timeline: only for holders of the token.
      if (parsed.times) deps.requireToken(call.authorization)
      const featured = features(parsed, requested)
      const input = featured instanceof Promise ? await featured : featured
      const { rows } = input
      const { primary, shadows } = routing.route({ model: call.model, ref, requestId, rows })
      const hosted = (at =
        loadedBundle(host, primary, requested, ref) ?? (await host.get(primary.model, primary.ref)))
      const check = checkServedRows(hosted, input, inputLimits, missingFeatures, metrics.registry)
      const cache = input.explain ? undefined : cacheFor(hosted.model)
      const records = cache
        ? await predictRecordsCached(deps, cache, hosted, rows, check.frame)
        : predictRecords(deps, hosted, check.frame)
      const contributions = input.explain ? explainRows(hosted.bundle, check.frame) : undefined
      const warnings = rowIssuePaths(check.warnings, input.single)
      const response = predictResponse(requestId, hosted, records, contributions, warnings)
      const logged = logStep?.(requestId, hosted, input, response.predictions, records)
      if (logged) await logged
      const json = JSON.stringify(response)
      const seconds = (performance.now() - started) / 1000
      metrics.observeRequest(hosted.model, hosted.version, 'ok', seconds)
      if (shadows.length > 0) setImmediate(runShadows, shadowContext, shadows, input, requestId)
      return { status: 200, requestId, json }
    } catch (e) {
      return errorAnswer(deps, e, requestId, at, started)
    }
  }
}
