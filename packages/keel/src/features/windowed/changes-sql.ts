import { quoteIdentifier } from '../../data/duckdb/engine.js'
import type { ResolvedView } from '../definitions.js'
import type { AsOf } from '../point-in-time.js'
import { HOUR_MS, distinctWindows, windowedAggregates, type WindowedAggregate } from './plan.js'

// The change points of a windowed view as one SQL statement (DuckDB or PostgreSQL): ±deltas at the
// instants rows enter and leave each window, summed per (key, instant), then running sums per key
// in instant order: a hash aggregation and one sort, O(rows log rows).

type Dialect = 'duckdb' | 'postgres'

/** What differs between the two engines; the statement is otherwise the same. */
interface DialectParts {
  readonly double: string
  /** The column as a number: booleans as 0/1, null stays null. */
  readonly number: (column: string) => string
  /** `ORDER BY` of keys in UTF-8 byte order. */
  readonly keyOrder: string
}

const DIALECTS: Readonly<Record<Dialect, DialectParts>> = {
  duckdb: {
    double: 'DOUBLE',
    number: (c) => `CAST(${c} AS DOUBLE)`,
    keyOrder: '"key"',
  },
  postgres: {
    double: 'DOUBLE PRECISION',
    // Through text so the one expression serves boolean and every numeric column type.
    number: (c) =>
      `(CASE CAST(${c} AS TEXT) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 ELSE CAST(CAST(${c} AS TEXT) AS DOUBLE PRECISION) END)`,
    keyOrder: '"key" COLLATE "C"',
  },
}

/** A base given as a query is wrapped in parentheses; a relation name is used as is. */
const relation = (base: string): string =>
  /^\s*(select|with|values)\b/i.test(base) ? `(${base})` : base

/**
 * The running quantities the aggregates need, each kept once however many features use it:
 * a count per window, and a sum and a count of non-null values per (window, column).
 */
interface Slots {
  readonly counts: Map<number, string>
  readonly sums: Map<string, { windowMs: number; value: string; sum: string; present: string }>
}

const sumSlotKey = (windowMs: number, value: string) => `${windowMs}\u0000${value}`

const planSlots = (
  aggregates: readonly WindowedAggregate[],
  values: Map<string, string>,
): Slots => {
  const counts = new Map<number, string>()
  const sums: Slots['sums'] = new Map()
  for (const a of aggregates) {
    if (a.column === null) {
      if (!counts.has(a.windowMs)) counts.set(a.windowMs, `c${counts.size}`)
      continue
    }
    const value = values.get(a.column)!
    const k = sumSlotKey(a.windowMs, value)
    if (!sums.has(k)) {
      const i = sums.size
      sums.set(k, { windowMs: a.windowMs, value, sum: `s${i}`, present: `n${i}` })
    }
  }
  return { counts, sums }
}

/** Typed constants: deltas are doubles (see {@link eventSelects}). */
const constants = (d: DialectParts) => ({
  zero: `CAST(0 AS ${d.double})`,
  one: `CAST(1 AS ${d.double})`,
  minusOne: `CAST(-1 AS ${d.double})`,
})

/**
 * When rows leave window `w`, and whether a row is ever in it. With a publishing cadence P, both
 * instants are rounded up to multiples of P, so the aggregates change only at multiples of P and
 * each equals the exact aggregate at that multiple (a row counts at h iff enter ≤ h < leave, and
 * for a multiple h that is ceil(enter) ≤ h < ceil(leave)).
 */
interface Instants {
  readonly leave: (windowMs: number) => string
  readonly inWindow: (windowMs: number) => string
}

const instantsFor = (publishEveryMs: number | null, d: DialectParts): Instants => {
  const leave = (w: number): string =>
    publishEveryMs === null
      ? `event_at + ${w}`
      : `CEIL(CAST(event_at + ${w} AS ${d.double}) / ${publishEveryMs}) * ${publishEveryMs}`
  return { leave, inWindow: (w) => `enter_at < ${leave(w)}` }
}

/**
 * The SELECTs whose UNION ALL is the event stream: one row per source row at its entry (+deltas
 * for each window it enters), and one per window at its exit (−deltas). Deltas, counts too, are
 * doubles: exact for counts below 2^53, and running sums over doubles are several times faster in
 * DuckDB than over the 128-bit integers `SUM(INTEGER)` gives.
 */
