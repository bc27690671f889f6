import type { SourceSpec } from '../../data/source.js'
import type { PredictionEvent } from '../../stores/events/types.js'
import type { LookupView, ReadViewRows } from '../api.js'
import type { FeatureStoreConfig } from '../config.js'
import { resolveFeatureStore, type ResolvedFeatureStore } from '../definitions.js'
import { checkConsistency } from './check-consistency.js'
import type { Tolerance } from './compare.js'
import type { ConsistencyReport } from './report.js'

/** The consistency check of one window of the prediction log: one report per feature service. */
export interface ConsistencyWindow {
  readonly window: number
  readonly reports: readonly ConsistencyReport[]
  /** Services the window's predictions logged that the project no longer declares. */
  readonly undeclared: readonly string[]
}

/** What {@link checkWindows} needs besides the windows' predictions. */
export interface CheckWindowsOptions {
  readonly store: ResolvedFeatureStore
  readonly lookupView: LookupView
  readonly pushedRows?: ReadViewRows
  /** Predictions compared at most per window and service. */
  readonly sample: number
  readonly seed: number
  readonly tolerance?: Tolerance
}

/**
 * Run the consistency check on each window's predictions (already cut by the monitoring run), for
 * every feature service they were served with. Windows whose predictions carry no served features
 * give no reports.
 */
export const checkWindows = async (
  windows: readonly (readonly PredictionEvent[])[],
  options: CheckWindowsOptions,
): Promise<ConsistencyWindow[]> => {
  const out: ConsistencyWindow[] = []
  for (const [window, events] of windows.entries()) {
    const logged = [...new Set(events.flatMap((e) => (e.features ? [e.features.service] : [])))]
    const reports: ConsistencyReport[] = []
    for (const service of logged.filter((s) => options.store.services.has(s)).sort()) {
      reports.push(
        await checkConsistency({
          events,
          store: options.store,
          lookupView: options.lookupView,
          service,
          sample: options.sample,
          seed: options.seed,
          ...(options.tolerance ? { tolerance: options.tolerance } : {}),
          ...(options.pushedRows ? { pushedRows: options.pushedRows } : {}),
        }),
      )
    }
    const undeclared = logged.filter((s) => !options.store.services.has(s)).sort()
    if (reports.length > 0 || undeclared.length > 0) out.push({ window, reports, undeclared })
  }
  return out
}

/**
 * The feature store a project declares, resolved, or `null` when it declares no feature
 * services (then there is nothing to check).
 */
export const declaredFeatureStore = (config: unknown): ResolvedFeatureStore | null => {
  const c = (config ?? {}) as Partial<FeatureStoreConfig> & {
    readonly sources?: Readonly<Record<string, SourceSpec>>
  }
  if (!Array.isArray(c.featureServices) || c.featureServices.length === 0) return null
  return resolveFeatureStore({
    ...(c.sources ? { sources: c.sources } : {}),
    ...(c.entities ? { entities: c.entities } : {}),
    ...(c.featureViews ? { featureViews: c.featureViews } : {}),
    ...(c.onDemand ? { onDemand: c.onDemand } : {}),
    featureServices: c.featureServices,
  })
}
