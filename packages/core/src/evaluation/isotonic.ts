import { KeelError } from '../errors/index.js'
import { checkFitInput } from './fit-input.js'

/**
 * Isotonic calibration: the non-decreasing step function closest (weighted least squares) to the
 * labels, fitted with pool-adjacent-violators, then linearly interpolated between its knots and
 * clipped outside the fitted range. Matches scikit-learn's `IsotonicRegression(out_of_bounds="clip")`
 * as `CalibratedClassifierCV(method="isotonic")` uses it: zero-weight rows dropped, equal scores
 * (within 1e-15) pooled first, redundant knots of flat runs trimmed.
 */

/**
 * Weighted pool-adjacent-violators: the non-decreasing sequence minimising `Σ w (ŷ − y)²`. Returns
 * a new array; O(n).
 */
export const isotonicRegression = (
  y: ArrayLike<number>,
  weight?: ArrayLike<number>,
): Float64Array => {
  const n = y.length
  const value = new Float64Array(n) // block means
  const wsum = new Float64Array(n) // block weights
  const size = new Int32Array(n) // block lengths
  let blocks = 0
  for (let i = 0; i < n; i++) {
    value[blocks] = y[i]!
    wsum[blocks] = weight ? weight[i]! : 1
    size[blocks] = 1
    blocks++
    while (blocks > 1 && value[blocks - 2]! >= value[blocks - 1]!) {
      // ≥ rather than >: pooling equal neighbours does not change the fit and keeps blocks maximal.
      const w = wsum[blocks - 2]! + wsum[blocks - 1]!
      value[blocks - 2] =
        w > 0
          ? (wsum[blocks - 2]! * value[blocks - 2]! + wsum[blocks - 1]! * value[blocks - 1]!) / w
          : (value[blocks - 2]! + value[blocks - 1]!) / 2
      wsum[blocks - 2] = w
      size[blocks - 2] = size[blocks - 2]! + size[blocks - 1]!
      blocks--
    }
  }
  const out = new Float64Array(n)
  let at = 0
  for (let b = 0; b < blocks; b++) for (let j = 0; j < size[b]!; j++) out[at++] = value[b]!
  return out
}

/** The serialised form of an isotonic calibrator. */
export interface IsotonicCalibratorJSON {
  readonly format: 'keel-calibrator'
  readonly formatVersion: 1
  readonly kind: 'isotonic'
  /** Knot positions (increasing scores) and fitted probabilities at them. */
  readonly x: readonly number[]
  readonly y: readonly number[]
}

/** A fitted isotonic calibrator. */
export interface IsotonicCalibrator {
  readonly kind: 'isotonic'
  readonly x: readonly number[]
  readonly y: readonly number[]
  apply(scores: ArrayLike<number>): Float64Array
  toJSON(): IsotonicCalibratorJSON
}

const interpolate = (x: readonly number[], y: readonly number[], s: number): number => {
  const m = x.length
  if (m === 1 || s <= x[0]!) return y[0]!
  if (s >= x[m - 1]!) return y[m - 1]!
  // Binary search for the segment x[lo] ≤ s < x[lo + 1].
  let lo = 0
  let hi = m - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (x[mid]! <= s) lo = mid
    else hi = mid
  }
  const t = (s - x[lo]!) / (x[hi]! - x[lo]!)
  return y[lo]! + t * (y[hi]! - y[lo]!)
}

/** Build an isotonic calibrator from its knots (for loading and tests). */
export const isotonicCalibrator = (
  x: readonly number[],
  y: readonly number[],
): IsotonicCalibrator => {
  if (x.length === 0 || x.length !== y.length) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'isotonic knots need equal, non-zero numbers of x and y',
    )
  }
  for (let i = 1; i < x.length; i++) {
    if (!(x[i]! > x[i - 1]!) || !(y[i]! >= y[i - 1]!)) {
      throw new KeelError('INVALID_ARGUMENT', `isotonic knots are not increasing at ${i}`)
    }
  }
  const xs = Object.freeze([...x])
  const ys = Object.freeze([...y])
  return Object.freeze({
    kind: 'isotonic' as const,
    x: xs,
    y: ys,
    apply: (scores: ArrayLike<number>) => Float64Array.from(scores, (s) => interpolate(xs, ys, s)),
    toJSON: (): IsotonicCalibratorJSON => ({
      format: 'keel-calibrator',
      formatVersion: 1,
      kind: 'isotonic',
      x: [...xs],
      y: [...ys],
    }),
  })
}

/** scikit-learn's tolerance for "the same score" when pooling (float64 `resolution`). */
const SAME_X = 1e-15

/**
 * Fit isotonic calibration on validation scores and 0/1 labels (or any targets), optionally
 * weighted. Needs more data than Platt scaling (it has as many parameters as distinct scores) but
 * makes no assumption about the shape of the miscalibration.
 */
export const fitIsotonicCalibrator = (
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): IsotonicCalibrator => {
  checkFitInput('isotonic calibration', scores, y, options.weight)
  const w = options.weight
  const rows: number[] = []
  for (let i = 0; i < scores.length; i++) if (!w || w[i]! > 0) rows.push(i)
  // Sort by score, then target (scikit-learn's lexsort((y, X))).
  rows.sort((i, j) => scores[i]! - scores[j]! || y[i]! - y[j]!)
  const ux: number[] = []
  const uy: number[] = []
  const uw: number[] = []
  let cx = scores[rows[0]!]!
  let cw = 0
  let cy = 0
  for (const i of rows) {
    const wi = w ? w[i]! : 1
    if (scores[i]! - cx >= SAME_X) {
      ux.push(cx)
      uy.push(cy / cw)
      uw.push(cw)
      cx = scores[i]!
      cw = 0
      cy = 0
    }
    cw += wi
    cy += wi * y[i]!
  }
  ux.push(cx)
  uy.push(cy / cw)
  uw.push(cw)
  const fitted = isotonicRegression(uy, uw)
  // Keep the first and last knot of every flat run: interpolation is unchanged.
  const kx: number[] = []
  const ky: number[] = []
  for (let i = 0; i < fitted.length; i++) {
    const interior = i > 0 && i < fitted.length - 1
    if (interior && fitted[i] === fitted[i - 1] && fitted[i] === fitted[i + 1]) continue
    kx.push(ux[i]!)
    ky.push(fitted[i]!)
  }
  return isotonicCalibrator(kx, ky)
}
