import type { IncomingMessage } from 'node:http'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type {
  EventLog,
  EventLogAlert,
  EventWriter,
  EventWriterOptions,
} from '../stores/events/index.js'
import type { BundleSource } from './bundle-source.js'
import type { PredictionLogOptions } from './predict/log-predictions.js'
import type { ModelHost, ReloadReport } from './model-host.js'
import type { PredictionCache } from '../stores/online/prediction-cache.js'
import type { MissingFeaturePolicy } from './predict/input-policy.js'
import type { RoutingPolicy } from './routing/policy.js'
import type { FeatureFallback } from './predict/online-features.js'
import type { ResolvedFeatureStore, ResolvedService } from '../features/definitions.js'
import type { OnlineStore } from '../stores/online/online-store.js'

/**
 * Write pushed feature values of one view (what `POST /v1/features/push` calls): `rows` as the
 * client sent them, `now` the time they are known at. Resolves to how many rows were written.
 */
export type PushFeatures = (
  view: string,
  rows: readonly Record<string, unknown>[],
  now: number,
) => Promise<{ written: number }>

/** Online features: where a bundle trained on a feature service gets its features from. */
export interface ServeFeatureOptions {
  /** The project's feature store (`resolveFeatureStore` over `keel.config.ts`). */
  readonly featureStore: ResolvedFeatureStore
  /** The online store materialization and pushes write to (owned and closed by the server). */
  readonly onlineStore: OnlineStore
  /**
   * When the online store fails or does not answer within `timeoutMs`: `reject` (default; 503
   * `UNAVAILABLE`) or `missing` (predict with every fetched value missing, status `not_found`).
   * Either way it is counted in `keel_online_store_errors_total`.
   */
  readonly fallback?: FeatureFallback
  /** Longest wait for one online read (ms, default 500). */
  readonly timeoutMs?: number
  /** Writes `POST /v1/features/push` (absent: that route answers 404). */
  readonly push?: PushFeatures
  /**
   * Refuses (throws) a service whose views were never materialized into `onlineStore`; such a
   * model's predictions answer 503 until they are (see `assertServiceMaterialized`).
   */
  readonly materialized?: (service: ResolvedService) => Promise<void>
}

/** Bounds on one request. */
export interface ServeLimits {
  /** Largest body in bytes (413 beyond); default 1 MiB. */
  readonly maxBodyBytes: number
  /** Deepest JSON nesting (400 beyond); default 32. */
  readonly maxDepth: number
  /** Most rows per predict call (422 beyond); default 1000. */
  readonly maxRows: number
  /** Most fields per row (422 beyond); default 1000. */
  readonly maxFields: number
  /** Longest string value (422 beyond); default 10 000. */
  readonly maxStringLength: number
}

/** The limits used when none are given. */
export const DEFAULT_SERVE_LIMITS: ServeLimits = {
  maxBodyBytes: 1 << 20,
  maxDepth: 32,
  maxRows: 1000,
  maxFields: 1000,
  maxStringLength: 10_000,
}

/**
 * Bounds on the server's connections (Node's `http.Server` settings, Keel's defaults): a client
 * cannot hold a connection open by sending its request slowly, nor open connections without end.
 */
export interface ServeConnectionLimits {
  /** Time to receive a request's headers (ms, default 10 000); at most `requestTimeoutMs`. */
  readonly headersTimeoutMs: number
  /** Time to receive a whole request, body included (ms, default 30 000); then 408 and close. */
  readonly requestTimeoutMs: number
  /** How long an idle keep-alive connection stays open (ms, default 5 000). */
  readonly keepAliveTimeoutMs: number
  /** Most open connections; further ones are closed at once (default 1024). */
  readonly maxConnections: number
}

/** The connection limits used when none are given. */
export const DEFAULT_CONNECTION_LIMITS: ServeConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
}

/** A model the server loads at start and reports on in `/readyz`. */
export interface ServedModel {
  readonly name: string
  /** The alias to preload (default: the server's default alias). */
  readonly alias?: string
  /**
   * A version to preload and keep loaded instead of an alias (a canonical version number, `3`):
   * the server is not ready until it loads, and `ready()` rejects if it cannot.
   */
  readonly version?: string
}

