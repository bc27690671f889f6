import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { KeelError } from '@keel/core'
import { errorBody } from './error-response.js'
import type { PredictPipeline } from './predict/pipeline.js'

/** What the Node listener needs from the server. */
export interface NodeListenerOptions {
  /** The predict pipeline: the same function the app's predict route calls. */
  readonly predict: PredictPipeline
  /** Every other request: the Hono app through its Node adapter. */
  readonly fallback: (req: IncomingMessage, res: ServerResponse) => unknown
  /** True once shutdown started: new predict requests are refused with 503. */
  readonly draining: () => boolean
  /** Called when a predict request starts and when its answer is written (shutdown waits). */
  readonly track: (delta: 1 | -1) => void
  /** Most bytes read and discarded from a body left unread by an early answer. */
  readonly maxDrainBytes: number
}

const PREFIX = '/v1/models/'
const SUFFIX = '/predict'
/** How long an unread body may take to arrive and be discarded before the socket is closed. */
const DRAIN_TIMEOUT_MS = 500

/**
 * The model name of a `POST /v1/models/{name}/predict` path, or null for any other path (those go
 * to the Hono app). Paths with percent escapes also go to the app, which decodes them its own way.
 */
export const predictRoute = (path: string): string | null => {
  if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || path.includes('%')) return null
  const name = path.slice(PREFIX.length, path.length - SUFFIX.length)
  return name.length > 0 && !name.includes('/') ? name : null
}

/**
 * Read and discard what is left of a body an answer did not need (bounded in bytes and time, then
 * the connection is closed), so a keep-alive connection can carry the next request.
 */
const drain = (req: IncomingMessage, maxBytes: number): void => {
  if (req.readableEnded || req.destroyed) return
  let read = 0
  const stop = (): void => {
    clearTimeout(timer)
    req.off('data', onData)
    req.off('end', stop)
    req.off('error', stop)
  }
  const close = (): void => {
    stop()
    req.socket.destroySoon()
  }
  const onData = (chunk: Buffer): void => {
    read += chunk.byteLength
    if (read > maxBytes) close()
  }
  const timer = setTimeout(close, DRAIN_TIMEOUT_MS)
  timer.unref()
  req.on('data', onData)
  req.on('end', stop)
  req.on('error', stop)
  req.resume()
}

const write = (
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string>,
  maxDrainBytes: number,
): void => {
  headers['content-length'] = String(Buffer.byteLength(json))
  res.writeHead(status, headers)
  res.end(json)
  if (!req.readableEnded && headers['connection'] !== 'close') drain(req, maxDrainBytes)
}

/**
 * The service's Node request listener. `POST /v1/models/{name}/predict` is answered straight from
 * the Node request — the same predict pipeline the Hono route calls, with the same status, body and
 * headers — because building a Fetch `Request`, a router context and a `Response` per call costs
 * more CPU than the model itself. Every other route goes through the Hono app unchanged.
 */
export const createNodeListener = (options: NodeListenerOptions): RequestListener => {
  const { predict, fallback, draining, track, maxDrainBytes } = options
  const servePredict = async (
    req: IncomingMessage,
    res: ServerResponse,
    model: string,
    query: string,
  ): Promise<void> => {
    if (draining()) {
      const { body, status } = errorBody(
        new KeelError('UNAVAILABLE', 'the server is shutting down'),
      )
      const json = JSON.stringify(body)
      write(req, res, status, json, { 'content-type': 'application/json', connection: 'close' }, 0)
      return
    }
    track(1)
    try {
      const params = query === '' ? null : new URLSearchParams(query)
      const answer = await predict({
        model,
        alias: params?.get('alias') ?? undefined,
        version: params?.get('version') ?? undefined,
        explain: params?.get('explain') ?? undefined,
        authorization: req.headers.authorization,
        body: req,
      })
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-request-id': answer.requestId,
      }
      // After a refused oversized body, close the connection rather than read the rest of it.
      if (answer.status === 413) headers['connection'] = 'close'
      write(req, res, answer.status, answer.json, headers, maxDrainBytes)
    } finally {
      track(-1)
    }
  }

  return (req, res) => {
    const url = req.url ?? '/'
    if (req.method === 'POST') {
      const q = url.indexOf('?')
      const model = predictRoute(q < 0 ? url : url.slice(0, q))
      if (model !== null) {
        servePredict(req, res, model, q < 0 ? '' : url.slice(q + 1)).catch((e: unknown) => {
          // The pipeline answers every error itself; this is a failure to write the answer.
          if (!res.headersSent) {
            const { status, body } = errorBody(e)
            write(req, res, status, JSON.stringify(body), { 'content-type': 'application/json' }, 0)
          } else res.destroy()
        })
        return
      }
    }
    void fallback(req, res)
  }
}
