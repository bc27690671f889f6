import { KeelError } from '@keel/core'
import { parseVersionNumber } from '../stores/registry/model-ref.js'
import type { BundleRef } from './bundle-source.js'
import type { ModelHost } from './model-host.js'
import type { ServedModel } from './server-types.js'

/** Whether the configured models are loaded: what `/readyz` answers and `server.ready()` awaits. */
export interface Readiness {
  /** Resolves once every configured model is loaded (rejects if one cannot be; a later call retries). */
  ready(): Promise<void>
  /** True once `ready()` has resolved (or when no model is configured). */
  isReady(): boolean
  /** The configured models not loaded yet. */
  missing(): string[]
}

/** A model to preload, with the alias or version it is served at. */
export interface Preload {
  readonly name: string
  readonly ref: BundleRef
}

/**
 * The server's `models` option as what to preload: a name alone is the default alias; a version
 * must be canonical (`3`), as everywhere a version is written.
 */
export const servedModels = (
  models: readonly (string | ServedModel)[],
  defaultAlias: string,
): Preload[] =>
  models.map((m) => {
    const { name, alias, version } = typeof m === 'string' ? { name: m } : m
    if (version === undefined) return { name, ref: { alias: alias ?? defaultAlias } }
    if (alias !== undefined || parseVersionNumber(version) === undefined)
      throw new KeelError(
        'INVALID_ARGUMENT',
        `served model "${name}": give an alias or a version (a positive integer without leading zeros), not both`,
        { path: ['models', name] },
      )
    return { name, ref: { version } }
  })

/** Track the loading of the models a server preloads, through its model host. */
export const createReadiness = (host: ModelHost, preload: readonly Preload[]): Readiness => {
  let readiness: Promise<void> | null = null
  let isReady = preload.length === 0
  return {
    ready: () =>
      (readiness ??= Promise.all(preload.map((m) => host.get(m.name, m.ref))).then(
        () => {
          isReady = true
        },
        (e: unknown) => {
          readiness = null // let a later call try again
          throw e
        },
      )),
    isReady: () => isReady,
    missing: () => preload.filter((m) => !host.peek(m.name, m.ref)).map((m) => m.name),
  }
}
