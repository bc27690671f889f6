import { KeelError } from '../errors/index.js'
import { numericColumn, timestampColumn, type Frame, type NumericColumn } from '../frame/index.js'

/** Columns a group rate is computed from. */
export interface GroupRateOptions {
  /** The entity whose rate is computed (an airport). */
  readonly group: string
  /** The label: 0/1 or boolean (the rate is its mean), or categorical with `positive`. */
  readonly label: string
  /** The row's prediction time (departure). */
  readonly time: string
  /** For a categorical label: the value that counts as 1. */
  readonly positive?: string
  /**
   * How long after its own time a row's label becomes known (a flight's lateness is known when it
   * lands). Default 0.
   */
  readonly labelDelayMs?: number
}

/** Options of {@link leakyGroupRate}. */
export interface LeakyGroupRateOptions extends GroupRateOptions {
  /**
   * The period the rate covers, whole: a UTC calendar month (default), a UTC day, a UTC hour, or
   * all rows. Shorter periods leak more: the row's own label weighs more and the rate tracks the
   * conditions (weather, a cascade of delays) the row itself experienced.
   */
  readonly period?: 'utc-month' | 'utc-day' | 'utc-hour' | 'all'
}

/** Options of {@link pointInTimeGroupRate}. */
export interface PointInTimeGroupRateOptions extends GroupRateOptions {
  /** Only labels of rows at most this much older than the row count. Default 7 days. */
  readonly windowMs?: number
  /** Fewer known labels than this in the window gives a missing value. Default 1. */
  readonly minCount?: number
}

/** A group-rate feature with the instant each value became computable. */
export interface GroupRateFeature {
  /** The rate per row (missing when the group, time or history is missing). */
  readonly rate: NumericColumn
  /** Labels the rate is computed from, per row. */
  readonly count: NumericColumn
  /**
   * When the value could first be computed: the time its last label became known (the row's own
   * time when it uses none). Declare it as the feature's availability column in the leakage report.
   */
  readonly availableAt: NumericColumn
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** Group ids per row (-1 when missing), whatever the column kind. */
const groupIds = (frame: Frame, name: string): Int32Array => {
  const c = frame.column(name)
  if (c.kind === 'categorical') return c.codes.map((k) => (k < 0 ? -1 : k))
  const ids = new Map<string | number, number>()
  const out = new Int32Array(frame.numRows)
  for (let i = 0; i < out.length; i++) {
    const v = c.kind === 'text' ? c.values[i] : c.values[i]!
    if (v === null || v === undefined || (typeof v === 'number' && v !== v)) {
      out[i] = -1
      continue
    }
    let id = ids.get(v)
    if (id === undefined) ids.set(v, (id = ids.size))
    out[i] = id
  }
  return out
}

/** The label as numbers: NaN when missing. */
const labelValues = (frame: Frame, o: GroupRateOptions): Float64Array => {
  const c = frame.column(o.label)
  if (c.kind === 'categorical') {
    if (o.positive === undefined) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `label "${o.label}" is categorical: say which value is positive`,
        {
          path: ['positive'],
        },
      )
    }
    const pos = c.dictionary.indexOf(o.positive)
    return Float64Array.from(c.codes, (k) => (k < 0 ? NaN : k === pos ? 1 : 0))
  }
  if (c.kind === 'text') {
    throw new KeelError('INVALID_ARGUMENT', `label "${o.label}" is text`, { path: ['label'] })
  }
  return c.values
}

const prepare = (frame: Frame, o: GroupRateOptions) => {
  const time = frame.numeric(o.time)
  const group = groupIds(frame, o.group)
  const label = labelValues(frame, o)
  const delay = o.labelDelayMs ?? 0
  if (!(delay >= 0)) throw new KeelError('INVALID_ARGUMENT', 'labelDelayMs must be >= 0')
  return { time, group, label, delay }
}

/** Rows with a group and a time, ordered by (key, time, row). */
const orderedRows = (key: Float64Array | Int32Array, time: Float64Array): Int32Array => {
  const rows: number[] = []
  for (let i = 0; i < time.length; i++) if (key[i]! >= 0 && time[i] === time[i]) rows.push(i)
  return Int32Array.from(rows).sort((a, b) => key[a]! - key[b]! || time[a]! - time[b]! || a - b)
}

