import type { HostedBundle } from '../model-host.js'
import type { PredictInput } from './parse-body.js'

/**
 * The online-feature step of the predict pipeline: rows as the client sent them in, rows with the
 * features stored for their entities joined on out, before routing and the input check. It may
 * answer synchronously (no await on the request path) or with a promise (a store lookup).
 */
export type OnlineFeatureStep = (
  input: PredictInput,
  requested: HostedBundle,
) => PredictInput | Promise<PredictInput>

/** No online features yet: the rows are passed on as sent. The feature store plugs in here. */
export const noOnlineFeatures: OnlineFeatureStep = (input) => input