const eventSelects = (
  slots: Slots,
  windows: readonly number[],
  d: DialectParts,
  { leave: leaveAt, inWindow }: Instants,
): string[] => {
  const { zero, one, minusOne } = constants(d)
  const sums = [...slots.sums.values()]
  const enter = [
    ...[...slots.counts].map(
      ([w, c]) => `CASE WHEN ${inWindow(w)} THEN ${one} ELSE ${zero} END AS ${c}`,
    ),
    ...sums.flatMap((s) => [
      `CASE WHEN ${inWindow(s.windowMs)} THEN COALESCE(${s.value}, ${zero}) ELSE ${zero} END AS ${s.sum}`,
      `CASE WHEN ${inWindow(s.windowMs)} AND ${s.value} IS NOT NULL THEN ${one} ELSE ${zero} END AS ${s.present}`,
    ]),
  ]
  const leave = (w: number) => [
    ...[...slots.counts].map(([cw, c]) => `${cw === w ? minusOne : zero} AS ${c}`),
    ...sums.flatMap((s) =>
      s.windowMs === w
        ? [
            `-COALESCE(${s.value}, ${zero}) AS ${s.sum}`,
            `CASE WHEN ${s.value} IS NOT NULL THEN ${minusOne} ELSE ${zero} END AS ${s.present}`,
          ]
        : [`${zero} AS ${s.sum}`, `${zero} AS ${s.present}`],
    ),
  ]
  return [
    `SELECT key_id, enter_at AS instant, ${enter.join(', ')} FROM src WHERE ${inWindow(windows[windows.length - 1]!)}`,
    ...windows.map(
      (w) =>
        `SELECT key_id, ${leaveAt(w)} AS instant, ${leave(w).join(', ')} FROM src WHERE ${inWindow(w)}`,
    ),
  ]
}

/** Each aggregate from the running quantities; an emptied window gives exactly 0 / null. */
const featureColumns = (
  aggregates: readonly WindowedAggregate[],
  slots: Slots,
  values: ReadonlyMap<string, string>,
  d: DialectParts,
): string[] =>
  aggregates.map((a) => {
    const name = quoteIdentifier(a.name)
    if (a.column === null) {
      const count = slots.counts.get(a.windowMs)!
      return a.fn === 'rate'
        ? `${count} / (CAST(${a.windowMs} AS ${d.double}) / CAST(${HOUR_MS} AS ${d.double})) AS ${name}`
        : `${count} AS ${name}`
    }
    const s = slots.sums.get(sumSlotKey(a.windowMs, values.get(a.column)!))!
    return a.fn === 'sum'
      ? `CASE WHEN ${s.present} = 0 THEN ${constants(d).zero} ELSE ${s.sum} END AS ${name}`
      : `CASE WHEN ${s.present} = 0 THEN NULL ELSE ${s.sum} / ${s.present} END AS ${name}`
  })

/**
 * The running quantities per change instant, with its rank within its key: `running(key_id,
 * instant, rank_in_key, deltas…)` — and as of event time also `available`, when the instant's
 * values really became available: the greatest known time of the rows in the widest window at the
 * instant (the rows of every narrower window are among them), at least the instant itself.
 *
 * At an instant h (a multiple of the cadence when there is one) a row is in window W iff
 * `h − W < event ≤ h`, i.e. its exit `x = event + W` is in `(h, h + W]`. So the source rows join
 * the instants as marks at `x` (one per key and `x`, with their greatest known time and no deltas),
 * and per instant the maximum over the frame `RANGE BETWEEN CURRENT ROW AND W FOLLOWING EXCLUDE
 * GROUP` is taken: the peers excluded are exactly the rows leaving at h. The running sums share
 * that partition and order (one sort for both), marks adding nothing to them nor to the rank;
 * then the marks are dropped.
 */
const runningSql = (
  deltas: readonly string[],
  asOf: AsOf,
  widest: number,
  publishEveryMs: number | null,
  d: DialectParts,
): string[] => {
  const rows = 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'
  if (asOf === 'known') {
    return [
      '), running AS (',
      `  SELECT key_id, instant, ROW_NUMBER() OVER w AS rank_in_key, ${deltas.map((n) => `SUM(${n}) OVER w AS ${n}`).join(', ')}`,
      '  FROM grouped',
      `  WINDOW w AS (PARTITION BY key_id ORDER BY instant ${rows})`,
    ]
  }
  const { zero } = constants(d)
  // With a cadence dividing the window, h − W is a multiple of it too, so `h − W < event ≤ h` holds
  // exactly when it holds for the event rounded up to the cadence (its entry): rows entering
  // together are then one mark, at most one per key and published instant. A row known by its
  // entry is left out: in a window only from its entry on, it never makes a value known later.
  const at = publishEveryMs === null || widest % publishEveryMs === 0 ? 'enter_at' : 'event_at'
  return [
    '), marked AS (',
    `  SELECT key_id, CAST(instant AS ${d.double}) AS instant, ${deltas.join(', ')}, CAST(NULL AS ${d.double}) AS known_at FROM grouped`,
    '  UNION ALL',
    `  SELECT key_id, CAST(${at} + ${widest} AS ${d.double}), ${deltas.map(() => zero).join(', ')}, MAX(CAST(known_at AS ${d.double})) FROM src WHERE known_at > enter_at GROUP BY key_id, ${at}`,
    '), framed AS (',
    // Source rows always have a known time: the rows without one are the change instants.
    `  SELECT key_id, instant, known_at, SUM(CASE WHEN known_at IS NULL THEN 1 ELSE 0 END) OVER w AS rank_in_key, ${deltas.map((n) => `SUM(${n}) OVER w AS ${n}`).join(', ')},`,
    `    MAX(known_at) OVER (PARTITION BY key_id ORDER BY instant RANGE BETWEEN CURRENT ROW AND CAST(${widest} AS ${d.double}) FOLLOWING EXCLUDE GROUP) AS latest`,
    '  FROM marked',
    `  WINDOW w AS (PARTITION BY key_id ORDER BY instant ${rows})`,
    '), running AS (',
    `  SELECT key_id, instant, rank_in_key, ${deltas.join(', ')}, GREATEST(instant, latest) AS available`,
    '  FROM framed WHERE known_at IS NULL',
  ]
}

