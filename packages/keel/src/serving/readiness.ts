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

/** Track the loading of the models a server preloads, through its model host. */
export const createReadiness = (
  host: ModelHost,
  models: readonly (string | ServedModel)[],
  defaultAlias: string,
): Readiness => {
  const preload = models.map((m) => {
    const { name, alias } = typeof m === 'string' ? { name: m, alias: undefined } : m
    return { name, ref: { alias: alias ?? defaultAlias } }
  })
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
