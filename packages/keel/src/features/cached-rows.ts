import type { ReadViewRows } from './api.js'
import type { ResolvedView } from './definitions.js'
import { availableAt, newer, type TimedRow } from './point-in-time.js'

/**
 * A view-rows reader that reads each view once and answers later reads from memory: for work that
 * materializes the same views many times in a row, as a replay does every simulated hour. Only
 * what can still matter from `from` on is kept: each key's winner at `from` (what a rebuild as of
 * `from` writes) and every row that becomes available after `from`; rows are kept sorted by known
 * time, so a read of a known-time range is a binary search and a slice.
 */
export const cachedViewRows = (readRows: ReadViewRows, from: number): ReadViewRows => {
  const cache = new Map<string, Promise<TimedRow[]>>()
  const load = async (view: ResolvedView): Promise<TimedRow[]> => {
    const winners = new Map<string, TimedRow>()
    const later: TimedRow[] = []
    for await (const batch of readRows(view)) {
      for (const r of batch) {
        if (availableAt(r) > from) later.push(r)
        else if (r.key !== null) {
          const best = winners.get(r.key)
          if (best === undefined || newer(r, best)) winners.set(r.key, r)
        }
      }
    }
    return [...winners.values(), ...later].sort((a, b) => a.knownTime - b.knownTime)
  }
  const firstAbove = (rows: readonly TimedRow[], t: number): number => {
    let lo = 0
    let hi = rows.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (rows[mid]!.knownTime <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return (view, options = {}) => {
    const key = `${view.name}@${view.version}`
    let rows = cache.get(key)
    if (!rows) cache.set(key, (rows = load(view)))
    const pending = rows
    return (async function* () {
      const all = await pending
      const start = options.knownAfter === undefined ? 0 : firstAbove(all, options.knownAfter)
      const end =
        options.knownAtOrBefore === undefined
          ? all.length
          : firstAbove(all, options.knownAtOrBefore)
      for (let i = start; i < end; i += 10_000) yield all.slice(i, Math.min(end, i + 10_000))
    })()
  }
}
