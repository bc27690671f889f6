import { featureStoreConfigSchema } from '../../config.js'
import { resolveFeatureStore, type ResolvedFeatureStore } from '../../definitions.js'
import type { OnlineStore } from '../../../stores/online/online-store.js'
import type { ResolvedView } from '../../definitions.js'
import { decodeFeatureRow, viewNamespace } from '../../online/layout.js'
import type { LookedUp } from '../../point-in-time.js'

/**
 * A small feature store for tests: airports with a late-rate view (from a file, known-time column,
 * TTL in ms as given), a push view of delays, and a service over both.
 */
export const testFeatureStore = (ttlMs: number | null = 3_600_000): ResolvedFeatureStore =>
  resolveFeatureStore(
    featureStoreConfigSchema.parse({
      entities: [{ name: 'airport' }, { name: 'flight', valueType: 'number' }],
      featureViews: [
        {
          name: 'late_rate',
          source: { duckdb: 'select * from flights' },
          entity: 'airport',
          eventTime: 'event_time',
          knownTime: 'known_time',
          ...(ttlMs === null ? {} : { ttl: ttlMs }),
          features: [
            { name: 'rate', kind: 'numeric' },
            { name: 'busy', kind: 'boolean' },
          ],
        },
        {
          name: 'delays',
          source: { push: true },
          entity: 'flight',
          eventTime: 'event_time',
          knownTime: 'known_time',
          ttl: '1d',
          features: [
            { name: 'delay', kind: 'numeric' },
            { name: 'gate', kind: 'categorical' },
            { name: 'boarding', kind: 'boolean' },
          ],
        },
      ],
      featureServices: [{ name: 'departures', views: [{ view: 'late_rate' }, { view: 'delays' }] }],
    }),
  )

/**
 * What an online reader serves for each key at `now`: the stored row with the view's TTL applied
 * from its event time (the rule readers follow), in the shape of the reference lookup.
 */
export const onlineLookups = async (
  online: OnlineStore,
  view: ResolvedView,
  keys: readonly string[],
  now: number,
): Promise<LookedUp[]> => {
  const ns = viewNamespace(view)
  const raw = await online.getAcross(
    keys.map((k) => [ns, k] as const),
    { now },
  )
  return raw.map((r) => {
    if (r === undefined)
      return { status: 'not_found', values: null, eventTime: null, knownTime: null }
    const row = decodeFeatureRow(r, ns)
    if (view.ttlMs !== null && now >= row.eventTime + view.ttlMs)
      return {
        status: 'outside_ttl',
        values: null,
        eventTime: row.eventTime,
        knownTime: row.knownTime,
      }
    return {
      status: 'present',
      values: row.values,
      eventTime: row.eventTime,
      knownTime: row.knownTime,
    }
  })
}
