import { KeelError } from '../../errors/index.js'
import { clusterErrors, type ErrorAnalysisReport } from '../error-analysis.js'
import { coverageCurve, deferralSummary, predictionConfidence } from '../confidence.js'
import { fairnessReport } from '../fairness.js'
import { metricsOverTime, type BacktestPeriod } from '../backtest.js'
import {
  precisionRecallCurve,
  rocCurve,
  positiveScores,
  takePredictionRows,
  type PredictionSet,
} from '../../metrics/index.js'
import type { Frame } from '../../frame/index.js'
import type { Rng } from '../../random/index.js'
import type { EvaluationConfig } from './config-schema.js'
import type { ConfidenceSection, CurvePoints, EvaluationReport } from './report-types.js'
import { sliceableColumns } from './slicing.js'

/**
 * The evaluation's diagnostic sections: plot curves, confidence and deferral, fairness across a
 * sensitive attribute, clusters of errors, and metrics over time.
 */

/** Points kept per plotted curve: enough for a smooth line, small enough for a registry entry. */
export const CURVE_POINTS = 200

/** Keep at most `max` points of parallel arrays, always including the first and the last. */
export const downsample = (
  x: readonly number[],
  y: readonly number[],
  max = CURVE_POINTS,
): CurvePoints => {
  const n = x.length
  if (n <= max) return { x: [...x], y: [...y] }
  const xs: number[] = []
  const ys: number[] = []
  for (let j = 0; j < max; j++) {
    const i = Math.round((j * (n - 1)) / (max - 1))
    xs.push(x[i]!)
    ys.push(y[i]!)
  }
  return { x: xs, y: ys }
}

/** ROC and precision–recall curves of a binary prediction set, downsampled. */
export const binaryCurves = (data: PredictionSet): { roc: CurvePoints; pr: CurvePoints } | null => {
  if (data.task !== 'binary' || !data.proba) return null
  let positives = 0
  for (const v of data.y) positives += v
  if (positives === 0 || positives === data.y.length) return null
  const scores = positiveScores(data)
  const roc = rocCurve(data.y, scores)
  const pr = precisionRecallCurve(data.y, scores)
  return { roc: downsample(roc.fpr, roc.tpr), pr: downsample(pr.recall, pr.precision) }
}

/** Confidence, deferral at `deferBelow` and the risk–coverage curve (classification). */
export const confidenceSection = (
  data: PredictionSet,
  deferBelow: number | null,
): ConfidenceSection | null => {
  if (data.task === 'regression' || !data.proba || data.y.length === 0) return null
  const k = data.proba.length / data.y.length
  const conf = predictionConfidence(data.proba, k)
  let mean = 0
  let deferred = 0
  for (const c of conf) {
    mean += c
    if (deferBelow !== null && c < deferBelow) deferred++
  }
  const curve = coverageCurve(data.y, data.proba)
  const d = downsample(curve.threshold, curve.coverage)
  const a = downsample(curve.threshold, curve.accuracy)
  return {
    deferBelow,
    meanConfidence: mean / conf.length,
    deferRate: deferred / conf.length,
    summary: deferBelow === null ? null : deferralSummary(data.y, data.proba, deferBelow),
    coverage: { threshold: d.x, coverage: d.y, accuracy: a.y },
  }
}

/** Fairness across the declared sensitive attribute (binary tasks, hard predictions). */
export const fairnessSection = (
  frame: Frame,
  data: PredictionSet,
  config: EvaluationConfig['fairness'],
): EvaluationReport['fairness'] => {
  if (!config) return null
  if (!frame.has(config.attribute)) {
    throw new KeelError(
      'INVALID_CONFIG',
      `the sensitive attribute "${config.attribute}" is not in the evaluation data`,
      {
        path: ['evaluation', 'fairness', 'attribute'],
      },
    )
  }
  if (data.task !== 'binary') return null
  const col = frame.column(config.attribute)
  const groups =
    col.kind === 'categorical'
      ? col
      : Array.from({ length: frame.numRows }, (_, i) =>
          String(frame.row(i)[config.attribute] ?? '(missing)'),
        )
  return {
    ...fairnessReport(data.y, data.pred!, groups, { method: config.method }),
    attribute: config.attribute,
  }
}

/**
 * Clusters of the test rows the model gets wrong: misclassified rows, or for regression the rows
 * whose absolute error is in the worst decile.
 */
