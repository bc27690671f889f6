import type { IncomingMessage } from 'node:http'
import { KeelError } from '@keel/core'

/** Bounds on what one request body may be. */
export interface BodyLimits {
  /** Largest accepted body in bytes (413 beyond). */
  readonly maxBodyBytes: number
  /** Deepest accepted nesting of JSON arrays and objects (400 beyond). */
  readonly maxDepth: number
}

const isJsonType = (contentType: string | null): boolean => {
  if (!contentType) return false
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}

const tooLarge = (max: number): KeelError =>
  new KeelError('PAYLOAD_TOO_LARGE', `the request body is larger than ${max} bytes`, {
    details: { maxBytes: max },
  })

const concat = (chunks: readonly Uint8Array[], size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

const checkDeclaredLength = (declared: string | null | undefined, max: number): void => {
  if (declared === null || declared === undefined) return
  const n = Number(declared)
  if (!Number.isSafeInteger(n) || n < 0)
    throw new KeelError('PARSE_ERROR', 'invalid Content-Length')
  if (n > max) throw tooLarge(max)
}

/** Read a Fetch-API request body, counting bytes and stopping at the limit. */
const readRequestBytes = async (req: Request, max: number): Promise<Uint8Array> => {
  checkDeclaredLength(req.headers.get('content-length'), max)
  if (req.body === null) return new Uint8Array(0)
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(max)
    }
    chunks.push(value)
  }
  return concat(chunks, size)
}

/**
 * Read a Node request body straight from the socket stream (no Fetch `Request` is built: on the
 * predict path that costs more than the model), counting bytes and stopping at the limit.
 */
const readIncomingBytes = (req: IncomingMessage, max: number): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    try {
      checkDeclaredLength(req.headers['content-length'], max)
    } catch (e) {
      reject(e)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength
      if (size > max) {
        cleanup()
        // Stop buffering; the rest of the body is discarded by the server when it answers.
        req.resume()
        reject(tooLarge(max))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(concat(chunks, size))
    }
    const onError = (e: Error): void => {
      cleanup()
      reject(new KeelError('PARSE_ERROR', `the request body could not be read: ${e.message}`))
    }
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })

/**
 * The deepest nesting of arrays and objects in a JSON text, stopping early past `max`. Runs before
 * `JSON.parse` so that a hostile body is refused before any of it is built.
 */
export const jsonDepth = (text: string, max: number): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > deepest) {
        deepest = depth
        if (deepest > max) return deepest
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return deepest
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Read and parse a JSON request body — a Fetch `Request` (in-process calls, other runtimes) or a
 * Node `IncomingMessage` (the HTTP server) — within `limits`: 415 for another media type, 413 past the
 * size limit, 400 for invalid UTF-8, invalid JSON (including `NaN` and `Infinity` tokens) or
 * nesting past the depth limit. Every failure is a {@link KeelError}.
 */
export const readJsonBody = async (
  req: Request | IncomingMessage,
  limits: BodyLimits,
): Promise<unknown> => {
  const incoming = !(req instanceof Request)
  const contentType = incoming ? req.headers['content-type'] : req.headers.get('content-type')
  if (!isJsonType(contentType ?? null)) {
    throw new KeelError(
      'UNSUPPORTED_MEDIA_TYPE',
      'the request body must be JSON (Content-Type: application/json)',
    )
  }
  const bytes = incoming
    ? await readIncomingBytes(req, limits.maxBodyBytes)
    : await readRequestBytes(req, limits.maxBodyBytes)
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw new KeelError('PARSE_ERROR', 'the request body is not valid UTF-8')
  }
  if (text.trim() === '') throw new KeelError('PARSE_ERROR', 'the request body is empty')
  const depth = jsonDepth(text, limits.maxDepth)
  if (depth > limits.maxDepth) {
    throw new KeelError('PARSE_ERROR', `JSON nested deeper than ${limits.maxDepth} levels`, {
      issues: [{ code: 'too_deep', path: [], message: `nesting deeper than ${limits.maxDepth}` }],
    })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    const detail = e instanceof Error ? e.message.slice(0, 200) : 'invalid JSON'
    throw new KeelError('PARSE_ERROR', `the request body is not valid JSON: ${detail}`)
  }
}
