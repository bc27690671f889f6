import { KeelError } from '../errors/index.js'

/**
 * `P(|T| < t)` for Student's t with an integer number of degrees of freedom, by the finite series
 * of Abramowitz & Stegun 26.7.3 (odd ν) and 26.7.4 (even ν). Exact up to rounding, which is all a
 * confidence interval over a handful of permutation repeats needs.
 */
const twoSidedCentral = (t: number, df: number): number => {
  const c2 = df / (df + t * t) // cos²θ, θ = atan(t / √ν)
  const s = t / Math.sqrt(df + t * t) // sin θ
  let term = 1
  let sum = 1
  if (df % 2 === 0) {
    for (let k = 2; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k
      sum += term
    }
    return s * sum
  }
  const theta = Math.atan(t / Math.sqrt(df))
  if (df === 1) return (2 / Math.PI) * theta
  const c = Math.sqrt(c2)
  term = c
  sum = c
  for (let k = 3; k <= df - 2; k += 2) {
    term *= (c2 * (k - 1)) / k
    sum += term
  }
  return (2 / Math.PI) * (theta + s * sum)
}

/** The Student t distribution function with integer `df` ≥ 1. */
export const studentTCdf = (t: number, df: number): number => {
  checkDf(df)
  if (Number.isNaN(t)) return NaN
  if (t === Infinity) return 1
  if (t === -Infinity) return 0
  const a = twoSidedCentral(Math.abs(t), df)
  return t >= 0 ? 0.5 + a / 2 : 0.5 - a / 2
}

/**
 * The quantile of Student's t with integer `df` ≥ 1 (`scipy.stats.t.ppf`), by bisection on
 * {@link studentTCdf} down to adjacent doubles. Used for the interval of a mean over a few
 * repeats, where the normal quantile would be far too narrow (1.96 vs 2.78 for 5 repeats).
 */
export const studentTQuantile = (p: number, df: number): number => {
  checkDf(df)
  if (!(p > 0 && p < 1)) {
    throw new KeelError('INVALID_ARGUMENT', `probability must be in (0, 1), got ${p}`)
  }
  if (p === 0.5) return 0
  if (p < 0.5) return -studentTQuantile(1 - p, df)
  let lo = 0
  let hi = 1
  while (studentTCdf(hi, df) < p) {
    lo = hi
    hi *= 2
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2
    if (mid <= lo || mid >= hi) break
    if (studentTCdf(mid, df) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

const checkDf = (df: number): void => {
  if (!(Number.isInteger(df) && df >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `degrees of freedom must be an integer >= 1, got ${df}`)
  }
}