/** Options of {@link createServer}. */
export interface ServeOptions {
  readonly source: BundleSource
  /** Models to load at start; `/readyz` answers 200 once all are loaded. */
  readonly models?: readonly (string | ServedModel)[]
  /** The alias a request without `?alias=` or `?version=` gets (default `production`). */
  readonly defaultAlias?: string
  /**
   * Where every prediction and label goes (owned and closed by the server). `null` turns logging
   * off explicitly; leaving it out logs a warning, since unlogged predictions cannot be monitored.
   */
  readonly eventLog?: EventLog | null
  readonly eventWriter?: Omit<EventWriterOptions, 'logger' | 'onAlert'>
  /**
   * What each prediction event holds and when an answer is acknowledged: `maxEventBytes` bounds the
   * logged inputs (default 64 KiB), `durable: true` makes every answer wait for its event to be
   * stored (see {@link PredictionLogOptions}).
   */
  readonly log?: PredictionLogOptions
  /** Called when prediction-log events are dropped or the log fails or recovers. */
  readonly onAlert?: (alert: EventLogAlert) => void
  /**
   * Bearer token for admin and write endpoints; without one they are closed. `keel serve` passes
   * `--token` or `KEEL_SERVE_TOKEN` (read by the project's workspace).
   */
  readonly token?: string
  /** Also require the token on predict (default false). */
  readonly requireTokenForPredict?: boolean
  /** Also require the token on `/metrics` (default false). */
  readonly requireTokenForMetrics?: boolean
  readonly limits?: Partial<ServeLimits>
  /** Timeouts and the connection limit of `listen()` (defaults: {@link DEFAULT_CONNECTION_LIMITS}). */
  readonly connections?: Partial<ServeConnectionLimits>
  /**
   * How many versions asked for by `?version=` stay loaded besides those aliases and `models`
   * serve (default 4, least recently used out first); it also bounds how many may be loading at
   * once (more are refused with 503). Bounds the memory and the metrics label sets clients can grow.
   */
  readonly maxCachedVersions?: number
  /** Re-resolve aliases this often (ms, default 30 000; 0 = only on `/v1/admin/reload` or watch). */
  readonly reloadIntervalMs?: number
  /** Precomputed predictions (owned and closed by the server). */
  readonly cache?: PredictionCache
  /** Models whose predictions go through the cache (default: all). */
  readonly cacheModels?: readonly string[]
  /**
   * Which arm answers each predict request and which shadow it (default `singleRouting()`: the
   * model and version or alias asked for, no shadows).
   */
  readonly routing?: RoutingPolicy
  /**
   * What a missing input value (an absent field or `null`) gets: `impute` (default; answered with
   * a `missing_value` warning, filled with its training statistic unless training had missing
   * values there) or `reject` (422). See `MissingFeaturePolicy`.
   */
  readonly missingFeatures?: MissingFeaturePolicy
  /**
   * Online features for bundles whose lineage names a feature service, and the `/v1/features`
   * routes. Without it, rows are predicted as sent.
   */
  readonly features?: ServeFeatureOptions
  readonly logger?: Logger
  /** Register Node process metrics too (default true). */
  readonly defaultMetrics?: boolean
  /** How long `close()` waits for in-flight requests and the event flush (ms, default 10 000). */
  readonly shutdownTimeoutMs?: number
}

/** One predict call, transport-neutral: the pieces of the HTTP request the route reads. */
export interface PredictCall {
  readonly model: string
  readonly alias?: string | undefined
  readonly version?: string | undefined
  /** `"true"`/`"1"`/`""` or `"false"`/`"0"`, as in the query string. */
  readonly explain?: string | undefined
  readonly authorization?: string | undefined
  /** The raw request (read within the body limits) or an already parsed JSON value. */
  readonly body: Request | IncomingMessage | unknown
}

/** The answer to a {@link PredictCall}: the HTTP status and the JSON body text. */
export interface PredictAnswer {
  readonly status: number
  readonly requestId: string
  readonly json: string
}

/** Where a listening server is. */
export interface ListenInfo {
  readonly hostname: string
  readonly port: number
  readonly url: string
}

/** A prediction service: a Hono app plus its lifecycle. */
export interface KeelServer {
  /** The HTTP routes; `app.request('/healthz')` runs a request in process (without shutdown tracking). */
  readonly app: Hono
  /**
   * The whole service as a Fetch handler, with draining and in-flight tracking. `listen()` serves
   * it, except `POST /v1/models/{name}/predict`, which it answers from the Node request directly
   * (same answers, less work per call).
   */
  readonly fetch: (request: Request, env?: unknown) => Promise<Response>
  readonly host: ModelHost
  readonly metrics: Registry
  /** The prediction-log writer, when logging is on. */
  readonly events: EventWriter | null
  /** Resolves once every configured model is loaded (rejects if one cannot be). */
  ready(): Promise<void>
  /** Listen on a port (default `127.0.0.1`, port 0 = any free port). */
  listen(options?: { port?: number; hostname?: string }): Promise<ListenInfo>
  /**
   * Answer one predict call exactly as `POST /v1/models/{name}/predict` does (same checks, limits,
   * logging and metrics), for transports other than this HTTP server.
   */
  handlePredict(call: PredictCall): Promise<PredictAnswer>
  /** Re-resolve aliases now (what `POST /v1/admin/reload` does). */
  reload(model?: string): Promise<ReloadReport>
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish, flush the prediction log,
   * close the log and the cache. Idempotent.
   */
  close(): Promise<void>
}
