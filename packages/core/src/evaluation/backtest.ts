import { KeelError } from '../errors/index.js'
import {
  checkPredictionSet,
  filterPredictionRows,
  isUndefinedMetricError,
  metricByName,
  type MetricDefinition,
  type PredictionSet,
} from '../metrics/index.js'

/**
 * Backtesting: metrics over time from timestamped predictions and labels, window by window, so a
 * model's decay (or a bad month) shows before deployment. Windows roll forward by one period; each
 * covers the last `window` periods (sliding) or everything so far (expanding).
 */

/** Calendar period (UTC; weeks start on Monday) or a fixed width in milliseconds. */
export type BacktestPeriod = 'day' | 'week' | 'month' | 'year' | { readonly ms: number }

/** Fewest windows with a metric value for a trend: a line through 2 or 3 points says nothing. */
export const MIN_TREND_WINDOWS = 4

/** Options for {@link metricsOverTime}. */
export interface BacktestOptions {
  readonly period: BacktestPeriod
  /** Periods per window; default 1 (non-overlapping windows). */
  readonly window?: number
  /** `'sliding'` (default) or `'expanding'` (from the first period to the current one). */
  readonly mode?: 'sliding' | 'expanding'
  /** Windows with fewer rows report no metric values; default 1. */
  readonly minRows?: number
}

/** One window of the table. */
export interface BacktestWindow {
  /** Inclusive start and exclusive end, epoch milliseconds. */
  readonly start: number
  readonly end: number
  readonly rows: number
  /** Mean target (the positive rate for binary tasks): shows label shift next to the metrics. */
  readonly meanTarget: number | null
  readonly metrics: Readonly<Record<string, number | null>>
}

/**
 * The metric-over-time table with a least-squares trend per metric (change per period, over the
 * windows' positions in time). Windows without rows are left out, and `emptyWindows` counts them.
 */
export interface BacktestTable {
  readonly period: BacktestPeriod
  readonly window: number
  readonly mode: 'sliding' | 'expanding'
  readonly windows: BacktestWindow[]
  /** Windows in the span that held no rows (left out of `windows`). */
  readonly emptyWindows: number
  /** Windows with a value a trend needs ({@link MIN_TREND_WINDOWS}); below it the slope is null. */
  readonly minTrendWindows: number
  readonly trend: Readonly<
    Record<
      string,
      {
        readonly slopePerWindow: number | null
        readonly first: number | null
        readonly last: number | null
      }
    >
  >
}

const DAY = 86_400_000

/** Period index of a timestamp and the start of a period index. */
const periodFns = (
  p: BacktestPeriod,
): { index: (t: number) => number; start: (k: number) => number } => {
  if (typeof p === 'object') {
    if (!(p.ms > 0))
      throw new KeelError('INVALID_ARGUMENT', `period width must be positive, got ${p.ms}`)
    return { index: (t) => Math.floor(t / p.ms), start: (k) => k * p.ms }
  }
  switch (p) {
    case 'day':
      return { index: (t) => Math.floor(t / DAY), start: (k) => k * DAY }
    case 'week':
      // 1970-01-05 was a Monday: day 4.
      return {
        index: (t) => Math.floor((Math.floor(t / DAY) - 4) / 7),
        start: (k) => (k * 7 + 4) * DAY,
      }
    case 'month':
      return {
        index: (t) => {
          const d = new Date(t)
          return d.getUTCFullYear() * 12 + d.getUTCMonth()
        },
        start: (k) => Date.UTC(Math.floor(k / 12), k % 12, 1),
      }
    case 'year':
      return {
        index: (t) => new Date(t).getUTCFullYear(),
        start: (k) => Date.UTC(k, 0, 1),
      }
  }
}

/** Least-squares slope of `ys` over positions `xs`; null with fewer than `min` defined points. */
const slope = (xs: readonly number[], ys: (number | null)[], min: number): number | null => {
  const pts = ys.flatMap((y, i) => (y === null ? [] : [[xs[i]!, y] as const]))
  if (pts.length < Math.max(2, min)) return null
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length
  let num = 0
  let den = 0
  for (const [x, y] of pts) {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  }
  return num / den
}

/**
 * Metrics per time window. Rows with a missing (NaN) timestamp are an error: a backtest that
 * silently dropped them would overstate coverage.
 */
export const metricsOverTime = (
  timestamps: ArrayLike<number>,
  data: PredictionSet,
  metrics: readonly (string | MetricDefinition)[],
  options: BacktestOptions,
): BacktestTable => {
  checkPredictionSet(data)
  const n = data.y.length
  if (timestamps.length !== n)
    throw new KeelError(
      'INVALID_ARGUMENT',
      `timestamps has ${timestamps.length} entries, data ${n}`,
    )
  if (n === 0) throw new KeelError('INVALID_DATA', 'no rows to backtest')
  const window = options.window ?? 1
  if (!(Number.isInteger(window) && window >= 1))
    throw new KeelError('INVALID_ARGUMENT', 'window must be a positive integer')
  const mode = options.mode ?? 'sliding'
  const minRows = options.minRows ?? 1
  const defs = metrics.map((m) => (typeof m === 'string' ? metricByName(m) : m))
  const { index, start } = periodFns(options.period)
  const k = new Float64Array(n)
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < n; i++) {
    const t = timestamps[i]!
    if (!Number.isFinite(t))
      throw new KeelError('INVALID_DATA', `timestamps[${i}] is ${t}`, { path: ['timestamps', i] })
    k[i] = index(t)
    first = Math.min(first, k[i]!)
    last = Math.max(last, k[i]!)
  }
  const windows: BacktestWindow[] = []
  const positions: number[] = []
  let emptyWindows = 0
  for (let end = first + window - 1; end <= last; end++) {
    const from = mode === 'expanding' ? first : end - window + 1
    const mask = Uint8Array.from(k, (v) => (v >= from && v <= end ? 1 : 0))
    const sub = filterPredictionRows(data, mask)
    const rows = sub.y.length
    if (rows === 0) {
      emptyWindows++
      continue
    }
    positions.push(end)
    const values: Record<string, number | null> = {}
    for (const def of defs) {
      let v: number | null = null
      if (rows >= minRows) {
        try {
          v = def.compute(sub)
        } catch (e) {
          if (!isUndefinedMetricError(e)) throw e
        }
      }
      values[def.name] = v
    }
    windows.push({
      start: start(from),
      end: start(end + 1),
      rows,
      meanTarget: data.task === 'multiclass' ? null : sub.y.reduce((s, v) => s + v, 0) / rows,
      metrics: values,
    })
  }
  const trend: Record<
    string,
    { slopePerWindow: number | null; first: number | null; last: number | null }
  > = {}
  for (const def of defs) {
    const series = windows.map((w) => w.metrics[def.name] ?? null)
    const defined = series.filter((v): v is number => v !== null)
    trend[def.name] = {
      slopePerWindow: slope(positions, series, MIN_TREND_WINDOWS),
      first: defined[0] ?? null,
      last: defined.at(-1) ?? null,
    }
  }
  return {
    period: options.period,
    window,
    mode,
    windows,
    emptyWindows,
    minTrendWindows: MIN_TREND_WINDOWS,
    trend,
  }
}
