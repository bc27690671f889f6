import { createHash, timingSafeEqual } from 'node:crypto'
import { KeelError } from '@keel/core'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/** Throws `UNAUTHORIZED` unless the `Authorization` header value carries the server's token. */
export type TokenCheck = (authorization: string | null | undefined) => void

/**
 * A check of `Authorization: Bearer <token>` against the configured token, in constant time.
 * With no token configured the endpoint is closed (never open by default).
 */
export const bearerCheck = (token: string | undefined): TokenCheck => {
  const expected = token ? digest(token) : null
  return (authorization) => {
    if (!expected) {
      throw new KeelError(
        'UNAUTHORIZED',
        'this endpoint needs a token and the server has none configured',
        {
          hint: 'start the server with a token (KEEL_SERVE_TOKEN)',
        },
      )
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
    if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
      throw new KeelError(
        'UNAUTHORIZED',
        'a valid bearer token is required (Authorization: Bearer <token>)',
      )
    }
  }
}
