import { KeelError } from '@keel/core'
import type { FeatureValue, ResolvedView } from '../definitions.js'
import type { AsOf, TimedRow } from '../point-in-time.js'
import { HOUR_MS, distinctWindows, windowedAggregates, type WindowedAggregate } from './plan.js'

// The windowed rule written out plainly: the specification the SQL versions are tested against.
// Brute force — O(instants × rows) per key — for tests and small inputs only.

/** When a row is known: its known time, or its event time if that is later. */
const knownAt = (row: TimedRow): number => Math.max(row.eventTime, row.knownTime)

/**
 * When a row enters every window: once it has happened and is known, or as of event time (the
 * naive join) once it has happened.
 */
const enterAt = (row: TimedRow, asOf: AsOf): number =>
  asOf === 'event' ? row.eventTime : knownAt(row)

/** A row counts: its key is set and its event time is a number. */
const usable = (row: TimedRow): boolean => row.key !== null && Number.isFinite(row.eventTime)

/** The number a row adds to a sum (booleans as 0/1), or null for a null value. */
const numberOf = (row: TimedRow, column: string, aggregate: string): number | null => {
  const v: FeatureValue | undefined = row.values[column]
  if (v === null || v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') return v
  throw new KeelError(
    'INVALID_DATA',
    `aggregation "${aggregate}" sums column "${column}", which holds text (${JSON.stringify(v)}) for key "${row.key}"`,
    { path: [column], details: { key: row.key, eventTime: row.eventTime } },
  )
}

const aggregateAt = (
  aggregate: WindowedAggregate,
  rows: readonly TimedRow[],
  t: number,
  asOf: AsOf,
): number | null => {
  let count = 0
  let sum = 0
  let present = 0
  for (const r of rows) {
    if (!(enterAt(r, asOf) <= t && t < r.eventTime + aggregate.windowMs)) continue
    count += 1
    if (aggregate.column === null) continue
    const v = numberOf(r, aggregate.column, aggregate.name)
    if (v === null) continue
    sum += v
    present += 1
  }
  switch (aggregate.fn) {
    case 'count':
      return count
    case 'rate':
      return count / (aggregate.windowMs / HOUR_MS)
    case 'sum':
      return sum
    case 'mean':
      return present === 0 ? null : sum / present
  }
}

/** Published on a cadence, the value at t is the aggregate at the last multiple of it ≤ t. */
const publishedAt = (view: ResolvedView, t: number): number => {
  const P = view.publishEveryMs
  return P === null ? t : Math.floor(t / P) * P
}

/**
 * The aggregates of `view` for `key` at time `t`, computed directly from the raw rows: for each
 * aggregate, the rows of `key` with `max(event, known) ≤ t < event + window` — as of event time
 * (`asOf: 'event'`, the naive aggregate), `event ≤ t < event + window`, known or not (with a
 * publishing cadence, at the last multiple of it ≤ t instead of t). A key with no rows in a window
 * has count 0, sum 0, mean null, rate 0.
 */
export const windowedValuesAt = (
  view: ResolvedView,
  rows: readonly TimedRow[],
  key: string,
  t: number,
  asOf: AsOf = 'known',
): Record<string, number | null> => {
  const mine = rows.filter((r) => usable(r) && r.key === key)
  const at = publishedAt(view, t)
  const out: Record<string, number | null> = {}
  for (const a of windowedAggregates(view)) out[a.name] = aggregateAt(a, mine, at, asOf)
  return out
}

/**
 * The instants at which the rows of one key enter or leave the view's windows (with a cadence,
 * rounded up to multiples of it); a row whose entry is not before its exit adds none.
 */
const changeInstants = (
  view: ResolvedView,
  windows: readonly number[],
  rows: readonly TimedRow[],
  asOf: AsOf,
): number[] => {
  const P = view.publishEveryMs
  const publish = (x: number): number => (P === null ? x : Math.ceil(x / P) * P)
  const instants = new Set<number>()
  for (const r of rows) {
    for (const w of windows) {
      const enter = publish(enterAt(r, asOf))
      const leave = publish(r.eventTime + w)
      if (enter >= leave) continue
      instants.add(enter)
      instants.add(leave)
    }
  }
  return [...instants].sort((a, b) => a - b)
}

/** When the naive value at change instant `h` became available (see {@link naiveAvailabilityAt}). */
const availableFrom = (rows: readonly TimedRow[], widest: number, h: number): number => {
  let known = h
  for (const r of rows) {
    if (r.eventTime <= h && h < r.eventTime + widest) known = Math.max(known, knownAt(r))
  }
  return known
}

/**
 * When the naive (as of event time) aggregates of `view` for `key` at time `t` really became
 * available: the greatest known time among the rows in the view's widest window — which holds
 * the rows of every narrower one — at the instant the value took effect (the last instant ≤ t at
 * which a row entered or left a window), and at least that instant. Later than `t` exactly when
 * the naive value at t counts a row not yet known at t: the leak. `null` before the key's first
 * row enters (the lookup is then `not_found`).
 */
export const naiveAvailabilityAt = (
  view: ResolvedView,
  rows: readonly TimedRow[],
  key: string,
  t: number,
): number | null => {
  const mine = rows.filter((r) => usable(r) && r.key === key)
  const windows = distinctWindows(windowedAggregates(view))
  const instants = changeInstants(view, windows, mine, 'event').filter((h) => h <= t)
  if (instants.length === 0) return null
  return availableFrom(mine, windows[windows.length - 1]!, instants[instants.length - 1]!)
}

/** Text in UTF-8 byte order, as DuckDB and PostgreSQL (collation "C") order it. */
const byteOrder = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

/**
 * The change points of a windowed view (see the module doc), by brute force over instants: for
 * each key, every instant at which a row enters or leaves one of the view's windows, with the
 * aggregates recomputed from the raw rows there. Ordered by key (UTF-8 bytes), then instant; a
 * change point's `order` is its rank in that order (from 0). As of known time a change point's
 * event and known time are the instant; as of event time (`asOf: 'event'`, rows entering when
 * they happen) its known time is when its value became available (see
 * {@link naiveAvailabilityAt}).
 */
export const windowedChangesReference = (
  view: ResolvedView,
  rows: readonly TimedRow[],
  asOf: AsOf = 'known',
): TimedRow[] => {
  const aggregates = windowedAggregates(view)
  const windows = distinctWindows(aggregates)
  const widest = windows[windows.length - 1]!
  const byKey = new Map<string, TimedRow[]>()
  for (const r of rows) {
    if (!usable(r)) continue
    const list = byKey.get(r.key!)
    if (list) list.push(r)
    else byKey.set(r.key!, [r])
  }
  const out: TimedRow[] = []
  for (const key of [...byKey.keys()].sort(byteOrder)) {
    const mine = byKey.get(key)!
    for (const t of changeInstants(view, windows, mine, asOf)) {
      const values: Record<string, number | null> = {}
      for (const a of aggregates) values[a.name] = aggregateAt(a, mine, t, asOf)
      const knownTime = asOf === 'event' ? availableFrom(mine, widest, t) : t
      out.push({ key, eventTime: t, knownTime, values, order: out.length })
    }
  }
  return out
}
