import { KeelError } from '../errors/index.js'
import {
  isotonicCalibrator,
  type IsotonicCalibrator,
  type IsotonicCalibratorJSON,
} from './isotonic.js'
import { plattCalibrator, type PlattCalibrator, type PlattCalibratorJSON } from './platt.js'
import { sortedQuantile } from './bootstrap.js'

/**
 * Calibration measurement: does "70%" come true 70% of the time? Reliability curves as scikit-learn's
 * `calibration_curve`, expected and maximum calibration error over the same bins, a top-label form
 * for multiclass, and the loader for fitted calibrators (Platt, isotonic).
 */

/** How probabilities are binned. */
export type CalibrationBinStrategy = 'uniform' | 'quantile'

/** Options for reliability curves and calibration errors. */
export interface CalibrationOptions {
  /** Number of bins; default 10 (scikit-learn's `calibration_curve` defaults to 5). */
  readonly bins?: number
  /** `'uniform'` (default): equal-width bins on [0, 1]; `'quantile'`: equal-count bins. */
  readonly strategy?: CalibrationBinStrategy
  /** Row weights (an extension: scikit-learn's curve is unweighted). */
  readonly weight?: Float64Array
  /**
   * Bins with fewer rows than this are left out of the MCE (a bin of 1–2 rows has a gap of up to 1
   * by chance alone); they stay in `bins` with their counts and in the ECE, where their weight is
   * small. Default 1 (every non-empty bin, as the textbook MCE).
   */
  readonly minBinCount?: number
}

/** One bin of a reliability curve. */
export interface ReliabilityBin {
  readonly lower: number
  readonly upper: number
  /** Rows in the bin (unweighted count). */
  readonly count: number
  /** Total weight in the bin (equals count when unweighted). */
  readonly weight: number
  readonly meanPredicted: number
  readonly fractionPositive: number
}

/** A reliability curve and its summary errors, as plain data for reports. */
export interface CalibrationReport {
  readonly strategy: CalibrationBinStrategy
  /** Bin edges (bins + 1 values); bins that received no rows are omitted from `bins`. */
  readonly edges: number[]
  readonly bins: ReliabilityBin[]
  /** Expected calibration error: weight-averaged |fraction positive − mean predicted| over bins. */
  readonly ece: number
  /**
   * Maximum calibration error: the largest gap over bins with at least `mceMinCount` rows; null
   * when no bin has that many.
   */
  readonly mce: number | null
  /** The row count a bin needs to enter the MCE. */
  readonly mceMinCount: number
  /** Non-empty bins left out of the MCE for having fewer rows. */
  readonly mceExcludedBins: number
}

const binEdges = (
  prob: ArrayLike<number>,
  bins: number,
  strategy: CalibrationBinStrategy,
): number[] => {
  if (strategy === 'uniform') {
    // As NumPy's linspace (i·step, last edge exactly 1), so a probability such as 0.3 lands in the
    // same bin as in scikit-learn (3 × 0.1 = 0.30000000000000004 > 0.3).
    const step = 1 / bins
    return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step))
  }
  const sorted = Float64Array.from(prob).sort()
  // NumPy's percentile at linspace(0, 100, bins + 1), linear interpolation.
  return Array.from({ length: bins + 1 }, (_, i) => sortedQuantile(sorted, i / bins))
}

/**
 * Reliability curve, ECE and MCE for 0/1 targets and positive-class probabilities. Bin assignment
 * follows scikit-learn (`searchsorted(edges[1:-1], p)`, so a probability equal to an inner edge falls
 * in the lower bin); scikit-learn's `prob_true` / `prob_pred` are `fractionPositive` / `meanPredicted`.
 */
