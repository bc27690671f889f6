import { KeelError } from '@keel/core'
import type { ServedFeatureValue } from '../api.js'
import type { MissingPolicy } from '../config.js'
import type { FeatureStatus, FeatureValue, ResolvedService } from '../definitions.js'
import { featureStatus, type LookedUp } from '../point-in-time.js'

/** One request row with its service's features filled in. */
export interface AssembledRow {
  /** The request row plus one field per service output (fetched, defaulted or on-demand). */
  readonly row: Record<string, unknown>
  /**
   * Per service output: the value the model reads (after the status policy), the status it was
   * fetched with, and, for view features, the event and known time of the row it came from.
   */
  readonly served: Record<string, ServedFeatureValue>
  /** Set when the policy of a fetched status is `reject`: the first such output and its status. */
  readonly rejected?: { readonly feature: string; readonly status: FeatureStatus }
}

/** What an on-demand function returned, as a feature value (undefined and NaN are null). */
const onDemandValue = (name: string, v: unknown): FeatureValue => {
  if (v === undefined || v === null) return null
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string' || typeof v === 'boolean') return v
  throw new KeelError(
    'INVALID_DATA',
    `on-demand feature "${name}" returned ${Array.isArray(v) ? 'an array' : typeof v}; it must return a number, string, boolean or null`,
    { path: ['onDemand', name] },
  )
}

/** The policy's value for a fetched status other than `present` (`undefined` = reject). */
const byPolicy = (policy: MissingPolicy): FeatureValue | undefined =>
  policy === 'reject' ? undefined : policy === 'missing' ? null : policy.default

/**
 * Fill one entity row with its service's features — the same function online (a predict request
 * row and its online lookups) and offline (an entity row and its point-in-time lookups), so both
 * feed a model the same row. `lookups` holds one {@link LookedUp} per service view, in
 * `service.views` order. View features are named `prefix + feature`; a status other than
 * `present` goes through `service.onStatus` (`missing`: null, the model imputes; `{default}`: that
 * value; `reject`: the row is returned with `rejected` set). Then the on-demand features run in
 * order, each on the row so far (`compute` returning undefined or NaN gives null). Pure: the
 * request row is not mutated.
 *
 * @example
 * const { row, served, rejected } = assembleRow(service, { origin: 'ATL' }, [lookup])
 */
export const assembleRow = (
  service: ResolvedService,
  requestRow: Readonly<Record<string, unknown>>,
  lookups: readonly LookedUp[],
): AssembledRow => {
  if (lookups.length !== service.views.length) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `feature service "${service.name}" has ${service.views.length} views; got ${lookups.length} lookups`,
      { path: ['lookups'] },
    )
  }
  const row: Record<string, unknown> = { ...requestRow }
  const served: Record<string, ServedFeatureValue> = {}
  for (const [v, sv] of service.views.entries()) {
    const found = lookups[v]!
    const times =
      found.eventTime === null
        ? {}
        : { eventTime: found.eventTime, knownTime: found.knownTime ?? found.eventTime }
    for (const f of sv.features) {
      const name = sv.prefix + f.name
      const status = featureStatus(found, f.name)
      let value: FeatureValue
      if (status === 'present') value = found.values![f.name]!
      else {
        const chosen = byPolicy(service.onStatus[status])
        if (chosen === undefined) return { row, served, rejected: { feature: name, status } }
        value = chosen
      }
      row[name] = value
      served[name] = { value, status, ...times }
    }
  }
  for (const d of service.onDemand) {
    let computed: unknown
    try {
      computed = d.compute(row)
    } catch (e) {
      throw new KeelError(
        'INVALID_DATA',
        `on-demand feature "${d.name}" failed: ${(e as Error).message}`,
        { path: ['onDemand', d.name], cause: e },
      )
    }
    const value = onDemandValue(d.name, computed)
    row[d.name] = value
    served[d.name] = { value, status: value === null ? 'null' : 'present' }
  }
  return { row, served }
}
