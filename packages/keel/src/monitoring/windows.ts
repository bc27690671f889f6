import { parseDuration } from '../util/duration.js'
import type { PredictionEvent } from '../stores/events/index.js'
import type { WindowSpec } from './config.js'

export { parseDuration } from '../util/duration.js'

/** One window of the prediction log, as it appears in a monitoring report. */
export interface MonitoringWindow {
  readonly index: number
  /**
   * A stable name for the window, the same on every run over the same log: the UTC start for time
   * windows, the first prediction id for count windows. Alert de-duplication keys on it.
   */
  readonly key: string
  /** Inclusive start and exclusive end (epoch ms). */
  readonly start: number
  readonly end: number
  /** A time window not over yet (or cut by `to`), or a count window with fewer than `size` rows. */
  readonly partial: boolean
  readonly predictions: number
  /** Predictions per bundle version in this window. */
  readonly versions: Readonly<Record<string, number>>
}

/** A window with the predictions that fell into it, in time order. */
export interface WindowSlice {
  readonly window: MonitoringWindow
  readonly events: readonly PredictionEvent[]
}

const versionsOf = (events: readonly PredictionEvent[]): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const e of events) out[e.version] = (out[e.version] ?? 0) + 1
  return out
}

/**
 * Cut time-ordered predictions into windows. Time windows are aligned to multiples of their width
 * since the epoch (UTC), so a rerun over a longer log reproduces the same windows and keys; empty
 * windows between busy ones are kept (an outage is worth seeing). Count windows take `size`
 * consecutive predictions, the last one possibly short.
 */
export const sliceWindows = (
  events: readonly PredictionEvent[],
  spec: WindowSpec,
  bounds: { readonly from?: number; readonly to?: number; readonly asOf: number },
): WindowSlice[] => {
  if (events.length === 0) return []
  const out: WindowSlice[] = []
  if (spec.by === 'count') {
    for (let i = 0, k = 0; i < events.length; i += spec.size, k++) {
      const chunk = events.slice(i, i + spec.size)
      const first = chunk[0]!
      const last = chunk[chunk.length - 1]!
      out.push({
        window: {
          index: k,
          key: `count:${spec.size}:${first.id}`,
          start: first.time,
          end: last.time + 1,
          partial: chunk.length < spec.size,
          predictions: chunk.length,
          versions: versionsOf(chunk),
        },
        events: chunk,
      })
    }
    return out
  }
  const size = parseDuration(spec.size)
  const firstStart = Math.floor((bounds.from ?? events[0]!.time) / size) * size
  const lastTime = events[events.length - 1]!.time
  const limit = bounds.to ?? Infinity
  let at = 0
  for (let start = firstStart, k = 0; start <= lastTime; start += size, k++) {
    const end = start + size
    const from = at
    while (at < events.length && events[at]!.time < end) at++
    const chunk = events.slice(from, at)
    out.push({
      window: {
        index: k,
        key: new Date(start).toISOString(),
        start,
        end,
        partial: end > bounds.asOf || end > limit || start < (bounds.from ?? start),
        predictions: chunk.length,
        versions: versionsOf(chunk),
      },
      events: chunk,
    })
  }
  return out
}
