import type { Project } from '../project/index.js'
import { openProjectOnlineStore } from '../project/workspace.js'
import {
  assertServiceMaterialized,
  materializedVersions,
  projectFeatureDefinitions,
  pushFeatures,
  viewNamed,
} from '../features/index.js'
import {
  createSqlFeatureLogStore,
  createSqlMaterializationStateStore,
} from '../stores/features/index.js'
import type { KeelStores } from '../stores/open-stores.js'
import type { ServeFeatureOptions } from './server-types.js'

/**
 * The feature store a served project reads from, when it defines feature services: its
 * definitions, the online store, pushes (written online and to the offline feature log), and the
 * check that a service's views were materialized before its models are served.
 */
export const serveFeatureOptions = async (
  project: Project,
  stores: KeelStores,
  opts: { featureFallback: 'reject' | 'missing'; online?: string },
): Promise<ServeFeatureOptions | undefined> => {
  const definitions = projectFeatureDefinitions(project)
  if (definitions.services.size === 0 && definitions.views.size === 0) return undefined
  const onlineStore = await openProjectOnlineStore(project, opts.online)
  const state = createSqlMaterializationStateStore(stores.metadata)
  const log = createSqlFeatureLogStore(stores.metadata)
  return {
    featureStore: definitions,
    onlineStore,
    fallback: opts.featureFallback,
    push: async (view, rows, now) => {
      const summary = await pushFeatures(viewNamed(definitions, view), rows, {
        online: onlineStore,
        log,
        now,
      })
      return { written: summary.keysWritten }
    },
    materialized: async (service) =>
      assertServiceMaterialized(
        service,
        await materializedVersions(state, onlineStore.backend),
        onlineStore.backend,
      ),
  }
}
