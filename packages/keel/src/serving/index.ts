/**
 * The prediction service: `createServer` answers `POST /v1/models/{name}/predict` with the bundle an
 * alias or version points at (or the arm a {@link RoutingPolicy} picks), logs every prediction off
 * the response path, takes delayed labels on `POST /v1/feedback`, and exposes `/healthz`,
 * `/readyz`, `/metrics` and `/openapi.json`; the Open Inference Protocol (KServe v2) endpoints
 * under `/v2` answer through the same predict path. With a feature store (the `features` option),
 * a bundle trained on a feature service is served from entity keys (its features read from the
 * online store), and `/v1/features/online` and `/v1/features/push` read and write feature values.
 *
 * @module
 */
export { createServer } from './server.js'
export {
  DEFAULT_CONNECTION_LIMITS,
  DEFAULT_SERVE_LIMITS,
  type ServeConnectionLimits,
  type ServeOptions,
  type ServeLimits,
  type ServedModel,
  type KeelServer,
  type ListenInfo,
  type PredictCall,
  type PredictAnswer,
  type ServeFeatureOptions,
  type PushFeatures,
} from './server-types.js'
export { DEFAULT_FEATURE_TIMEOUT_MS, type FeatureFallback } from './predict/online-features.js'
export type { OnlineFeaturesAnswer } from './routes/features.js'
export type { PredictResponse, ServedPrediction } from './predict/response.js'
export { MISSING_FEATURE_POLICIES, type MissingFeaturePolicy } from './predict/input-policy.js'
export { DEFAULT_MAX_EVENT_BYTES, type PredictionLogOptions } from './predict/log-predictions.js'
export type { RowContributions, OutputContributions } from './explain.js'
export type { ErrorBody } from './error-response.js'
export type { Arm, Routing, RoutingPolicy, RoutingRequest } from './routing/policy.js'
export { singleRouting } from './routing/single.js'
export {
  createMemoryBundleSource,
  type BundleSource,
  type BundleRef,
  type MemoryBundleSource,
} from './bundle-source.js'
export { createRegistryBundleSource, bundleRefOf } from './registry-bundle-source.js'
export type { ModelHost, HostedBundle, ReloadChange, ReloadReport } from './model-host.js'
export { precomputePredictions, gridRows, type PrecomputeOptions } from './precompute.js'
export type { PredictionCache } from '../stores/online/prediction-cache.js'
export {
  openSqlitePredictionCache,
  type SqlitePredictionCacheOptions,
} from '../stores/online/sqlite-prediction-cache.js'
export {
  openRedisPredictionCache,
  type RedisPredictionCache,
  type RedisPredictionCacheOptions,
} from '../stores/online/redis-prediction-cache.js'
