import type { PredictionEvent, ServedFeature } from '../../../stores/events/types.js'
import { entityKeyText, resolveFeatureStore, type ResolvedFeatureStore } from '../../definitions.js'
import { featureStatus, pointInTimeReference, type TimedRow } from '../../point-in-time.js'

/** Test times: hours after an arbitrary epoch-ms origin (2026-01-01). */
export const T0 = Date.UTC(2026, 0, 1)
export const HOUR = 3_600_000
export const at = (hours: number): number => T0 + hours * HOUR

/**
 * A small feature store in the shape of the flights example: an airport's delay view used twice
 * (origin and destination, with a 6 h TTL and known times), a weather view without lateness, and
 * an on-demand feature computed from the fetched values.
 */
export const flightsStore = (): ResolvedFeatureStore =>
  resolveFeatureStore({
    entities: [{ name: 'airport' }],
    featureViews: [
      {
        name: 'delays',
        source: { push: true },
        entity: 'airport',
        eventTime: 'ts',
        knownTime: 'known',
        ttl: '6h',
        features: [
          { name: 'late_rate', kind: 'numeric' },
          { name: 'flights', kind: 'numeric' },
        ],
      },
      {
        name: 'weather',
        source: { push: true },
        entity: 'airport',
        eventTime: 'ts',
        noLateness: true,
        features: [{ name: 'temp', kind: 'numeric' }],
      },
    ],
    onDemand: [
      {
        name: 'late_gap',
        kind: 'numeric',
        compute: (row) =>
          typeof row.origin_late_rate === 'number' && typeof row.dest_late_rate === 'number'
            ? row.origin_late_rate - row.dest_late_rate
            : null,
      },
    ],
    featureServices: [
      {
        name: 'flights',
        views: [
          { view: 'delays', key: 'origin', prefix: 'origin_' },
          { view: 'delays', key: 'destination', prefix: 'dest_' },
          { view: 'weather', key: 'origin', prefix: 'origin_' },
        ],
        onDemand: ['late_gap'],
      },
    ],
  })

/** A source row of a view. */
export const row = (
  key: string,
  eventHours: number,
  values: TimedRow['values'],
  knownHours = eventHours,
  order = 0,
): TimedRow => ({ key, eventTime: at(eventHours), knownTime: at(knownHours), values, order })

/**
 * A prediction as the service logs it: the service's views read from `online` (the online
 * store's rows, by view name) at `time` by the point-in-time rule, a status other than `present`
 * replaced as the service's `onStatus` policy says, the on-demand features computed from the row,
 * and every value recorded with its status and times.
 */
export const servedPrediction = (
  store: ResolvedFeatureStore,
  online: Readonly<Record<string, readonly TimedRow[]>>,
  id: string,
  inputs: Readonly<Record<string, unknown>>,
  time: number,
  service = 'flights',
): PredictionEvent => {
  const s = store.services.get(service)!
  const values: Record<string, ServedFeature> = {}
  const rowForCode: Record<string, unknown> = { ...inputs }
  for (const sv of s.views) {
    const key = entityKeyText(sv.view.entity, inputs[sv.key])
    const found = pointInTimeReference(online[sv.view.name] ?? [], key, time, {
      ttlMs: sv.view.ttlMs,
    })
    for (const f of sv.features) {
      const status = featureStatus(found, f.name)
      const policy = status === 'present' ? null : s.onStatus[status]
      const value =
        status === 'present'
          ? found.values![f.name]!
          : typeof policy === 'object' && policy !== null
            ? policy.default
            : null
      values[sv.prefix + f.name] = {
        value,
        status,
        ...(found.eventTime === null ? {} : { eventTime: found.eventTime }),
        ...(found.knownTime === null ? {} : { knownTime: found.knownTime }),
      }
      rowForCode[sv.prefix + f.name] = value
    }
  }
  for (const d of s.onDemand) {
    const value = (d.compute(rowForCode) ?? null) as ServedFeature['value']
    values[d.name] = { value, status: value === null ? 'null' : 'present' }
    rowForCode[d.name] = value
  }
  return {
    kind: 'prediction',
    id,
    requestId: id.split(':')[0]!,
    time,
    model: 'delay',
    version: '1',
    inputs,
    output: { prediction: 0, defer: false },
    features: { service: s.name, version: s.version, at: time, values },
  }
}

/** The same event with one served value replaced. */
export const withServed = (
  event: PredictionEvent,
  feature: string,
  served: ServedFeature,
): PredictionEvent => ({
  ...event,
  features: { ...event.features!, values: { ...event.features!.values, [feature]: served } },
})
