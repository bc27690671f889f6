import { KeelError, type ModelBundle } from '@keel/core'
import { refAlias, type KeelStores, type ModelRef } from '../stores/index.js'
import { loadVersionBundleAsync, parseVersionNumber } from '../stores/registry/model-ref.js'
import type { BundleRef, BundleSource } from './bundle-source.js'

/**
 * Bundles from the model registry: aliases resolve through the registry on every check (so a
 * promote is seen at the next reload), and bundles are read from the artifact store, where their
 * hash is verified — a tampered artifact is refused with `ARTIFACT_CORRUPT`, never served. A load
 * reads, hashes and builds the bundle a piece at a time ({@link loadVersionBundleAsync}), so the
 * server keeps answering the versions it holds while it loads another.
 */
export const createRegistryBundleSource = (stores: KeelStores): BundleSource => ({
  async resolveVersion(model: string, ref: BundleRef): Promise<string> {
    if ('version' in ref) {
      const n = parseVersionNumber(ref.version)
      if (n === undefined)
        throw new KeelError('NOT_FOUND', `model "${model}" has no version "${ref.version}"`)
      return String((await stores.registry.getVersion(model, n)).version)
    }
    return String((await stores.registry.getByAlias(model, ref.alias)).version)
  },
  async load(model: string, version: string): Promise<ModelBundle> {
    return loadVersionBundleAsync(stores, await stores.registry.getVersion(model, Number(version)))
  },
})

/** The serving form of a model reference: a pinned version, or the alias it follows. */
export const bundleRefOf = (ref: ModelRef): BundleRef => {
  const alias = refAlias(ref)
  return alias === null ? { version: String(ref.version) } : { alias }
}