export const errorSection = (
  frame: Frame,
  data: PredictionSet,
  config: EvaluationConfig['errorAnalysis'],
  exclude: readonly string[],
  rng: Rng,
): ErrorAnalysisReport | null => {
  if (!config.enabled || data.y.length === 0) return null
  const n = data.y.length
  const errors = new Uint8Array(n)
  if (data.task === 'regression') {
    const abs = Float64Array.from(data.y, (y, i) => Math.abs(y - data.pred![i]!))
    const sorted = Float64Array.from(abs).sort()
    const cut = sorted[Math.floor(0.9 * (n - 1))]!
    for (let i = 0; i < n; i++) errors[i] = abs[i]! > cut ? 1 : 0
  } else {
    for (let i = 0; i < n; i++) errors[i] = data.pred![i] !== data.y[i] ? 1 : 0
  }
  const columns = sliceableColumns(frame, exclude)
  if (columns.length === 0) return null
  return clusterErrors(frame, errors, { rng: rng.fork('errors'), k: config.clusters, columns })
}

const DAY = 86_400_000

/** Rows a backtest window should hold on average for its metrics to be steady. */
const ROWS_PER_WINDOW = 100
/** Fewest rows per window for a metric at all (the table's `minRows`). */
const MIN_ROWS_PER_WINDOW = 20

const PERIODS = ['day', 'week', 'month', 'year'] as const
const PERIOD_MS = { day: DAY, week: 7 * DAY, month: 30.44 * DAY, year: 365.25 * DAY }

/**
 * A calendar period from the timestamps themselves: their granularity and span, not the span alone
 * (yearly data cut into months is mostly empty windows). For each of day, week, month and year:
 * the periods the rows occupy and the share of the span they fill. The finest period whose windows
 * are mostly occupied (≥ half), number at least three and hold about {@link ROWS_PER_WINDOW} rows
 * on average; failing that, the coarsest mostly occupied one with {@link MIN_ROWS_PER_WINDOW}; else
 * the finest mostly occupied one (the data's own granularity); else years.
 */
export const autoPeriod = (timestamps: ArrayLike<number>): BacktestPeriod => {
  const options = PERIODS.map((period) => {
    const seen = new Set<number>()
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i]!
      const k =
        period === 'month'
          ? new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth()
          : period === 'year'
            ? new Date(t).getUTCFullYear()
            : Math.floor(t / PERIOD_MS[period])
      seen.add(k)
      lo = Math.min(lo, k)
      hi = Math.max(hi, k)
    }
    const windows = seen.size
    return {
      period,
      windows,
      dense: windows / (hi - lo + 1) >= 0.5,
      perWindow: timestamps.length / windows,
    }
  })
  const dense = options.filter((o) => o.dense)
  const steady = dense.find((o) => o.windows >= 3 && o.perWindow >= ROWS_PER_WINDOW)
  if (steady) return steady.period
  const usable = dense.filter((o) => o.windows >= 3 && o.perWindow >= MIN_ROWS_PER_WINDOW).at(-1)
  return usable?.period ?? dense[0]?.period ?? 'year'
}

/** Metrics over time on the test split when it has a timestamp column. */
export const backtestSection = (
  frame: Frame,
  data: PredictionSet,
  metrics: readonly string[],
  config: EvaluationConfig['backtest'],
  column: string | null,
): EvaluationReport['backtest'] => {
  const name = config.column ?? column
  if (!config.enabled || !name) return null
  if (!frame.has(name)) {
    if (config.column) {
      throw new KeelError(
        'INVALID_CONFIG',
        `backtest column "${name}" is not in the evaluation data`,
        {
          path: ['evaluation', 'backtest', 'column'],
        },
      )
    }
    return null
  }
  const t = frame.numeric(name)
  const keep: number[] = []
  for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) keep.push(i)
  if (keep.length === 0) return null
  const times = Float64Array.from(keep, (i) => t[i]!)
  const period = config.period ?? autoPeriod(times)
  // Rows without a timestamp cannot be placed in a window; the table covers the others.
  const sub = keep.length === t.length ? data : takePredictionRows(data, keep)
  const table = metricsOverTime(times, sub, metrics, {
    period,
    window: config.window,
    mode: config.mode,
    minRows: MIN_ROWS_PER_WINDOW,
  })
  return { ...table, column: name }
}
