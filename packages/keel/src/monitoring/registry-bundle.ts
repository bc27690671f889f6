import { isKeelError, KeelError, type ModelBundle } from '@keel/core'
import { createRegistryBundleSource } from '../serving/registry-bundle-source.js'
import type { KeelStores } from '../stores/index.js'

/** Which registered version to monitor. */
export interface MonitoredBundleRef {
  /** A fixed version number. */
  readonly version?: number
  /** An alias; default `production`, falling back to `latest` when no alias was asked for. */
  readonly alias?: string
}

/** A registered bundle and how it was chosen. */
export interface MonitoredBundle {
  readonly bundle: ModelBundle
  readonly version: string
  /** `version 3`, `alias production`, or `latest (no production alias yet)`. */
  readonly chosenBy: string
}

/**
 * Load the bundle a monitoring run compares traffic with, through the same registry source the
 * prediction service uses (the artifact's digest is verified on read). An explicit version or
 * alias must exist (`NOT_FOUND`); with neither, the `production` alias is used, or the newest
 * version while no alias is set.
 */
export const loadMonitoredBundle = async (
  stores: KeelStores,
  model: string,
  ref: MonitoredBundleRef = {},
): Promise<MonitoredBundle> => {
  if (ref.version !== undefined && ref.alias !== undefined) {
    throw new KeelError('INVALID_ARGUMENT', 'give either a version or an alias, not both')
  }
  const source = createRegistryBundleSource(stores)
  let version: string
  let chosenBy: string
  if (ref.version !== undefined) {
    version = await source.resolveVersion(model, { version: String(ref.version) })
    chosenBy = `version ${ref.version}`
  } else if (ref.alias !== undefined) {
    version = await source.resolveVersion(model, { alias: ref.alias })
    chosenBy = `alias ${ref.alias}`
  } else {
    try {
      version = await source.resolveVersion(model, { alias: 'production' })
      chosenBy = 'alias production'
    } catch (e) {
      if (!isKeelError(e) || e.code !== 'NOT_FOUND') throw e
      version = await source.resolveVersion(model, { alias: 'latest' })
      chosenBy = 'latest (no production alias yet)'
    }
  }
  return { bundle: await source.load(model, version), version, chosenBy }
}