export const calibrationReport = (
  y: ArrayLike<number>,
  prob: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationReport => {
  const n = y.length
  const nb = options.bins ?? 10
  const strategy = options.strategy ?? 'uniform'
  if (!(Number.isInteger(nb) && nb >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `bins must be a positive integer, got ${nb}`)
  }
  const mc = options.minBinCount ?? 1
  if (!(Number.isInteger(mc) && mc >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `minBinCount must be a positive integer, got ${mc}`, {
      path: ['minBinCount'],
    })
  }
  if (prob.length !== n) throw new KeelError('INVALID_ARGUMENT', 'y and prob differ in length')
  if (n === 0) throw new KeelError('INVALID_DATA', 'no rows to calibrate')
  const w = options.weight
  if (w && w.length !== n) throw new KeelError('INVALID_ARGUMENT', 'weight length differs')
  for (let i = 0; i < n; i++) {
    const p = prob[i]!
    if (!(p >= 0 && p <= 1)) {
      throw new KeelError('INVALID_DATA', `prob[${i}] is ${p}, expected a probability`, {
        path: [i],
      })
    }
    if (y[i] !== 0 && y[i] !== 1) {
      throw new KeelError('INVALID_DATA', `y[${i}] is ${y[i]}, expected 0 or 1`, { path: [i] })
    }
  }
  const edges = binEdges(prob, nb, strategy)
  const count = new Float64Array(nb)
  const wsum = new Float64Array(nb)
  const psum = new Float64Array(nb)
  const ysum = new Float64Array(nb)
  for (let i = 0; i < n; i++) {
    const p = prob[i]!
    // Number of inner edges strictly below p (np.searchsorted, side='left').
    let lo = 0
    let hi = nb - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (edges[mid + 1]! < p) lo = mid + 1
      else hi = mid
    }
    const wi = w ? w[i]! : 1
    count[lo]!++
    wsum[lo]! += wi
    psum[lo]! += wi * p
    ysum[lo]! += wi * y[i]!
  }
  let total = 0
  for (let b = 0; b < nb; b++) total += wsum[b]!
  if (!(total > 0)) throw new KeelError('INVALID_DATA', 'total weight is zero')
  const minCount = options.minBinCount ?? 1
  const bins: ReliabilityBin[] = []
  let ece = 0
  let mce: number | null = null
  let excluded = 0
  for (let b = 0; b < nb; b++) {
    if (count[b] === 0 || wsum[b] === 0) continue
    const meanPredicted = psum[b]! / wsum[b]!
    const fractionPositive = ysum[b]! / wsum[b]!
    const gap = Math.abs(fractionPositive - meanPredicted)
    ece += (wsum[b]! / total) * gap
    if (count[b]! >= minCount) mce = Math.max(mce ?? 0, gap)
    else excluded++
    bins.push({
      lower: edges[b]!,
      upper: edges[b + 1]!,
      count: count[b]!,
      weight: wsum[b]!,
      meanPredicted,
      fractionPositive,
    })
  }
  return { strategy, edges, bins, ece, mce, mceMinCount: minCount, mceExcludedBins: excluded }
}

/**
 * Top-label calibration for any number of classes (Guo et al. 2017): confidence = the largest class
 * probability, outcome = whether that class was right. `proba` is row-major n×K.
 */
export const topLabelCalibrationReport = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationReport => {
  const n = y.length
  const k = proba.length / n
  if (!Number.isInteger(k) || k < 2) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `proba must be n×K with K ≥ 2, got ${proba.length} for ${n} rows`,
    )
  }
  const confidence = new Float64Array(n)
  const correct = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c
    confidence[i] = proba[i * k + best]!
    correct[i] = y[i] === best ? 1 : 0
  }
  return calibrationReport(correct, confidence, options)
}

/** Any fitted calibrator. */
export type Calibrator = PlattCalibrator | IsotonicCalibrator

/** Any serialised calibrator. */
export type CalibratorJSON = PlattCalibratorJSON | IsotonicCalibratorJSON

/**
 * Load a calibrator from its JSON (as stored in a model bundle). Unknown kinds and versions are an
 * `UNSUPPORTED_FORMAT` error; the data is checked, never evaluated.
 */
export const calibratorFromJSON = (json: unknown): Calibrator => {
  const j = json as Partial<Record<string, unknown>> | null
  if (
    !j ||
    typeof j !== 'object' ||
    j['format'] !== 'keel-calibrator' ||
    j['formatVersion'] !== 1
  ) {
    throw new KeelError('UNSUPPORTED_FORMAT', 'not a keel-calibrator (format version 1)')
  }
  if (j['kind'] === 'platt' && typeof j['a'] === 'number' && typeof j['b'] === 'number') {
    return plattCalibrator(j['a'], j['b'])
  }
  const nums = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))
  if (j['kind'] === 'isotonic' && nums(j['x']) && nums(j['y']))
    return isotonicCalibrator(j['x'], j['y'])
  throw new KeelError(
    'UNSUPPORTED_FORMAT',
    `unknown or malformed calibrator kind ${String(j['kind'])}`,
  )
}
