import type { z } from 'zod'
import type { featureStoreConfigSchema } from '../../features/config.js'
import {
  resolveFeatureStore,
  type FeatureStoreInput,
  type ResolvedFeatureStore,
} from '../../features/definitions.js'

/** Feature-store definitions as a project writes them (defaults left out). */
export type FeatureStoreDefinitions = z.input<typeof featureStoreConfigSchema>

/**
 * Resolve definitions written as in `keel.config.ts`; `resolveFeatureStore` parses them with the
 * config schema, which fills the defaults its parameter type declares.
 */
export const featureStoreOf = (definitions: FeatureStoreDefinitions): ResolvedFeatureStore =>
  resolveFeatureStore(definitions as unknown as FeatureStoreInput)
