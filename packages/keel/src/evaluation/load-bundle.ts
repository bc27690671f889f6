import { KeelError, type ChampionInput } from '@keel/core'
import { loadVersionBundle, type KeelStores } from '../stores/index.js'

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
