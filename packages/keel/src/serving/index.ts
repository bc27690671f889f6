/**
 * The prediction service: `createServer` answers `POST /v1/models/{name}/predict` with the bundle an
 * alias or version points at, logs every prediction off the response path, takes delayed labels on
 * `POST /v1/feedback`, and exposes `/healthz`, `/readyz`, `/metrics` and `/openapi.json`.
 *
 * @module
 */
export { createServer } from './server.js'
export {
  DEFAULT_SERVE_LIMITS,
  type ServeOptions,
  type ServeLimits,
  type ServedModel,
  type KeelServer,
  type ListenInfo,
  type PredictCall,
  type PredictAnswer,
} from './server-types.js'
export {
  createMemoryBundleSource,
  type BundleSource,
  type BundleRef,
  type MemoryBundleSource,
} from './bundle-source.js'
export {
  createModelHost,
  type ModelHost,
  type ModelHostOptions,
  type HostedBundle,
  type ReloadChange,
  type ReloadReport,
} from './model-host.js'
export {
  parsePredictBody,
  predictWithBundle,
  type PredictInput,
  type PredictResponse,
  type ServedPrediction,
  type PredictContext,
} from './predict-handler.js'
export {
  canExplain,
  explainRows,
  type ExplainableModel,
  type RowContributions,
  type OutputContributions,
} from './explain.js'
export { parseFeedback } from './feedback.js'
export { errorBody, type ErrorBody } from './error-response.js'
export { createServeMetrics, type ServeMetrics } from './metrics.js'
export { openApiDocument, inputRowSchema } from './openapi.js'
export { readJsonBody, type BodyLimits } from './request-body.js'
export { predictionCacheKey, type PredictionCache } from '../stores/online/prediction-cache.js'
export {
  openSqlitePredictionCache,
  type SqlitePredictionCacheOptions,
} from '../stores/online/sqlite-prediction-cache.js'
export {
  openRedisPredictionCache,
  type RedisPredictionCache,
  type RedisPredictionCacheOptions,
} from '../stores/online/redis-prediction-cache.js'
export { precomputePredictions, gridRows, type PrecomputeOptions } from './precompute.js'
export { createRegistryBundleSource, bundleRefOf } from './registry-bundle-source.js'
