import type { ModelBundle } from '@keel/core'
import { loadModelRef, type KeelStores, type ModelRef } from '../stores/index.js'

/** A registered bundle and how it was chosen. */
export interface MonitoredBundle {
  readonly bundle: ModelBundle
  readonly version: string
  /** `version 3` or `alias production`. */
  readonly chosenBy: string
}

/**
 * Load the bundle a monitoring run compares traffic with: the version a model reference names
 * (a bare name follows `production`, as everywhere), its digest verified on read.
 */
export const loadMonitoredBundle = async (
  stores: KeelStores,
  ref: ModelRef,
): Promise<MonitoredBundle> => {
  const chosen = await loadModelRef(stores, ref)
  return {
    bundle: chosen.bundle,
    version: String(chosen.version.version),
    chosenBy: chosen.chosenBy,
  }
}
