/**
 * Windowed aggregations over an event source — count, sum, mean and rate over the last 1 h, 6 h,
 * 1 d, 7 d… — served by the ordinary point-in-time rule.
 *
 * **The rule.** A windowed view's value for key k at time t aggregates the source rows of k whose
 * event time is in `(t − window, t]` and that are known at t (`max(event, known) ≤ t`): the window
 * closes at known time. So a row enters the aggregate at `enter = max(event, known)` and leaves it
 * at `leave = event + window`, and never enters at all when `enter ≥ leave` (it became known only
 * after it had slid out of the window). Rows with a null key or event time are ignored; a null
 * known time is the event time.
 *
 * - `count`: the rows in the window;
 * - `sum`: the sum of the column over them, nulls skipped, booleans as 0/1; 0 when none has a value;
 * - `mean`: that sum over the number of non-null values; null when there are none;
 * - `rate`: the count per hour, `count / (window / 1 h)`.
 *
 * **Change points.** Each aggregate is a step function of t that changes only where a row enters or
 * leaves a window, so a windowed view's rows are its change points: one row per key and per instant
 * at which at least one row of the key enters or leaves one of the view's windows (the union of the
 * instants of all its windows), with event time = known time = that instant and the aggregate
 * values that hold from then on. An instant where one row enters and another leaves with no net
 * change to any aggregate is still emitted (by the SQL and the reference alike); an instant where no
 * row enters or leaves is never emitted. A key whose windows empty gets a change point with count 0,
 * sum 0, mean null, rate 0. The latest change point at or before t, found by the ordinary
 * point-in-time rule, is then exactly the aggregate at t — offline and online alike. Before a key's
 * first row enters there is no change point: the lookup is `not_found`.
 *
 * **As of event time.** `asOf: 'event'` is the naive join, the classic leak: a row enters the
 * aggregate at its event time (rounded up to the cadence, if any), whether it is known yet or not,
 * so a value may count rows that arrived only later. Its change points are those of that naive
 * rule, and each one's known time is when its value really became available: the greatest known
 * time among the rows in the view's widest window at the instant (the rows of every narrower
 * window are among them), at least the instant. A lookup as of event time serves the change point
 * by its instant and reports that known time, which is after the lookup time exactly when the
 * value leaks — what the leakage report's time-travel check looks for.
 *
 * **Online.** Materialization writes the latest change point ≤ now; as windows slide past later
 * change points (a row leaving, with no new row arriving), the online value goes stale until it is
 * materialized again, which the incremental materializer does for change points that come due.
 *
 * **TTL.** A view's `ttl` applies to change points like to any row (present while
 * `t < instant + ttl`); windowed views normally leave it unset, since the aggregate itself already
 * forgets old rows and an empty window is served as count 0, not as missing.
 *
 * **Numbers.** The SQL keeps running sums of ±deltas in double precision; for values whose sums are
 * exact in binary (integers, booleans, multiples of a power of two) it equals the reference bit for
 * bit; otherwise the two may differ in the last bits. A sum over an emptied window is exactly 0.
 *
 * @module
 */
export { windowedChangesPostgresSql, windowedChangesSql } from './changes-sql.js'
export { naiveAvailabilityAt, windowedChangesReference, windowedValuesAt } from './reference.js'
export {
  CHANGE_POINT_COLUMNS,
  HOUR_MS,
  distinctWindows,
  windowedAggregates,
  type WindowedAggregate,
} from './plan.js'
