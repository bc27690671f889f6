import type { Project } from '../project/index.js'
import { openProjectOnlineStore, openProjectStores } from '../project/workspace.js'
import { resolveSourcePath, type SourceSpec } from '../data/source.js'
import type { KeelStores } from '../stores/open-stores.js'
import type { OnlineStore } from '../stores/online/online-store.js'
import {
  createSqlFeatureLogStore,
  createSqlMaterializationStateStore,
  type FeatureLogStore,
  type MaterializationStateStore,
} from '../stores/features/index.js'
import type { ReadViewRows } from './api.js'
import { resolveFeatureStore, type ResolvedFeatureStore } from './definitions.js'
import { readViewRows } from './offline/index.js'
import { withPushedRows } from './push/index.js'

/**
 * A project's feature store, opened: its resolved definitions, the online store (`KEEL_ONLINE_STORE`
 * or `.keel/online.db`), the materialization watermarks and the feature log in the metadata
 * database, and one reader of every view's rows (the offline engine, or the log for pushed views).
 */
export interface ProjectFeatureStore {
  readonly definitions: ResolvedFeatureStore
  readonly online: OnlineStore
  readonly state: MaterializationStateStore
  readonly log: FeatureLogStore
  readonly readRows: ReadViewRows
  /** The online store's name in the watermarks (`sqlite`, `redis`, `memory`). */
  readonly target: string
  close(): Promise<void>
}

/** Options of {@link openProjectFeatureStore}. */
export interface OpenProjectFeatureStoreOptions {
  /** The online store URL (default `KEEL_ONLINE_STORE`, else `.keel/online.db`). */
  readonly online?: string
  /** Stores to use (default: the project's, opened and closed with the feature store). */
  readonly stores?: KeelStores
  /**
   * Redis command timeout: bulk writers (materialization) want seconds, serving keeps the default
   * 50 ms.
   */
  readonly commandTimeoutMs?: number
}

/**
 * The store with its file sources' paths made absolute against the project root, as the dataset's
 * are. Versions stay those of the paths as written, so moving the project folder changes none.
 */
const rootFiles = (store: ResolvedFeatureStore, root: string): ResolvedFeatureStore => {
  const views = new Map(
    [...store.views].map(([name, v]) => [
      name,
      v.source.kind === 'file'
        ? {
            ...v,
            source: {
              kind: 'file' as const,
              spec: { ...v.source.spec, path: resolveSourcePath(v.source.spec.path, root) },
            },
          }
        : v,
    ]),
  )
  const services = new Map(
    [...store.services].map(([name, s]) => [
      name,
      { ...s, views: s.views.map((sv) => ({ ...sv, view: views.get(sv.view.name)! })) },
    ]),
  )
  return { ...store, views, services }
}

/**
 * A project's feature-store definitions, resolved (`INVALID_CONFIG` names a broken one). Relative
 * file paths are the project root's, whatever the working directory.
 */
export const projectFeatureDefinitions = (project: Project): ResolvedFeatureStore => {
  const { config } = project
  const store = resolveFeatureStore({
    sources: config.sources as Readonly<Record<string, SourceSpec>>,
    entities: config.entities,
    featureViews: config.featureViews,
    onDemand: config.onDemand,
    featureServices: config.featureServices,
  })
  return rootFiles(store, project.root)
}

/** Open a project's feature store (see {@link ProjectFeatureStore}). */
export const openProjectFeatureStore = async (
  project: Project,
  options: OpenProjectFeatureStoreOptions = {},
): Promise<ProjectFeatureStore> => {
  const definitions = projectFeatureDefinitions(project)
  const stores = options.stores ?? (await openProjectStores(project))
  let online: OnlineStore
  try {
    online = await openProjectOnlineStore(project, options.online, undefined, {
      commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
    })
  } catch (e) {
    if (!options.stores) await stores.close()
    throw e
  }
  const log = createSqlFeatureLogStore(stores.metadata)
  return {
    definitions,
    online,
    state: createSqlMaterializationStateStore(stores.metadata),
    log,
    readRows: withPushedRows(readViewRows, log),
    target: online.backend,
    close: async () => {
      await online.close()
      if (!options.stores) await stores.close()
    },
  }
}
