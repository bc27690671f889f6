import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Hono, type Context } from 'hono'
import { KeelError } from '@keel/core'
import { createEventWriter } from '../stores/events/index.js'
import { KEEL_VERSION } from '../version.js'
import { bearerCheck } from './auth.js'
import { errorBody } from './error-response.js'
import { parseFeedback } from './feedback.js'
import { createServeMetrics } from './metrics.js'
import { createModelHost } from './model-host.js'
import { createNodeListener } from './node-listener.js'
import { openApiDocument } from './openapi.js'
import { parsePredictBody, predictWithBundle, type PredictContext } from './predict-handler.js'
import { readJsonBody } from './request-body.js'
import { newRequestId } from './request-id.js'
import { flag, isIncoming, NAME, refOf, requestBody } from './request-params.js'
import {
  DEFAULT_SERVE_LIMITS,
  type KeelServer,
  type PredictAnswer,
  type PredictCall,
  type ServeLimits,
  type ServeOptions,
} from './server-types.js'

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
  const logger = options.logger
  const limits: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...options.limits }
  const defaultAlias = options.defaultAlias ?? 'production'
  const token = options.token
  const requireToken = bearerCheck(token === '' ? undefined : token)
  const metrics = createServeMetrics({ defaultMetrics: options.defaultMetrics ?? true })
  const host = createModelHost({
    source: options.source,
    pollIntervalMs: options.reloadIntervalMs ?? 30_000,
    ...(logger ? { logger } : {}),
  })
  if (options.eventLog === undefined)
    logger?.warn('no event log configured: predictions are not logged')
  const writer = options.eventLog
    ? createEventWriter(options.eventLog, {
        ...options.eventWriter,
        ...(logger ? { logger } : {}),
        ...(options.onAlert ? { onAlert: options.onAlert } : {}),
      })
    : null
  if (writer) metrics.trackEvents(writer)
  const cacheModels = options.cacheModels ? new Set(options.cacheModels) : null
  const inputLimits = {
    maxRows: limits.maxRows,
    maxFields: limits.maxFields,
    maxStringLength: limits.maxStringLength,
  }
  const baseContext: PredictContext = { limits: inputLimits, writer, metrics: metrics, logger }
  const cachedContext: PredictContext = { ...baseContext, cache: options.cache }

  const preload = (options.models ?? []).map((m) => (typeof m === 'string' ? { name: m } : m))
  let readiness: Promise<void> | null = null
  let isReady = preload.length === 0
  const ready = (): Promise<void> =>
    (readiness ??= Promise.all(
      preload.map((m) => host.get(m.name, { alias: m.alias ?? defaultAlias })),
    ).then(
      () => {
        isReady = true
      },
      (e: unknown) => {
        readiness = null // let a later call try again
        throw e
      },
    ))

  let draining = false
  let inFlight = 0
  let httpServer: Server | null = null
  let closing: Promise<void> | null = null
  const shutdownTimeout = options.shutdownTimeoutMs ?? 10_000

  const app = new Hono()
  const fail = (c: Context, e: unknown, requestId?: string): Response => {
    const { status, body } = errorBody(e, {
      ...(requestId ? { requestId } : {}),
      ...(logger ? { logger } : {}),
    })
    // After a refused oversized body, close the connection rather than read the rest of it.
    if (status === 413) c.header('connection', 'close')
    return c.json(body, status as 400)
  }
  app.onError((e, c) => fail(c, e))
  app.notFound((c) =>
    fail(c, new KeelError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)),
  )

  /** The predict route without the framework: what HTTP runs, and what other transports can call. */
  const handlePredict = async (call: PredictCall): Promise<PredictAnswer> => {
    const started = performance.now()
    const requestId = newRequestId()
    let model = '_unknown'
    let version = '_none'
    try {
      if (options.requireTokenForPredict) requireToken(call.authorization)
      if (!NAME.test(call.model)) throw new KeelError('NOT_FOUND', 'no such model')
      const ref = refOf(call.alias, call.version, defaultAlias)
      const explain = flag(call.explain)
      const hosted = host.peek(call.model, ref) ?? (await host.get(call.model, ref))
      model = call.model
      version = hosted.version
      const body =
        call.body instanceof Request || isIncoming(call.body)
          ? await readJsonBody(call.body, limits)
          : call.body
      const input = parsePredictBody(body, explain)
      // Supplied event times rewrite the monitoring timeline: only for holders of the token.
      if (input.times) requireToken(call.authorization)
      const useCache =
        options.cache !== undefined && (cacheModels === null || cacheModels.has(model))
      const out = await predictWithBundle(
        useCache ? cachedContext : baseContext,
        hosted,
        input,
        requestId,
      )
      const json = JSON.stringify(out)
      metrics.observeRequest(model, version, 'ok', (performance.now() - started) / 1000)
      return { status: 200, requestId, json }
    } catch (e) {
      const { status, body } = errorBody(e, { requestId, ...(logger ? { logger } : {}) })
      metrics.observeRequest(
        model,
        version,
        status >= 500 ? 'server_error' : 'client_error',
        (performance.now() - started) / 1000,
      )
      return { status, requestId, json: JSON.stringify(body) }
    }
  }

  app.post('/v1/models/:name/predict', async (c) => {
    const answer = await handlePredict({
      model: c.req.param('name'),
      alias: c.req.query('alias'),
      version: c.req.query('version'),
      explain: c.req.query('explain'),
      authorization: c.req.header('authorization'),
      body: requestBody(c),
    })
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': answer.requestId,
    }
    // After a refused oversized body, close the connection rather than read the rest of it.
    if (answer.status === 413) headers['connection'] = 'close'
    // A plain header object keeps the Node adapter on its fast path (no Headers instance).
    return new Response(answer.json, { status: answer.status, headers })
  })

  app.post('/v1/feedback', async (c) => {
    requireToken(c.req.header('authorization'))
    const labels = parseFeedback(await readJsonBody(requestBody(c), limits))
    if (!writer)
      throw new KeelError('UNAVAILABLE', 'this server has no event log; feedback cannot be stored')
    const accepted = writer.push(labels)
    if (accepted < labels.length) {
      throw new KeelError('UNAVAILABLE', 'the event buffer is full; retry the feedback later', {
        details: { accepted, total: labels.length },
      })
    }
    return c.json({ accepted, ids: labels.map((l) => l.id) }, 202)
  })

  app.post('/v1/admin/reload', async (c) => {
    requireToken(c.req.header('authorization'))
    return c.json(await host.reload())
  })

  app.get('/v1/models', (c) =>
    c.json({
      models: host
        .loaded()
        .map((h) => ({ model: h.model, alias: h.alias, version: h.version, task: h.bundle.task })),
    }),
  )
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    if (!isReady) await ready().catch(() => undefined)
    if (draining || !isReady) {
      const missing = preload
        .filter((m) => !host.peek(m.name, { alias: m.alias ?? defaultAlias }))
        .map((m) => m.name)
      return fail(
        c,
        new KeelError('UNAVAILABLE', draining ? 'shutting down' : 'models not loaded yet', {
          details: { missing },
        }),
      )
    }
    return c.json({
      status: 'ready',
      models: host.loaded().map((h) => ({ model: h.model, alias: h.alias, version: h.version })),
    })
  })
  app.get('/metrics', async (c) => {
    if (options.requireTokenForMetrics) requireToken(c.req.header('authorization'))
    return c.text(await metrics.registry.metrics(), 200, {
      'content-type': metrics.registry.contentType,
    })
  })
  app.get('/openapi.json', (c) =>
    c.json(
      openApiDocument({
        version: KEEL_VERSION,
        models: host.loaded().map((h) => ({ model: h.model, inputs: h.bundle.inputs })),
      }),
    ),
  )

  void ready().catch((e: unknown) =>
    logger?.warn({ err: e }, 'a configured model could not be loaded yet'),
  )

  /**
   * Every request passes here: refused while draining (except `/healthz`), counted while in flight
   * so that shutdown can wait for it. A wrapper rather than middleware keeps the predict path short.
   */
  const fetch = async (request: Request, env?: unknown): Promise<Response> => {
    if (draining && !request.url.endsWith('/healthz')) {
      const { status, body } = errorBody(
        new KeelError('UNAVAILABLE', 'the server is shutting down'),
      )
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', connection: 'close' },
      })
    }
    inFlight++
    try {
      return await app.fetch(request, env)
    } finally {
      inFlight--
    }
  }

  const close = async (): Promise<void> => {
    draining = true
    const deadline = Date.now() + shutdownTimeout
    const server = httpServer
    const stopped = server
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve()
    server?.closeIdleConnections()
    while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    if (inFlight > 0)
      logger?.warn({ inFlight }, 'shutdown deadline reached with requests in flight')
    server?.closeAllConnections()
    await stopped
    host.close()
    if (writer) await writer.close(Math.max(100, deadline - Date.now()))
    await options.cache?.close()
  }

  return {
    app,
    fetch,
    host,
    metrics: metrics.registry,
    events: writer,
    ready,
    reload: (model) => host.reload(model),
    handlePredict,
    async listen(opts = {}) {
      if (httpServer) throw new KeelError('CONFLICT', 'the server is already listening')
      const { getRequestListener } = await import('@hono/node-server')
      const hostname = opts.hostname ?? '127.0.0.1'
      const listener = createNodeListener({
        predict: handlePredict,
        fallback: getRequestListener(fetch, { hostname }),
        draining: () => draining,
        track: (delta) => (inFlight += delta),
        maxDrainBytes: limits.maxBodyBytes,
      })
      const info = await new Promise<AddressInfo>((resolve, reject) => {
        const s = createHttpServer(listener)
        s.once('error', reject)
        s.listen(opts.port ?? 0, hostname, () => resolve(s.address() as AddressInfo))
        httpServer = s
      })
      const shown = hostname.includes(':') ? `[${hostname}]` : hostname
      return { hostname, port: info.port, url: `http://${shown}:${info.port}` }
    },
    close: () => (closing ??= close()),
  }
}
