/**
 * Artifact digests: `sha256:` followed by 64 lowercase hex digits. A digest is the only thing a
 * caller ever passes to the artifact store, and it is checked against this exact shape before any
 * path is built from it, so `../`, `%2e%2e`, `\`, `#`, `;`, absolute paths and URLs (the MLflow
 * traversal CVEs) never reach the file system.
 */
import { createHash } from 'node:crypto'
import { KeelError } from '@keel/core'

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/

/** True when `value` is a well-formed artifact digest. */
export const isDigest = (value: unknown): value is string =>
  typeof value === 'string' && DIGEST_PATTERN.test(value)

/**
 * Return `value` when it is a well-formed digest.
 *
 * @throws KeelError INVALID_ARGUMENT otherwise (the offending value is not echoed back in full).
 */
export const checkDigest = (
  value: unknown,
  path: readonly (string | number)[] = ['digest'],
): string => {
  if (isDigest(value)) return value
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value
  throw new KeelError(
    'INVALID_ARGUMENT',
    `not an artifact digest: ${shown} (expected sha256:<64 hex>)`,
    {
      path,
    },
  )
}

/** The digest of some bytes. */
export const digestOf = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`
