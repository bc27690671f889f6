import type { Issue } from '@keel/core'

/**
 * Event times a client supplies, for trusted replays and backfills.
 *
 * The service stamps every prediction and label with the time it receives them. A replay of past
 * traffic (the demo's June, a backfill from an archive) needs the times of the events it replays
 * instead, or the monitoring windows and label latencies would describe the replay rather than the
 * traffic. So predict bodies may carry `times` (one per row) or `time` (with `row`), and feedback
 * bodies `time` (when the label counts as arrived). These move events on the monitoring timeline,
 * so a predict request that carries them needs the bearer token (the same one as feedback and
 * admin) even where predict itself is open: an anonymous client cannot forge history. The event
 * keeps the wall-clock receive time as `receivedAt`, so a supplied time is always visible as such.
 */

/** The latest time accepted: the end of year 9999 UTC (what an ISO-8601 date can say). */
export const MAX_EVENT_TIME = 253_402_300_799_999

/**
 * An event time from JSON: whole epoch milliseconds or an ISO-8601 date-time with an offset.
 * Returns the epoch milliseconds, or an issue at `path`.
 */
export const parseEventTime = (v: unknown, path: readonly (string | number)[]): number | Issue => {
  let t = NaN
  if (typeof v === 'number') t = Number.isInteger(v) ? v : NaN
  else if (
    typeof v === 'string' &&
    v.length <= 64 &&
    /^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:\d\d)$/.test(v)
  )
    t = Date.parse(v)
  if (Number.isFinite(t) && t >= 0 && t <= MAX_EVENT_TIME) return t
  return {
    code: 'invalid_type',
    path: [...path],
    message: 'an event time is whole epoch milliseconds or an ISO-8601 date-time with an offset',
  }
}
