import type { FeatureStatus, FeatureValue } from './definitions.js'

/**
 * The point-in-time rule, written out plainly. This is the specification every engine (DuckDB,
 * PostgreSQL, the online store after materialization) is tested against; it is O(rows) per lookup
 * and meant for tests and small inputs, not for training sets.
 *
 * For an entity row with key k at time t, the value served is the source row of key k with the
 * greatest event time ≤ t among the rows known at t (known time ≤ t) — as of known time, the
 * default — or among all rows (as of event time, the opt-out that reproduces the classic leak).
 * Ties on event time go to the latest known time, then to the row later in source order. The
 * chosen value is present while t < event time + ttl; past that its status is `outside_ttl` and
 * its values are null. No candidate: `not_found`. A present row's null value: `null`.
 */

/** One source row of a view, its key as text. */
export interface TimedRow {
  readonly key: string | null
  readonly eventTime: number
  /** When the value became available (equal to `eventTime` for a source without lateness). */
  readonly knownTime: number
  readonly values: Readonly<Record<string, FeatureValue>>
  /** Position in the source (ties on event and known time go to the greater). */
  readonly order: number
}

/** As of known time (the default) or as of event time (the naive join, for comparisons). */
export type AsOf = 'known' | 'event'

export interface PointInTimeOptions {
  readonly ttlMs: number | null
  readonly asOf?: AsOf
}

/** What a lookup found. */
export interface LookedUp {
  /** `present`, `not_found` or `outside_ttl` for the row (per feature, a present null is `null`). */
  readonly status: Exclude<FeatureStatus, 'null'>
  /** The chosen row's values (null for `not_found` and `outside_ttl`). */
  readonly values: Readonly<Record<string, FeatureValue>> | null
  readonly eventTime: number | null
  readonly knownTime: number | null
}

/** When a row becomes visible: its known time as of known time (never before its event time). */
export const availableAt = (row: TimedRow, asOf: AsOf = 'known'): number =>
  asOf === 'event' ? row.eventTime : Math.max(row.eventTime, row.knownTime)

/** True when `a` wins over `b` for the same key: later event time, then known time, then order. */
export const newer = (a: TimedRow, b: TimedRow): boolean =>
  a.eventTime !== b.eventTime
    ? a.eventTime > b.eventTime
    : a.knownTime !== b.knownTime
      ? a.knownTime > b.knownTime
      : a.order > b.order

/** The status of one feature of a lookup. */
export const featureStatus = (found: LookedUp, feature: string): FeatureStatus =>
  found.status !== 'present' ? found.status : found.values![feature] === null ? 'null' : 'present'

/** The value served for `key` at time `t` (brute force over `rows`). */
export const pointInTimeReference = (
  rows: readonly TimedRow[],
  key: string | null,
  t: number,
  options: PointInTimeOptions,
): LookedUp => {
  let best: TimedRow | undefined
  if (key !== null) {
    for (const r of rows) {
      if (r.key !== key || r.eventTime > t || availableAt(r, options.asOf) > t) continue
      if (best === undefined || newer(r, best)) best = r
    }
  }
  if (best === undefined)
    return { status: 'not_found', values: null, eventTime: null, knownTime: null }
  const knownTime = options.asOf === 'event' ? best.eventTime : best.knownTime
  if (options.ttlMs !== null && t >= best.eventTime + options.ttlMs) {
    return { status: 'outside_ttl', values: null, eventTime: best.eventTime, knownTime }
  }
  return { status: 'present', values: best.values, eventTime: best.eventTime, knownTime }
}

/**
 * One stretch of a key's history: from `validFrom` (inclusive) to `validTo` (exclusive; `null` =
 * still valid) the online store would have returned this value with this status.
 */
export interface ValidityInterval {
  readonly validFrom: number
  readonly validTo: number | null
  readonly status: Exclude<FeatureStatus, 'null'>
  readonly values: Readonly<Record<string, FeatureValue>> | null
  readonly eventTime: number | null
  readonly knownTime: number | null
}

/**
 * The validity intervals of `key` over `[from, to)` by the rule above (brute force): a key's value
 * changes only when a row that wins becomes available, or when the current value passes its TTL.
 * Adjacent stretches with the same value and status are one interval.
 */
export const historyReference = (
  rows: readonly TimedRow[],
  key: string,
  from: number,
  to: number,
  options: PointInTimeOptions,
): ValidityInterval[] => {
  const points = new Set<number>([from])
  for (const r of rows) {
    if (r.key !== key) continue
    const a = availableAt(r, options.asOf)
    if (a > from && a < to) points.add(a)
    if (options.ttlMs !== null) {
      const end = r.eventTime + options.ttlMs
      if (end > from && end < to) points.add(end)
    }
  }
  const sorted = [...points].sort((a, b) => a - b)
  const out: ValidityInterval[] = []
  for (const [i, p] of sorted.entries()) {
    const found = pointInTimeReference(rows, key, p, options)
    const prev = out[out.length - 1]
    const same =
      prev !== undefined &&
      prev.status === found.status &&
      prev.eventTime === found.eventTime &&
      prev.knownTime === found.knownTime &&
      prev.values === found.values
    const end = i + 1 < sorted.length ? sorted[i + 1]! : to
    if (same) {
      out[out.length - 1] = { ...prev, validTo: end >= to ? null : end }
    } else {
      out.push({ validFrom: p, validTo: end >= to ? null : end, ...found })
    }
  }
  return out
}
