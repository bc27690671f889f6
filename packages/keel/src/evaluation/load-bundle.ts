import { KeelError, ModelBundle, type ChampionInput } from '@keel/core'
import type { KeelStores, ModelVersionRecord } from '../stores/index.js'

/**
 * Reading registered bundles back: one version's bundle (verified against its digest), and the
 * champion a candidate is compared with (the version an alias points at).
 */

/**
 * Load a version's bundle. The artifact store verifies the bytes against the digest, so a tampered
 * bundle is ARTIFACT_CORRUPT, never loaded.
 */
export const loadVersionBundle = async (
  stores: KeelStores,
  version: ModelVersionRecord,
): Promise<ModelBundle> => {
  const bytes = await stores.artifacts.get(version.bundle.digest)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes))
  } catch (e) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `${version.model} v${version.version}: the bundle is not JSON`,
      { cause: e },
    )
  }
  return ModelBundle.fromJSON(json)
}

/**
 * The champion to compare a candidate with: the version `alias` points at, with its bundle; null
 * when the model or the alias does not exist yet, or when it points at `exclude` (a version is not
 * its own champion).
 */
export const loadChampion = async (
  stores: KeelStores,
  model: string,
  alias: string,
  exclude?: number,
): Promise<ChampionInput | null> => {
  const current = await stores.registry.getByAlias(model, alias).catch((e: unknown) => {
    if (e instanceof KeelError && e.code === 'NOT_FOUND') return null
    throw e
  })
  if (!current || current.version === exclude) return null
  return {
    name: `${current.model}:${alias}`,
    version: current.version,
    bundle: await loadVersionBundle(stores, current),
  }
}
