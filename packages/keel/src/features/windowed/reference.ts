import { KeelError } from '@keel/core'
import type { FeatureValue, ResolvedView } from '../definitions.js'
import type { TimedRow } from '../point-in-time.js'
import { HOUR_MS, distinctWindows, windowedAggregates, type WindowedAggregate } from './plan.js'

// The windowed rule written out plainly: the specification the SQL versions are tested against.
// Brute force — O(instants × rows) per key — for tests and small inputs only.

/** When a row enters every window: once it has happened and is known. */
const enterAt = (row: TimedRow): number => Math.max(row.eventTime, row.knownTime)

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
): number | null => {
  let count = 0
  let sum = 0
  let present = 0
  for (const r of rows) {
    if (!(enterAt(r) <= t && t < r.eventTime + aggregate.windowMs)) continue
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

/**
 * The aggregates of `view` for `key` at time `t`, computed directly from the raw rows: for each
 * aggregate, the rows of `key` with `max(event, known) ≤ t < event + window` (with a publishing
 * cadence, at the last multiple of it ≤ t instead of t). A key with no rows in
 * a window has count 0, sum 0, mean null, rate 0.
 */
export const windowedValuesAt = (
  view: ResolvedView,
  rows: readonly TimedRow[],
  key: string,
  t: number,
): Record<string, number | null> => {
  const mine = rows.filter((r) => usable(r) && r.key === key)
  // Published on a cadence: the value at t is the aggregate at the last multiple of it.
  const P = view.publishEveryMs
  const at = P === null ? t : Math.floor(t / P) * P
  const out: Record<string, number | null> = {}
  for (const a of windowedAggregates(view)) out[a.name] = aggregateAt(a, mine, at)
  return out
}

/** Text in UTF-8 byte order, as DuckDB and PostgreSQL (collation "C") order it. */
const byteOrder = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

/**
 * The change points of a windowed view (see the module doc), by brute force over instants: for
 * each key, every instant at which a row enters or leaves one of the view's windows, with the
 * aggregates recomputed from the raw rows there. Ordered by key (UTF-8 bytes), then instant; a
 * change point's `order` is its rank in that order (from 0).
 */
export const windowedChangesReference = (
  view: ResolvedView,
  rows: readonly TimedRow[],
): TimedRow[] => {
  const aggregates = windowedAggregates(view)
  const windows = distinctWindows(aggregates)
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
    const instants = new Set<number>()
    const P = view.publishEveryMs
    const publish = (x: number): number => (P === null ? x : Math.ceil(x / P) * P)
    for (const r of mine) {
      for (const w of windows) {
        const enter = publish(enterAt(r))
        const leave = publish(r.eventTime + w)
        if (enter >= leave) continue
        instants.add(enter)
        instants.add(leave)
      }
    }
    for (const t of [...instants].sort((a, b) => a - b)) {
      const values: Record<string, number | null> = {}
      for (const a of aggregates) values[a.name] = aggregateAt(a, mine, t)
      out.push({ key, eventTime: t, knownTime: t, values, order: out.length })
    }
  }
  return out
}
