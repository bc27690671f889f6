import type { FeatureHistory } from '../api.js'
import type { ResolvedView } from '../definitions.js'
import {
  availableAt,
  newer,
  type AsOf,
  type TimedRow,
  type ValidityInterval,
} from './../point-in-time.js'
import { readRows } from './lookup-view.js'

/** From `at` on (until the next change), `best` is the row served (undefined: none yet). */
interface Change {
  readonly at: number
  readonly best: TimedRow
}

/** The instants at which a key's served row changes, in time order (one sort, one pass). */
const changesOf = (rows: readonly TimedRow[], asOf: AsOf): Change[] => {
  const sorted = [...rows].sort((a, b) => availableAt(a, asOf) - availableAt(b, asOf))
  const out: Change[] = []
  let best: TimedRow | undefined
  for (const r of sorted) {
    if (best !== undefined && !newer(r, best)) continue
    best = r
    const at = availableAt(r, asOf)
    if (out.length > 0 && out[out.length - 1]!.at === at) out[out.length - 1] = { at, best }
    else out.push({ at, best })
  }
  return out
}

/**
 * The validity intervals of one key over `[from, to)` computed from its rows alone — the same
 * intervals as `historyReference`, in O(n log n): the served row changes when a winning row
 * becomes available, and its status when it passes its TTL. As of event time the known time
 * reported is the event time, unless `rowKnownTime` (a windowed view's naive change points, whose
 * known time is when their value really became available).
 */
export const historyOf = (
  rows: readonly TimedRow[],
  from: number,
  to: number,
  ttlMs: number | null,
  asOf: AsOf,
  rowKnownTime = false,
): ValidityInterval[] => {
  const changes = changesOf(rows, asOf)
  const points = new Set<number>([from])
  for (const c of changes) {
    if (c.at > from && c.at < to) points.add(c.at)
    if (ttlMs !== null) {
      const end = c.best.eventTime + ttlMs
      if (end > from && end < to) points.add(end)
    }
  }
  const sorted = [...points].sort((a, b) => a - b)
  const out: ValidityInterval[] = []
  let ci = -1
  let lastBest: TimedRow | undefined
  for (const [i, p] of sorted.entries()) {
    while (ci + 1 < changes.length && changes[ci + 1]!.at <= p) ci++
    const best = ci >= 0 ? changes[ci]!.best : undefined
    const end = i + 1 < sorted.length ? sorted[i + 1]! : to
    const validTo = end >= to ? null : end
    const state: Omit<ValidityInterval, 'validFrom' | 'validTo'> =
      best === undefined
        ? { status: 'not_found', values: null, eventTime: null, knownTime: null }
        : {
            status: ttlMs !== null && p >= best.eventTime + ttlMs ? 'outside_ttl' : 'present',
            values: ttlMs !== null && p >= best.eventTime + ttlMs ? null : best.values,
            eventTime: best.eventTime,
            knownTime: asOf === 'event' && !rowKnownTime ? best.eventTime : best.knownTime,
          }
    const prev = out[out.length - 1]
    const same =
      prev !== undefined &&
      prev.status === state.status &&
      prev.eventTime === state.eventTime &&
      prev.knownTime === state.knownTime &&
      (state.status !== 'present' || lastBest === best)
    if (same) out[out.length - 1] = { ...prev, validTo }
    else out.push({ validFrom: p, validTo, ...state })
    lastBest = best
  }
  return out
}

/**
 * What the online store would have returned for `key` at every moment of `[from, to)`, as
 * validity intervals (see `historyReference`). Reads only that key's rows.
 */
export const featureHistory: FeatureHistory = async (
  view: ResolvedView,
  key,
  from,
  to,
  options = {},
) => {
  const asOf = options.asOf ?? 'known'
  const rows: TimedRow[] = []
  for await (const batch of readRows(view, { key, pushedRows: options.pushedRows, asOf })) {
    rows.push(...batch)
  }
  return historyOf(rows, from, to, view.ttlMs, asOf, view.windowed)
}