const changesSql = (
  view: ResolvedView,
  base: string,
  dialect: Dialect,
  asOf: AsOf = 'known',
): string => {
  const d = DIALECTS[dialect]
  const aggregates = windowedAggregates(view)
  const values = new Map<string, string>()
  for (const a of aggregates) {
    if (a.column !== null && !values.has(a.column)) values.set(a.column, `v${values.size}`)
  }
  const slots = planSlots(aggregates, values)
  const instants = instantsFor(view.publishEveryMs, d)
  const known = `GREATEST("event_time", COALESCE("known_time", "event_time"))`
  // As of event time a row enters its windows when it happens, known or not.
  const enter = asOf === 'event' ? '"event_time"' : known
  const windows = distinctWindows(aggregates)
  const deltas = [
    ...slots.counts.values(),
    ...[...slots.sums.values()].flatMap((s) => [s.sum, s.present]),
  ]
  const numbers = [...values].map(([col, v]) => `, ${d.number(quoteIdentifier(col))} AS ${v}`)
  return [
    // Keys become dense integers numbered in byte order: cheaper to group, sort and partition by,
    // and a change point's rank is then its key's offset plus its rank within the key.
    'WITH filtered AS (',
    `  SELECT "key", "event_time", "known_time"${numbers.join('')}`,
    `  FROM ${relation(base)} AS base`,
    `  WHERE "key" IS NOT NULL AND "event_time" IS NOT NULL`,
    '), keys AS (',
    `  SELECT "key", ROW_NUMBER() OVER (ORDER BY ${d.keyOrder}) AS key_id`,
    '  FROM (SELECT DISTINCT "key" FROM filtered) AS distinct_keys',
    '), src AS (',
    `  SELECT key_id, "event_time" AS event_at,`,
    `    ${
      view.publishEveryMs === null
        ? enter
        : `CEIL(CAST(${enter} AS ${d.double}) / ${view.publishEveryMs}) * ${view.publishEveryMs}`
    } AS enter_at${asOf === 'event' ? `, ${known} AS known_at` : ''}${[...values.values()].map((v) => `, ${v}`).join('')}`,
    '  FROM filtered JOIN keys ON filtered."key" = keys."key"',
    '), events AS (',
    eventSelects(slots, windows, d, instants)
      .map((e) => `  ${e}`)
      .join('\n  UNION ALL\n'),
    '), grouped AS (',
    `  SELECT key_id, instant, ${deltas.map((n) => `SUM(${n}) AS ${n}`).join(', ')}`,
    '  FROM events GROUP BY key_id, instant',
    ...runningSql(deltas, asOf, windows[windows.length - 1]!, view.publishEveryMs, d),
    '), offsets AS (',
    `  SELECT key_id, COALESCE(SUM(n) OVER (ORDER BY key_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_key`,
    '  FROM (SELECT key_id, COUNT(*) AS n FROM grouped GROUP BY key_id) AS per_key',
    ')',
    `SELECT keys."key", instant AS "event_time", ${asOf === 'event' ? 'available' : 'instant'} AS "known_time",`,
    `  CAST(before_key + rank_in_key - 1 AS BIGINT) AS "ord",`,
    `  ${featureColumns(aggregates, slots, values, d).join(',\n  ')}`,
    'FROM running',
    'JOIN offsets ON running.key_id = offsets.key_id',
    'JOIN keys ON running.key_id = keys.key_id',
  ].join('\n')
}

/**
 * DuckDB SQL turning `base` — a relation name or a query with columns `key` (text), `event_time`,
 * `known_time` (epoch ms; a null known time is the event time), `ord`, and the aggregated columns
 * under their source names — into the view's change points: columns `key`, `event_time`,
 * `known_time` (both the instant), `ord` (rank in (key, instant) order, from 0) and one DOUBLE
 * column per aggregate named by the feature. Rows with a null key or event time are ignored.
 * Unordered; sort by `ord` when order matters.
 *
 * `asOf: 'event'` gives the naive aggregates instead: rows enter at their event time, known or
 * not, and each change point's `known_time` (DOUBLE) is when its value really became available —
 * the greatest known time among the rows in the view's widest window at the instant, at least the
 * instant (see `naiveAvailabilityAt`).
 */
export const windowedChangesSql = (
  view: ResolvedView,
  base: string,
  asOf: AsOf = 'known',
): string => changesSql(view, base, 'duckdb', asOf)

/**
 * {@link windowedChangesSql} for PostgreSQL (views over PostgreSQL sources): the same change
 * points; keys are ranked in byte order (`COLLATE "C"`), as DuckDB ranks them.
 */
export const windowedChangesPostgresSql = (
  view: ResolvedView,
  base: string,
  asOf: AsOf = 'known',
): string => changesSql(view, base, 'postgres', asOf)
