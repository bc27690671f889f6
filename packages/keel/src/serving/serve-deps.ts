import type { Logger } from 'pino'
import type { EventWriter } from '../stores/events/index.js'
import type { TokenCheck } from './auth.js'
import type { ServeMetrics } from './metrics.js'
import type { ModelHost } from './model-host.js'
import type { PredictPipeline } from './predict/pipeline.js'
import type { Readiness } from './readiness.js'
import type { ServeFeatureOptions, ServeLimits } from './server-types.js'

/**
 * What the routes share, built once per server by `createServeApp`. Each route takes the part it
 * reads (`Pick<ServeDeps, …>`), so a route's signature says what it may touch.
 */
export interface ServeDeps {
  readonly limits: ServeLimits
  /** The bearer-token check of admin and write endpoints. */
  readonly requireToken: TokenCheck
  /** Also require the token on `/metrics`. */
  readonly requireTokenForMetrics: boolean
  readonly metrics: ServeMetrics
  readonly host: ModelHost
  /** The prediction-log writer, when logging is on. */
  readonly writer: EventWriter | null
  readonly readiness: Readiness
  /** True once shutdown started (`/readyz` then answers 503). */
  readonly draining: () => boolean
  /** The one predict path, shared by the HTTP route and the Node listener. */
  readonly predict: PredictPipeline
  /** Require the token on predict-like reads (predict, `/v1/features/online`). */
  readonly requireTokenForPredict: boolean
  /** The feature store and online store, when the server serves online features. */
  readonly features?: ServeFeatureOptions | undefined
  readonly logger?: Logger | undefined
}
