import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import type { Logger } from 'pino'
import { httpStatusFor, isKeelError, KeelError, type ErrorCode } from '@keel/core'

/** The body of every error answer: stable code, a sentence, and the issues as data. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode
    readonly message: string
    readonly issues: readonly {
      readonly code: string
      readonly path: readonly (string | number)[]
      readonly message: string
    }[]
    readonly hint?: string
    readonly request_id?: string
  }
}

/**
 * The one place an error becomes an HTTP answer: a {@link KeelError}'s code picks the status
 * through `httpStatusFor`; anything else is a 500 `INTERNAL` whose details stay in the server log.
 * No stack trace or internal message ever reaches the client.
 */
export const errorBody = (
  e: unknown,
  context: { readonly requestId?: string; readonly logger?: Logger } = {},
): { status: number; body: ErrorBody } => {
  const requestId = context.requestId === undefined ? {} : { request_id: context.requestId }
  if (isKeelError(e) && e.code !== 'INTERNAL') {
    const status = httpStatusFor(e.code)
    if (status >= 500) context.logger?.error({ err: e, ...requestId }, e.message)
    return {
      status,
      body: {
        error: {
          code: e.code,
          message: e.message,
          issues: e.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
          ...(e.hint === undefined ? {} : { hint: e.hint }),
          ...requestId,
        },
      },
    }
  }
  context.logger?.error({ err: e, ...requestId }, 'unexpected error while serving a request')
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error', issues: [], ...requestId } },
  }
}

const answer = (c: Context, e: unknown, logger: Logger | undefined): Response => {
  const { status, body } = errorBody(e, logger ? { logger } : {})
  // After a refused oversized body, close the connection rather than read the rest of it.
  if (status === 413) c.header('connection', 'close')
  return c.json(body, status as 400)
}

/**
 * The app's `onError` and `notFound`: whatever a route throws, and every path without a route,
 * is answered here with {@link errorBody}.
 */
export const errorHandlers = (
  logger?: Logger,
): { readonly onError: ErrorHandler; readonly notFound: NotFoundHandler } => ({
  onError: (e, c) => answer(c, e, logger),
  notFound: (c) =>
    answer(c, new KeelError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), logger),
})