/**
 * A deliberately leaky feature, for demonstrating the leakage report: each group's label rate over
 * the whole period the row falls in — including the row itself and rows after it. "An airport's
 * late rate computed with flights that had not landed yet at departure time." Offline it looks
 * excellent; in production it cannot be computed. `availableAt` is when its last label was known,
 * so declaring it as the feature's availability lets the report prove the time travel.
 */
export const leakyGroupRate = (frame: Frame, options: LeakyGroupRateOptions): GroupRateFeature => {
  const { time, group, label, delay } = prepare(frame, options)
  const period = options.period ?? 'utc-month'
  const n = frame.numRows
  const pids = new Int32Array(n).fill(-1)
  const periods = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const t = time[i]!
    if (group[i]! < 0 || t !== t) continue
    const p =
      period === 'all'
        ? 0
        : period === 'utc-day'
          ? Math.floor(t / DAY_MS)
          : period === 'utc-hour'
            ? Math.floor(t / HOUR_MS)
            : new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth()
    let pid = periods.get(p)
    if (pid === undefined) periods.set(p, (pid = periods.size))
    pids[i] = pid
  }
  // One key per (group, period); both are < n, so the key is exact in a double up to n ≈ 9·10^7.
  const bucket = new Float64Array(n).fill(-1)
  for (let i = 0; i < n; i++) if (pids[i]! >= 0) bucket[i] = group[i]! * periods.size + pids[i]!
  const rows = orderedRows(bucket, time)
  const rate = new Float64Array(n).fill(NaN)
  const count = new Float64Array(n).fill(NaN)
  const availableAt = new Float64Array(n).fill(NaN)
  for (let s = 0; s < rows.length;) {
    let e = s
    let sum = 0
    let m = 0
    let known = -Infinity
    while (e < rows.length && bucket[rows[e]!] === bucket[rows[s]!]) {
      const r = rows[e]!
      if (label[r] === label[r]) {
        sum += label[r]!
        m++
        known = Math.max(known, time[r]! + delay)
      }
      e++
    }
    for (let k = s; k < e; k++) {
      const r = rows[k]!
      rate[r] = m > 0 ? sum / m : NaN
      count[r] = m
      availableAt[r] = m > 0 ? known : time[r]!
    }
    s = e
  }
  return {
    rate: numericColumn(rate),
    count: numericColumn(count),
    availableAt: timestampColumn(availableAt),
  }
}

/**
 * The correct version of {@link leakyGroupRate}: each group's label rate over the rows strictly
 * before the row whose labels were already known (`time + labelDelayMs < row time`) and at most
 * `windowMs` old — "an airport's recent late rate as of departure". It is what an online feature
 * store would serve, so training and serving see the same value.
 */
export const pointInTimeGroupRate = (
  frame: Frame,
  options: PointInTimeGroupRateOptions,
): GroupRateFeature => {
  const { time, group, label, delay } = prepare(frame, options)
  const window = options.windowMs ?? 7 * DAY_MS
  const minCount = options.minCount ?? 1
  if (!(window > 0)) throw new KeelError('INVALID_ARGUMENT', 'windowMs must be > 0')
  const n = frame.numRows
  const rows = orderedRows(group, time)
  const rate = new Float64Array(n).fill(NaN)
  const count = new Float64Array(n).fill(NaN)
  const availableAt = new Float64Array(n).fill(NaN)
  for (let s = 0; s < rows.length;) {
    let e = s
    while (e < rows.length && group[rows[e]!] === group[rows[s]!]) e++
    // Rows s..e-1 are one group in time order; [lo, hi) is the window of known labels.
    let lo = s
    let hi = s
    let sum = 0
    let m = 0
    for (let k = s; k < e; k++) {
      const r = rows[k]!
      const t = time[r]!
      while (hi < e && time[rows[hi]!]! + delay < t) {
        const j = rows[hi]!
        if (label[j] === label[j]) {
          sum += label[j]!
          m++
        }
        hi++
      }
      while (lo < hi && time[rows[lo]!]! < t - window) {
        const j = rows[lo]!
        if (label[j] === label[j]) {
          sum -= label[j]!
          m--
        }
        lo++
      }
      count[r] = m
      rate[r] = m >= minCount && m > 0 ? sum / m : NaN
      availableAt[r] = hi > lo ? time[rows[hi - 1]!]! + delay : t
    }
    s = e
  }
  return {
    rate: numericColumn(rate),
    count: numericColumn(count),
    availableAt: timestampColumn(availableAt),
  }
}
