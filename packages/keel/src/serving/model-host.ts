import type { Logger } from 'pino'
import type { ModelBundle } from '@keel/core'
import type { BundleRef, BundleSource } from './bundle-source.js'

/** A bundle the service is answering with, and how it was asked for. */
export interface HostedBundle {
  readonly model: string
  readonly version: string
  readonly bundle: ModelBundle
}

/** One alias that moved during a reload. */
export interface ReloadChange {
  readonly model: string
  readonly alias: string
  readonly from: string
  readonly to: string
}

/** What a reload did. Aliases that failed to resolve or load keep serving their last good bundle. */
export interface ReloadReport {
  readonly checked: number
  readonly changed: readonly ReloadChange[]
  readonly failed: readonly {
    readonly model: string
    readonly alias: string
    readonly error: string
  }[]
}

/** Options of {@link createModelHost}. */
export interface ModelHostOptions {
  readonly source: BundleSource
  /** Re-resolve every alias in use this often (ms); 0 turns polling off. */
  readonly pollIntervalMs?: number
  /** How many loaded versions to keep besides those aliases point at. */
  readonly maxCachedVersions?: number
  readonly logger?: Logger
  readonly onChange?: (change: ReloadChange) => void
}

/**
 * The table of bundles the service answers with. An alias entry is replaced in one assignment
 * after its new bundle has fully loaded, so a request holds either the old or the new bundle,
 * never a half-loaded one, and requests in flight finish on the bundle they started with.
 */
export interface ModelHost {
  /** The bundle for `ref` if it is already loaded (the request fast path; no promise). */
  peek(model: string, ref: BundleRef): HostedBundle | undefined
  /** The bundle for `ref`, loading it on first use (concurrent first uses share one load). */
  get(model: string, ref: BundleRef): Promise<HostedBundle>
  /** Re-resolve every alias in use (or only `model`'s) and swap those that moved. */
  reload(model?: string): Promise<ReloadReport>
  /** Every alias entry currently loaded. */
  loaded(): readonly (HostedBundle & { readonly alias: string })[]
  /** Stop polling and watching. */
  close(): void
}

const SEP = '\u0000'

/** Create a {@link ModelHost} over a {@link BundleSource}. */
export const createModelHost = (options: ModelHostOptions): ModelHost => {
  const { source, logger } = options
  const maxVersions = Math.max(1, options.maxCachedVersions ?? 16)
  const aliases = new Map<string, HostedBundle & { alias: string }>()
  const pendingAliases = new Map<string, Promise<HostedBundle & { alias: string }>>()
  const versions = new Map<string, Promise<ModelBundle>>()
  let reloading: Promise<ReloadReport> | null = null

  const loadVersion = (model: string, version: string): Promise<ModelBundle> => {
    const key = model + SEP + version
    let p = versions.get(key)
    if (p) {
      versions.delete(key) // refresh its place in the LRU order
    } else {
      p = source.load(model, version)
      p.catch(() => versions.get(key) === p && versions.delete(key))
    }
    versions.set(key, p)
    while (versions.size > maxVersions) versions.delete(versions.keys().next().value!)
    return p
  }

  const resolveAlias = async (
    model: string,
    alias: string,
  ): Promise<HostedBundle & { alias: string }> => {
    const version = await source.resolveVersion(model, { alias })
    const bundle = await loadVersion(model, version)
    return { model, alias, version, bundle }
  }

  const reload = async (only?: string): Promise<ReloadReport> => {
    const changed: ReloadChange[] = []
    const failed: { model: string; alias: string; error: string }[] = []
    const entries = [...aliases.entries()].filter(([, e]) => only === undefined || e.model === only)
    for (const [key, old] of entries) {
      try {
        const version = await source.resolveVersion(old.model, { alias: old.alias })
        if (version === aliases.get(key)?.version) continue
        const bundle = await loadVersion(old.model, version)
        const current = aliases.get(key)
        aliases.set(key, { model: old.model, alias: old.alias, version, bundle })
        const change = {
          model: old.model,
          alias: old.alias,
          from: current?.version ?? old.version,
          to: version,
        }
        changed.push(change)
        logger?.info(change, 'model alias moved; now serving the new bundle')
        options.onChange?.(change)
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e)
        failed.push({ model: old.model, alias: old.alias, error })
        logger?.warn(
          { model: old.model, alias: old.alias, error },
          'reload failed; still serving the last good bundle',
        )
      }
    }
    return { checked: entries.length, changed, failed }
  }

  const reloadOnce = (only?: string): Promise<ReloadReport> => {
    // Reloads never overlap; a request for another reload while one runs waits and runs after it.
    const run = (reloading ?? Promise.resolve()).then(() => reload(only))
    const p = run.finally(() => reloading === p && (reloading = null))
    reloading = p
    return p
  }

  const poll =
    (options.pollIntervalMs ?? 0) > 0
      ? setInterval(() => void reloadOnce().catch(() => undefined), options.pollIntervalMs)
      : null
  poll?.unref()
  const unwatch = source.watch?.((model) => void reloadOnce(model).catch(() => undefined))

  return {
    peek(model, ref) {
      if ('alias' in ref) return aliases.get(model + SEP + ref.alias)
      return undefined
    },
    async get(model, ref) {
      if ('version' in ref) {
        const key = model + SEP + ref.version
        if (!versions.has(key)) await source.resolveVersion(model, ref)
        return { model, version: ref.version, bundle: await loadVersion(model, ref.version) }
      }
      const key = model + SEP + ref.alias
      const hit = aliases.get(key)
      if (hit) return hit
      let pending = pendingAliases.get(key)
      if (!pending) {
        pending = resolveAlias(model, ref.alias)
          .then((entry) => {
            // A reload may have raced ahead with a newer version; keep the entry already there.
            const existing = aliases.get(key)
            if (existing) return existing
            aliases.set(key, entry)
            return entry
          })
          .finally(() => pendingAliases.delete(key))
        pendingAliases.set(key, pending)
      }
      return pending
    },
    reload: reloadOnce,
    loaded: () => [...aliases.values()],
    close() {
      if (poll) clearInterval(poll)
      unwatch?.()
    },
  }
}
