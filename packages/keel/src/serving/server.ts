import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Hono } from 'hono'
import { KeelError } from '@keel/core'
import { createServeApp } from './app.js'
import { errorBody } from './error-response.js'
import { createNodeListener } from './node-listener.js'
import type { ServeDeps } from './serve-deps.js'
import type { KeelServer, ListenInfo, ServeOptions } from './server-types.js'

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

/** Listen on a port: predict calls go to the Node listener's fast path, the rest to the app. */
const listen = async (
  life: Lifecycle,
  deps: ServeDeps,
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
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    const s = createHttpServer(listener)
    s.once('error', reject)
    s.listen(opts.port ?? 0, hostname, () => resolve(s.address() as AddressInfo))
    life.http = s
  })
  const shown = hostname.includes(':') ? `[${hostname}]` : hostname
  return { hostname, port: info.port, url: `http://${shown}:${info.port}` }
}

/**
 * Graceful shutdown: stop accepting, let in-flight requests finish until the deadline, then
 * close connections, the model host, the event writer (flushing it) and the cache.
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
    listen: (opts = {}) => listen(life, deps, fetch, opts),
    close: () => (closing ??= shutdown(life, deps, options)),
  }
}
