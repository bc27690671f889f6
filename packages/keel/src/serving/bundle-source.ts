import { KeelError, type ModelBundle } from '@keel/core'

/** Which bundle of a model a request asks for: a moving alias or a fixed version. */
export type BundleRef = { readonly alias: string } | { readonly version: string }

/**
 * Where the service gets its bundles: the model registry in production, memory in tests. Two
 * calls rather than one so that polling an alias costs a lookup, not a bundle load: `load` runs
 * only when the version an alias points at has changed.
 */
export interface BundleSource {
  /**
   * The version `ref` names now: an alias is looked up, a version is checked to exist.
   * Unknown models, aliases and versions are `NOT_FOUND`.
   */
  resolveVersion(model: string, ref: BundleRef): Promise<string>
  /** Load one version. Versions are immutable, so the result may be cached forever. */
  load(model: string, version: string): Promise<ModelBundle>
  /**
   * Optional push notification when a model's aliases move (the service then reloads that model
   * at once instead of at its next poll). Returns a function that stops the notifications.
   */
  watch?(onChange: (model: string) => void): () => void
}

/** A {@link BundleSource} held in memory, with setters to publish versions and move aliases. */
export interface MemoryBundleSource extends BundleSource {
  /** Add (or replace) a version. */
  put(model: string, version: string, bundle: ModelBundle): void
  /** Point an alias at a version (notifying watchers). */
  setAlias(model: string, alias: string, version: string): void
  /** How many times `load` ran (tests use it to check caching). */
  readonly loads: number
}

/** Create a {@link MemoryBundleSource}. */
export const createMemoryBundleSource = (): MemoryBundleSource => {
  const versions = new Map<string, Map<string, ModelBundle>>()
  const aliases = new Map<string, Map<string, string>>()
  const watchers = new Set<(model: string) => void>()
  let loads = 0
  const notFound = (what: string): KeelError => new KeelError('NOT_FOUND', what)
  return {
    get loads() {
      return loads
    },
    put(model, version, bundle) {
      let m = versions.get(model)
      if (!m) versions.set(model, (m = new Map()))
      m.set(version, bundle)
    },
    setAlias(model, alias, version) {
      if (!versions.get(model)?.has(version))
        throw notFound(`model "${model}" has no version "${version}"`)
      let a = aliases.get(model)
      if (!a) aliases.set(model, (a = new Map()))
      a.set(alias, version)
      for (const w of watchers) w(model)
    },
    async resolveVersion(model, ref) {
      const m = versions.get(model)
      if (!m) throw notFound(`no model named "${model}"`)
      if ('version' in ref) {
        if (!m.has(ref.version)) throw notFound(`model "${model}" has no version "${ref.version}"`)
        return ref.version
      }
      const v = aliases.get(model)?.get(ref.alias)
      if (v === undefined) throw notFound(`model "${model}" has no alias "${ref.alias}"`)
      return v
    },
    async load(model, version) {
      const b = versions.get(model)?.get(version)
      if (!b) throw notFound(`model "${model}" has no version "${version}"`)
      loads++
      return b
    },
    watch(onChange) {
      watchers.add(onChange)
      return () => watchers.delete(onChange)
    },
  }
}
