import { Hono } from 'hono'
import { createEventWriter, type EventWriter } from '../stores/events/index.js'
import { DEFAULT_MODEL_ALIAS } from '../stores/registry/model-ref.js'
import { bearerCheck } from './auth.js'
import { errorHandlers } from './error-response.js'
import { createServeMetrics, type ServeMetrics } from './metrics.js'
import { createModelHost } from './model-host.js'
import { createOnlineFeatureStep } from './predict/online-features.js'
import { createPredictPipeline } from './predict/pipeline.js'
import { createReadiness, servedModels } from './readiness.js'
import { singleRouting } from './routing/single.js'
import { adminRoutes } from './routes/admin.js'
import { featureRoutes } from './routes/features.js'
import { feedbackRoutes } from './routes/feedback.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { modelsRoutes } from './routes/models.js'
import { openApiRoutes } from './routes/openapi.js'
import { openInferenceRoutes } from './routes/open-inference.js'
import { predictRoutes } from './routes/predict.js'
import type { ServeDeps } from './serve-deps.js'
import { DEFAULT_SERVE_LIMITS, type ServeOptions } from './server-types.js'

/** The routes of one server and the dependencies they share. */
export interface ServeApp {
  readonly app: Hono
  readonly deps: ServeDeps
}

const eventWriterOf = (options: ServeOptions, metrics: ServeMetrics): EventWriter | null => {
  const { logger, onAlert } = options
  if (options.eventLog === undefined)
    logger?.warn('no event log configured: predictions are not logged')
  if (!options.eventLog) return null
  const writer = createEventWriter(options.eventLog, {
    ...options.eventWriter,
    ...(logger ? { logger } : {}),
    ...(onAlert ? { onAlert } : {}),
  })
  metrics.trackEvents(writer)
  return writer
}

/** Build what the routes share from the server's options: each part once, for every route. */
const createServeDeps = (options: ServeOptions, draining: () => boolean): ServeDeps => {
  const { logger } = options
  const limits = { ...DEFAULT_SERVE_LIMITS, ...options.limits }
  const defaultAlias = options.defaultAlias ?? DEFAULT_MODEL_ALIAS
  const requireToken = bearerCheck(options.token === '' ? undefined : options.token)
  const metrics = createServeMetrics({ defaultMetrics: options.defaultMetrics ?? true })
  const served = servedModels(options.models ?? [], defaultAlias)
  const host = createModelHost({
    source: options.source,
    pollIntervalMs: options.reloadIntervalMs ?? 30_000,
    hold: served.flatMap((m) => ('version' in m.ref ? [{ model: m.name, ...m.ref }] : [])),
    onEvict: (model, version) => metrics.forgetVersion(model, version),
    ...(options.maxCachedVersions !== undefined
      ? { maxCachedVersions: options.maxCachedVersions }
      : {}),
    ...(logger ? { logger } : {}),
  })
  const writer = eventWriterOf(options, metrics)
  const features = options.features
  const predict = createPredictPipeline({
    host,
    routing: options.routing ?? singleRouting(),
    limits,
    defaultAlias,
    requireToken,
    requireTokenForPredict: options.requireTokenForPredict ?? false,
    metrics,
    writer,
    log: options.log,
    cache: options.cache,
    cacheModels: options.cacheModels ? new Set(options.cacheModels) : null,
    missingFeatures: options.missingFeatures ?? 'impute',
    ...(features
      ? {
          features: createOnlineFeatureStep({
            featureStore: features.featureStore,
            store: features.onlineStore,
            metrics,
            maxRows: limits.maxRows,
            ...(features.fallback ? { fallback: features.fallback } : {}),
            ...(features.timeoutMs !== undefined ? { timeoutMs: features.timeoutMs } : {}),
            ...(features.materialized ? { materialized: features.materialized } : {}),
          }),
        }
      : {}),
    logger,
  })
  return {
    limits,
    requireToken,
    requireTokenForMetrics: options.requireTokenForMetrics ?? false,
    metrics,
    host,
    writer,
    readiness: createReadiness(host, served),
    draining,
    predict,
    requireTokenForPredict: options.requireTokenForPredict ?? false,
    features,
    logger,
  }
}

/**
 * Wire a server's HTTP app: the shared dependencies, one sub-app per route group mounted with
 * `app.route()`, and one error mapping for all of them. `draining` tells `/readyz` that shutdown
 * started.
 */
export const createServeApp = (options: ServeOptions, draining: () => boolean): ServeApp => {
  const deps = createServeDeps(options, draining)
  const { onError, notFound } = errorHandlers(options.logger)
  const app = new Hono()
    .route('/', predictRoutes(deps))
    .route('/', feedbackRoutes(deps))
    .route('/', featureRoutes(deps))
    .route('/', adminRoutes(deps))
    .route('/', modelsRoutes(deps))
    .route('/', healthRoutes(deps))
    .route('/', metricsRoutes(deps))
    .route('/', openApiRoutes(deps))
    .route(
      '/',
      openInferenceRoutes(deps, {
        defaultAlias: options.defaultAlias ?? DEFAULT_MODEL_ALIAS,
        requireTokenForPredict: options.requireTokenForPredict ?? false,
      }),
    )
  app.onError(onError)
  app.notFound(notFound)
  return { app, deps }
}
