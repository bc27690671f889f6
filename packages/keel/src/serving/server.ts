import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Hono } from 'hono'
import { KeelError, toKeelError } from '@keel/core'
import { createServeApp } from './app.js'
import { errorBody } from './error-response.js'
import { createNodeListener } from './node-listener.js'
import type { ServeDeps } from './serve-deps.js'
import {
  DEFAULT_CONNECTION_LIMITS,
  type KeelServer,
  type ListenInfo,
  type ServeConnectionLimits,
  type ServeOptions,
} from './server-types.js'

/** A server's lifecycle: shutdown refuses new requests and waits for those in flight. */
interface Lifecycle {
  draining: boolean
  inFlight: number
  http: Server | null
}

/**
 * Every request passes here: refused while draining (except `/healthz`), counted while in flight
 * so that shutdown can wait for it. A wrapper rather than middleware keeps the predict path short.
 */
const trackedFetch =
  (app: Hono, life: Lifecycle) =>
  async (request: Request, env?: unknown): Promise<Response> => {
    if (life.draining && !request.url.endsWith('/healthz')) {
      const { status, body } = errorBody(
        new KeelError('UNAVAILABLE', 'the server is shutting down'),
      )
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', connection: 'close' },
      })
    }
    life.inFlight++
    try {
      return await app.fetch(request, env)
    } finally {
      life.inFlight--
    }
  }

/** The server's connection limits: Keel's defaults, overridden by the options, checked. */
const connectionLimits = (options: ServeOptions): ServeConnectionLimits => {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connections }
  for (const [key, value] of Object.entries(limits))
    if (!Number.isInteger(value) || value < 1)
      throw new KeelError('INVALID_ARGUMENT', `${key} must be a positive integer`, {
        path: ['connections', key],
        details: { value },
      })
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new KeelError('INVALID_ARGUMENT', 'headersTimeoutMs must not exceed requestTimeoutMs', {
      path: ['connections', 'headersTimeoutMs'],
      details: {
        headersTimeoutMs: limits.headersTimeoutMs,
        requestTimeoutMs: limits.requestTimeoutMs,
      },
    })
  return limits
}

/** A failure to listen as a KeelError that names the address and what to do about it. */
const listenError = (e: Error & { code?: string }, hostname: string, port: number): KeelError => {
  const where = { path: ['port'], details: { hostname, port, cause: e.code } }
  if (e.code === 'EADDRINUSE')
    return new KeelError('UNAVAILABLE', `port ${port} on ${hostname} is already in use`, {
      ...where,
      hint: 'stop what listens there, or choose another port (keel serve --port <port>)',
      cause: e,
    })
  if (e.code === 'EACCES')
    return new KeelError('INVALID_ARGUMENT', `not allowed to listen on port ${port}`, {
      ...where,
      hint: 'ports below 1024 need privileges; choose another (keel serve --port <port>)',
      cause: e,
    })
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
    return new KeelError(
      'INVALID_ARGUMENT',
      `cannot listen on ${hostname}: not an address of this machine`,
      {
        path: ['hostname'],
        details: { hostname, port, cause: e.code },
        hint: "listen on 127.0.0.1, 0.0.0.0 or one of this machine's addresses (keel serve --host)",
        cause: e,
      },
    )
  return toKeelError(e)
}

/** Listen on a port: predict calls go to the Node listener's fast path, the rest to the app. */
const listen = async (
  life: Lifecycle,
  deps: ServeDeps,
  limits: ServeConnectionLimits,
  fetch: (request: Request, env?: unknown) => Promise<Response>,
  opts: { port?: number; hostname?: string },
): Promise<ListenInfo> => {
  if (life.http) throw new KeelError('CONFLICT', 'the server is already listening')
  const { getRequestListener } = await import('@hono/node-server')
  const hostname = opts.hostname ?? '127.0.0.1'
  const listener = createNodeListener({
    predict: deps.predict,
    fallback: getRequestListener(fetch, { hostname }),
    draining: () => life.draining,
    track: (delta) => (life.inFlight += delta),
    maxDrainBytes: deps.limits.maxBodyBytes,
  })
  const port = opts.port ?? 0
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    const s = createHttpServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // Node checks the two request timeouts on this period (30 s by default): a tenth of the
        // shorter one keeps a slow client's overstay small.
        connectionsCheckingInterval: Math.max(
          10,
          Math.min(1000, Math.floor(limits.headersTimeoutMs / 10)),
        ),
      },
      listener,
    )
    s.maxConnections = limits.maxConnections
    s.once('error', (e) => {
      life.http = null
      reject(listenError(e, hostname, port))
    })
    s.listen(port, hostname, () => resolve(s.address() as AddressInfo))
    life.http = s
  })
  const shown = hostname.includes(':') ? `[${hostname}]` : hostname
  return { hostname, port: info.port, url: `http://${shown}:${info.port}` }
}

/**
 * Graceful shutdown: stop accepting, let in-flight requests finish until the deadline, then
 * close connections, the model host, the event writer (flushing it), the cache and the online store.
 */
const shutdown = async (life: Lifecycle, deps: ServeDeps, options: ServeOptions): Promise<void> => {
  life.draining = true
  const deadline = Date.now() + (options.shutdownTimeoutMs ?? 10_000)
  const server = life.http
  const stopped = server
    ? new Promise<void>((resolve) => server.close(() => resolve()))
    : Promise.resolve()
  server?.closeIdleConnections()
  while (life.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  if (life.inFlight > 0)
    deps.logger?.warn(
      { inFlight: life.inFlight },
      'shutdown deadline reached with requests in flight',
    )
  server?.closeAllConnections()
  await stopped
  deps.host.close()
  if (deps.writer) await deps.writer.close(Math.max(100, deadline - Date.now()))
  await options.cache?.close()
  await options.features?.onlineStore.close()
}

/**
 * Create the prediction service for models from `options.source`.
 *
 * @example
 * const server = createServer({ source, models: ['flights'], eventLog: openSqliteEventLog(file) })
 * await server.ready()
 * const { url } = await server.listen({ port: 8080 })
 * process.on('SIGTERM', () => void server.close())
 */
export const createServer = (options: ServeOptions): KeelServer => {
  const limits = connectionLimits(options) // checked before anything is opened
  const life: Lifecycle = { draining: false, inFlight: 0, http: null }
  const { app, deps } = createServeApp(options, () => life.draining)
  const fetch = trackedFetch(app, life)
  void deps.readiness
    .ready()
    .catch((e: unknown) =>
      deps.logger?.warn({ err: e }, 'a configured model could not be loaded yet'),
    )
  let closing: Promise<void> | null = null
  return {
    app,
    fetch,
    host: deps.host,
    metrics: deps.metrics.registry,
    events: deps.writer,
    ready: deps.readiness.ready,
    reload: (model) => deps.host.reload(model),
    handlePredict: deps.predict,
    listen: (opts = {}) => listen(life, deps, limits, fetch, opts),
    close: () => (closing ??= shutdown(life, deps, options)),
  }
}
