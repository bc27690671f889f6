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

/**
 * A feature service that feeds the toy bundle: `distance` from the `routes` view (keyed by the
 * request's `route`, TTL 1 h, values known late), `hour` on demand from the request's
 * `dep_minute`. `onStatus` is the service's status policy.
 */
export const toyFeatureStore = (
  onStatus: NonNullable<FeatureStoreDefinitions['featureServices']>[number]['onStatus'] = {},
): ResolvedFeatureStore =>
  featureStoreOf({
    entities: [{ name: 'route' }],
    featureViews: [
      {
        name: 'routes',
        source: { push: true },
        entity: 'route',
        eventTime: 'at',
        knownTime: 'known_at',
        ttl: '1h',
        features: [{ name: 'distance', kind: 'numeric' }],
      },
    ],
    onDemand: [
      {
        name: 'hour',
        kind: 'numeric',
        compute: (row) => Math.floor(Number(row['dep_minute']) / 60),
      },
    ],
    featureServices: [{ name: 'toy', views: [{ view: 'routes' }], onDemand: ['hour'], onStatus }],
  })
