import { KeelError } from '@keel/core'
import { STATUS_CODE, type LookupOptions, type LookupView, type ViewLookup } from '../api.js'
import {
  FEATURE_STATUSES,
  type FeatureStatus,
  type FeatureValue,
  type ResolvedService,
} from '../definitions.js'
import { asLogged } from './compare.js'
import type { ComparedValue } from './report.js'

// The offline side of the consistency check: the point-in-time values of a service's views for
// the sampled rows, and the on-demand features recomputed from them as serving computes them.

/** One row to look up: its key per service view (service order) and its request time. */
export interface OfflineRow {
  readonly keys: readonly (string | null)[]
  readonly at: number
}

/** A view's lookup and where the rows of one service view start in it. */
export interface ViewAnswer {
  readonly lookup: ViewLookup
  readonly offset: number
}

/**
 * Look every service view up for every checked row, one `lookupView` call per view: a view the
 * service uses twice (origin and destination) is looked up once for both key columns. Returns,
 * per service view, the lookup and the offset of its rows in it.
 */
export const lookUpAll = async (
  service: ResolvedService,
  rows: readonly OfflineRow[],
  lookupView: LookupView,
  options: LookupOptions,
): Promise<ViewAnswer[]> => {
  const groups = new Map<string, number[]>()
  service.views.forEach((sv, i) => {
    const g = groups.get(sv.view.name)
    if (g) g.push(i)
    else groups.set(sv.view.name, [i])
  })
  const out: ViewAnswer[] = []
  await Promise.all(
    [...groups.values()].map(async (members) => {
      const view = service.views[members[0]!]!.view
      const n = rows.length * members.length
      const keys: (string | null)[] = []
      const times = new Float64Array(n)
      members.forEach((m, g) =>
        rows.forEach((r, i) => {
          keys.push(r.keys[m]!)
          times[g * rows.length + i] = r.at
        }),
      )
      const lookup = await lookupView(view, keys, times, options)
      const short = [lookup.status.length, lookup.eventTime.length, lookup.knownTime.length]
      const missing = view.features.find((f) => (lookup.values[f.name]?.length ?? -1) !== n)
      if (short.some((len) => len !== n) || missing) {
        throw new KeelError(
          'INVALID_DATA',
          `the offline lookup of view "${view.name}" answered ${lookup.status.length} rows for ${n} keys`,
          { path: ['featureViews', view.name], details: { feature: missing?.name ?? null } },
        )
      }
      members.forEach((m, g) => (out[m] = { lookup, offset: g * rows.length }))
    }),
  )
  return out
}

const statusOfCode = (code: number): FeatureStatus => {
  const s = FEATURE_STATUSES.find((name) => STATUS_CODE[name] === code)
  if (s === undefined || s === 'null') {
    throw new KeelError('INVALID_DATA', `the offline lookup answered an unknown row status ${code}`)
  }
  return s
}

const nanToNull = (v: number): number | null => (Number.isNaN(v) ? null : v)

/** The offline value of one view feature of one row. */
export const offlineViewValue = (
  found: ViewAnswer,
  feature: string,
  row: number,
): ComparedValue => {
  const i = found.offset + row
  const status = statusOfCode(found.lookup.status[i]!)
  const value = status === 'present' ? asLogged(found.lookup.values[feature]![i]) : null
  return {
    value,
    status: status === 'present' && value === null ? 'null' : status,
    eventTime: nanToNull(found.lookup.eventTime[i]!),
    knownTime: nanToNull(found.lookup.knownTime[i]!),
  }
}

/** The value serving puts in the row for a fetched status other than `present` (its policy). */
const policyValue = (service: ResolvedService, status: FeatureStatus): FeatureValue => {
  if (status === 'present') return null
  const policy = service.onStatus[status]
  // `reject` answers 422, so such a row is never logged with the feature: null stands in.
  return typeof policy === 'object' ? policy.default : null
}

/**
 * The on-demand features of one row, computed the way serving assembles the row: the request's
 * logged inputs, every view output by its output name (a status other than `present` replaced as
 * the service's `onStatus` policy says), then each on-demand output in order, each seeing those
 * before it.
 */
export const offlineOnDemand = (
  service: ResolvedService,
  inputs: Readonly<Record<string, unknown>>,
  fetched: ReadonlyMap<string, ComparedValue>,
): Map<string, ComparedValue> => {
  const row: Record<string, unknown> = { ...inputs }
  for (const [name, v] of fetched) {
    row[name] = v.status === 'present' ? v.value : policyValue(service, v.status)
  }
  const out = new Map<string, ComparedValue>()
  for (const d of service.onDemand) {
    let value: ComparedValue
    try {
      const v = asLogged(d.compute(row))
      value = {
        value: v,
        status: v === null ? 'null' : 'present',
        eventTime: null,
        knownTime: null,
      }
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e)
      value = { value: null, status: 'null', eventTime: null, knownTime: null, error }
    }
    row[d.name] = value.value
    out.set(d.name, value)
  }
  return out
}
