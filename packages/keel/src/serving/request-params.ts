import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { KeelError } from '@keel/core'
import { parseVersionNumber } from '../stores/registry/model-ref.js'
import type { BundleRef } from './bundle-source.js'

/** Model names, aliases and versions: short, and safe in logs, metrics and file names. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** True for a Node `IncomingMessage` (a body still to be read). */
export const isIncoming = (b: unknown): b is IncomingMessage =>
  typeof b === 'object' &&
  b !== null &&
  typeof (b as IncomingMessage).on === 'function' &&
  'headers' in b

/**
 * The bundle a request asks for from its `alias` / `version` query values. A version is written
 * as the model-reference grammar writes it (`parseVersionNumber`: `3`, never `03`, `3.0` or
 * `0x3`), so each version has one spelling: one cache entry, one metrics label, one logged value.
 */
export const refOf = (
  alias: string | undefined,
  version: string | undefined,
  defaultAlias: string,
): BundleRef => {
  if (alias !== undefined && version !== undefined) {
    throw new KeelError('INVALID_ARGUMENT', 'give ?alias= or ?version=, not both')
  }
  if (version !== undefined) {
    if (parseVersionNumber(version) === undefined) {
      const message = 'a version is a positive decimal integer without leading zeros'
      throw new KeelError('INVALID_ARGUMENT', `invalid version: ${message}`, {
        path: ['query', 'version'],
        issues: [{ code: 'invalid_version', path: ['query', 'version'], message }],
        hint: 'write the version as the registry does: ?version=3',
      })
    }
    return { version }
  }
  const value = alias ?? defaultAlias
  if (!NAME.test(value)) throw new KeelError('INVALID_ARGUMENT', 'invalid alias')
  return { alias: value }
}

/** The Node request when served by `listen()` (cheaper to read), else the Fetch request. */
export const requestBody = (c: Context): Request | IncomingMessage =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming ?? c.req.raw

/** A boolean query flag (`explain`): absent, `false`, `0` → false; ``, `true`, `1` → true. */
export const flag = (v: string | undefined): boolean => {
  if (v === undefined || v === 'false' || v === '0') return false
  if (v === '' || v === 'true' || v === '1') return true
  throw new KeelError('INVALID_ARGUMENT', 'explain must be true or false')
}
