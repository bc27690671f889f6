import type { ReadViewRows } from '../../api.js'
import type { TimedRow } from '../../point-in-time.js'

/**
 * A {@link ReadViewRows} over arrays of rows per view name, in batches, honouring the known-time
 * bounds as the offline engine does. Rows may be added between reads (`rows` is read each time).
 */
export const arrayViewRows = (
  rows: ReadonlyMap<string, readonly TimedRow[]>,
  batchSize = 64,
): ReadViewRows =>
  async function* (view, options = {}) {
    const { knownAfter, knownAtOrBefore } = options
    const all = (rows.get(view.name) ?? []).filter(
      (r) =>
        (knownAfter === undefined || r.knownTime > knownAfter) &&
        (knownAtOrBefore === undefined || r.knownTime <= knownAtOrBefore),
    )
    for (let i = 0; i < all.length; i += batchSize) {
      await Promise.resolve()
      yield all.slice(i, i + batchSize)
    }
  }
