import { createRng } from '@keel/core'
import type { TimedRow } from '../../point-in-time.js'

/** The times the crash test materializes to, in order. */
export const CRASH_TIMES = [60_000, 100_000] as const

/**
 * Seeded rows of the test store's `late_rate` view: `count` rows over `keys` airports, event times
 * in [0, 100 s), mostly known late, some known before they happen, some null rates.
 */
export const generatedRows = (seed: number, count = 4000, keys = 1000): TimedRow[] => {
  const rng = createRng(seed)
  return Array.from({ length: count }, (_, order) => {
    const eventTime = rng.int(100_000)
    return {
      key: `K${rng.int(keys)}`,
      eventTime,
      knownTime: eventTime + rng.int(30_000) - 5_000,
      values: { rate: rng.float() < 0.1 ? null : rng.int(1000) / 1000, busy: rng.float() < 0.5 },
      order,
    }
  })
}
