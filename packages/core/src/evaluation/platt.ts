import { KeelError } from '../errors/index.js'
import { checkFitInput } from './fit-input.js'

/**
 * Platt scaling (Platt 1999): a logistic map `p = 1 / (1 + exp(a·s + b))` fitted on held-out scores.
 * The fit matches scikit-learn's `_sigmoid_calibration`: targets are smoothed with Platt's prior
 * correction (`(N₊ + 1)/(N₊ + 2)` for positives, `1/(N₋ + 2)` for negatives, counts weighted) so a
 * perfectly separable calibration set still gives finite parameters. The convex objective is solved
 * by Newton's method with backtracking (Lin, Lin & Weng 2007), to a much tighter optimum than
 * scikit-learn's BFGS, which stops at gradient norm 1e-5.
 */

/** The serialised form of a Platt calibrator. */
export interface PlattCalibratorJSON {
  readonly format: 'keel-calibrator'
  readonly formatVersion: 1
  readonly kind: 'platt'
  readonly a: number
  readonly b: number
}

/** A fitted Platt calibrator: maps raw scores (margins, logits or probabilities) to probabilities. */
export interface PlattCalibrator {
  readonly kind: 'platt'
  /** Slope and intercept in scikit-learn's sign convention: `p = expit(−(a·s + b))`. */
  readonly a: number
  readonly b: number
  apply(scores: ArrayLike<number>): Float64Array
  toJSON(): PlattCalibratorJSON
}

const sigmoidNeg = (t: number): number =>
  // expit(−t), written to avoid overflow for large |t|.
  t >= 0 ? Math.exp(-t) / (1 + Math.exp(-t)) : 1 / (1 + Math.exp(t))

/** −[T log p + (1 − T) log(1 − p)] with p = expit(−t), stable for large |t|. */
const pointLoss = (t: number, target: number): number => {
  // log p = −log(1 + e^{t}); log(1 − p) = −log(1 + e^{−t}).
  const log1pexp = (x: number): number =>
    x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
  return target * log1pexp(t) + (1 - target) * log1pexp(-t)
}

/** Build a Platt calibrator from parameters (for loading and tests). */
export const plattCalibrator = (a: number, b: number): PlattCalibrator => {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new KeelError('INVALID_ARGUMENT', `Platt parameters must be finite, got a=${a}, b=${b}`)
  }
  return Object.freeze({
    kind: 'platt' as const,
    a,
    b,
    apply: (scores: ArrayLike<number>) => Float64Array.from(scores, (s) => sigmoidNeg(a * s + b)),
    toJSON: (): PlattCalibratorJSON => ({
      format: 'keel-calibrator',
      formatVersion: 1,
      kind: 'platt',
      a,
      b,
    }),
  })
}

/**
 * Fit Platt scaling on validation scores and 0/1 labels (optionally weighted).
 *
 * @example
 * const cal = fitPlattCalibrator(validationScores, validationLabels)
 * const p = cal.apply(testScores)
 */
export const fitPlattCalibrator = (
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { readonly weight?: Float64Array } = {},
): PlattCalibrator => {
  checkFitInput('Platt scaling', scores, y, options.weight)
  const n = scores.length
  const w = options.weight
  let prior0 = 0
  let prior1 = 0
  for (let i = 0; i < n; i++) {
    if (y[i]! > 0) prior1 += w ? w[i]! : 1
    else prior0 += w ? w[i]! : 1
  }
  const hi = (prior1 + 1) / (prior1 + 2)
  const lo = 1 / (prior0 + 2)
  const T = Float64Array.from(y, (v) => (v > 0 ? hi : lo))
  const objective = (a: number, b: number): number => {
    let f = 0
    for (let i = 0; i < n; i++) f += (w ? w[i]! : 1) * pointLoss(a * scores[i]! + b, T[i]!)
    return f
  }
  let a = 0
  let b = Math.log((prior0 + 1) / (prior1 + 1))
  let f = objective(a, b)
  for (let iter = 0; iter < 100; iter++) {
    // Gradient and Hessian of Σ w·loss with respect to (a, b); d loss / dt = T − p.
    let ga = 0
    let gb = 0
    let haa = 1e-12
    let hab = 0
    let hbb = 1e-12
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i]! : 1
      const s = scores[i]!
      const p = sigmoidNeg(a * s + b)
      const d1 = wi * (T[i]! - p)
      const d2 = wi * p * (1 - p)
      ga += d1 * s
      gb += d1
      haa += d2 * s * s
      hab += d2 * s
      hbb += d2
    }
    const gradNorm = Math.max(Math.abs(ga), Math.abs(gb))
    if (gradNorm < 1e-12 * Math.max(1, prior0 + prior1)) break
    const det = haa * hbb - hab * hab
    const da = -(hbb * ga - hab * gb) / det
    const db = -(-hab * ga + haa * gb) / det
    const slope = ga * da + gb * db
    // Newton decrement below the rounding noise of the objective (a sum of n terms): converged.
    // Without this the gradient test above can never pass on large n, and every remaining
    // iteration backtracks ~30 times on noise.
    if (-slope <= 1e-12 * Math.max(1, Math.abs(f))) break
    let step = 1
    let accepted = false
    while (step >= 1e-10) {
      const fa = objective(a + step * da, b + step * db)
      if (fa <= f + 1e-4 * step * slope) {
        a += step * da
        b += step * db
        f = fa
        accepted = true
        break
      }
      step /= 2
    }
    if (!accepted) break
  }
  return plattCalibrator(a, b)
}
