import type { Logger } from 'pino'
import { KeelError, type ModelBundle } from '@keel/core'
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
  /**
   * How many loaded versions to keep besides those held (default 4), least recently used out
   * first; it also bounds how many versions asked for by requests may be loading at once.
   */
  readonly maxCachedVersions?: number
  /** Versions kept loaded for good, whatever the cache bound (the pinned versions a server serves). */
  readonly hold?: readonly { readonly model: string; readonly version: string }[]
  readonly logger?: Logger
  readonly onChange?: (change: ReloadChange) => void
  /** A version left the cache and no alias serves it (its per-version metrics can go). */
  readonly onEvict?: (model: string, version: string) => void
}

/** The default of {@link ModelHostOptions.maxCachedVersions}. */
export const DEFAULT_MAX_CACHED_VERSIONS = 4

/**
 * The table of bundles the service answers with. An alias entry is replaced in one assignment
 * after its new bundle has fully loaded, so a request holds either the old or the new bundle,
 * never a half-loaded one, and requests in flight finish on the bundle they started with.
 *
 * Versions are cached under the version the source resolved, so a version is one entry however
 * it was asked for. Parsing a bundle runs on the serving thread, so bundles load one at a time
 * (a burst of first requests for new versions delays other requests by one parse at a time, not
 * by all of them at once), and a request that would queue a load beyond the cache bound is
 * refused with `UNAVAILABLE` (503, retry) rather than queued: what a client can make the server
 * load and hold is bounded.
 */
export interface ModelHost {
  /** The bundle for `ref` if it is already loaded (the request fast path; no promise). */
  peek(model: string, ref: BundleRef): HostedBundle | undefined
  /** The bundle for `ref`, loading it on first use (concurrent first uses share one load). */
  get(model: string, ref: BundleRef): Promise<HostedBundle>
  /** Re-resolve every alias in use (or only `model`'s) and swap those that moved. */
  reload(model?: string): Promise<ReloadReport>
  /** Every alias entry currently loaded, then every held version loaded (without an alias). */
  loaded(): readonly (HostedBundle & { readonly alias?: string })[]
  /** How many versions are cached (loaded or loading), held ones included. */
  cachedVersions(): number
  /** How many times a bundle load started (tests check that spellings share one). */
  readonly loads: number
  /** Stop polling and watching. */
  close(): void
}

const SEP = '\u0000'

/** One cached version: its load, and the hosted bundle once loaded (for the synchronous peek). */
interface VersionEntry {
  readonly promise: Promise<ModelBundle>
  hosted?: HostedBundle
}

/** Create a {@link ModelHost} over a {@link BundleSource}. */
export const createModelHost = (options: ModelHostOptions): ModelHost => {
  const { source, logger } = options
  const maxVersions = Math.max(1, options.maxCachedVersions ?? DEFAULT_MAX_CACHED_VERSIONS)
  const held = new Set((options.hold ?? []).map((h) => h.model + SEP + h.version))
  const aliases = new Map<string, HostedBundle & { alias: string }>()
  const pendingAliases = new Map<string, Promise<HostedBundle & { alias: string }>>()
  const versions = new Map<string, VersionEntry>()
  let reloading: Promise<ReloadReport> | null = null
  let queue: Promise<unknown> = Promise.resolve()
  let loading = 0
  let loads = 0

  /** Load bundles one at a time: each parse holds the serving thread. */
  const enqueueLoad = (model: string, version: string): Promise<ModelBundle> => {
    loading++
    const run = queue.then(() => {
      loads++
      return source.load(model, version)
    })
    const settled = run.then(
      () => void loading--,
      () => void loading--,
    )
    queue = settled
    return run
  }

  const servedByAlias = (model: string, version: string): boolean => {
    for (const a of aliases.values()) if (a.model === model && a.version === version) return true
    return false
  }

  const evictOverflow = (): void => {
    let excess = -maxVersions
    for (const key of versions.keys()) if (!held.has(key)) excess++
    for (const key of versions.keys()) {
      if (excess <= 0) return
      if (held.has(key)) continue
      versions.delete(key)
      excess--
      const [model, version] = key.split(SEP) as [string, string]
      if (!servedByAlias(model, version)) options.onEvict?.(model, version)
    }
  }

  /** The cached load of a version (refreshing its place in the LRU order), or a new one. */
  const loadVersion = (
    model: string,
    version: string,
    refuseWhenBusy = false,
  ): Promise<ModelBundle> => {
    const key = model + SEP + version
    const hit = versions.get(key)
    if (hit) {
      versions.delete(key)
      versions.set(key, hit)
      return hit.promise
    }
    if (refuseWhenBusy && !held.has(key) && loading >= maxVersions)
      throw new KeelError('UNAVAILABLE', 'too many model versions are loading; retry shortly', {
        details: { loading, max: maxVersions },
      })
    const promise = enqueueLoad(model, version)
    const entry: VersionEntry = { promise }
    promise.then(
      (bundle) => void (entry.hosted = { model, version, bundle }),
      () => versions.get(key) === entry && versions.delete(key),
    )
    versions.set(key, entry)
    evictOverflow()
    return promise
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
      const key = model + SEP + ref.version
      const entry = versions.get(key)
      if (entry?.hosted === undefined) return undefined
      versions.delete(key) // refresh its place in the LRU order
      versions.set(key, entry)
      return entry.hosted
    },
    async get(model, ref) {
      if ('version' in ref) {
        // Cached under the resolved version: every way of asking for it is one entry, one load.
        const version = versions.has(model + SEP + ref.version)
          ? ref.version
          : await source.resolveVersion(model, ref)
        return { model, version, bundle: await loadVersion(model, version, true) }
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
    loaded: () => {
      const out: (HostedBundle & { readonly alias?: string })[] = [...aliases.values()]
      for (const key of held) {
        const hosted = versions.get(key)?.hosted
        if (hosted) out.push(hosted)
      }
      return out
    },
    cachedVersions: () => versions.size,
    get loads() {
      return loads
    },
    close() {
      if (poll) clearInterval(poll)
      unwatch?.()
    },
  }
}
