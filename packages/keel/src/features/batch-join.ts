import { KeelError, type BundleLineage, type Frame } from '@keel/core'
import type { GetHistoricalFeatures } from './api.js'
import { serviceNamed, type ResolvedFeatureStore, type ResolvedService } from './definitions.js'
import { getHistoricalFeatures } from './offline/index.js'

/**
 * The feature service a bundle was trained on, as the project defines it now: the same version, or
 * `CONFLICT` naming both (the definitions changed since training: the model would be fed features
 * it never saw).
 */
export const trainedService = (
  store: ResolvedFeatureStore,
  lineage: NonNullable<BundleLineage['featureService']>,
): ResolvedService => {
  const service = serviceNamed(store, lineage.name)
  if (service.version !== lineage.version) {
    throw new KeelError(
      'CONFLICT',
      `feature service "${lineage.name}" is version ${service.version} in the config, but the model was trained on version ${lineage.version}`,
      {
        path: ['featureServices', lineage.name, 'version'],
        details: { trainedOn: lineage.version, configured: service.version },
        hint: 'retrain on the current definitions, or use the config the model was trained with',
      },
    )
  }
  return service
}

/**
 * Batch prediction through the feature store: each chunk of entity rows gets the service's
 * features joined point in time at its own rows' times (`timeColumn`), as of known time — the
 * values the online store would have served at those moments — before the bundle sees it.
 */
export async function* withServiceFeatures(
  chunks: AsyncIterable<Frame> | Iterable<Frame>,
  store: ResolvedFeatureStore,
  service: ResolvedService,
  timeColumn: string,
  join: GetHistoricalFeatures = getHistoricalFeatures,
): AsyncIterable<Frame> {
  for await (const chunk of chunks) {
    if (!chunk.has(timeColumn)) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `the rows have no "${timeColumn}" column: feature service "${service.name}" is joined at each row's time`,
        { path: [timeColumn], hint: 'name the time column with --time-column' },
      )
    }
    const joined = await join(store, chunk, { service: service.name, timeColumn })
    yield joined.frame
  }
}
