/**
 * A line search along `d` from `x` satisfying the strong Wolfe conditions (Nocedal & Wright,
 * Algorithms 3.5 and 3.6, with safeguarded cubic interpolation), extended with the approximate
 * Wolfe conditions of Hager & Zhang (2005).
 *
 * Why the extension: near the optimum the decrease promised by the Armijo test (c1·α·φ'(0)) falls
 * below the rounding noise of φ, so a plain Wolfe search fails long before the gradient reaches
 * the 1e-10 tolerance Keel fits to. The approximate conditions accept a step when φ has not risen
 * by more than the noise level and the derivative shows the step did not overshoot — they use
 * gradient information, which stays accurate where function values do not.
 */

/** φ(α) and φ'(α) along the search direction. */
export type LineFunction = (alpha: number) => { f: number; df: number }

/** Outcome of {@link wolfeLineSearch}; `alpha` is 0 when no acceptable step was found. */
export interface LineSearchResult {
  readonly alpha: number
  readonly f: number
  readonly df: number
  readonly evaluations: number
}

const C1 = 1e-4
const C2 = 0.9
const MAX_EVALS = 40
/** Relative noise level of φ below which the approximate Wolfe test applies. */
const NOISE = 1e-10

/** Minimizer of the cubic through (a, fa, da) and (b, fb, db), or NaN when it has none. */
const cubicMin = (a: number, fa: number, da: number, b: number, fb: number, db: number): number => {
  const d1 = da + db - 3 * ((fa - fb) / (a - b))
  const disc = d1 * d1 - da * db
  if (!(disc >= 0)) return NaN
  const d2 = Math.sign(b - a) * Math.sqrt(disc)
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2))
}

/** Search along φ from φ(0) = f0 with φ'(0) = df0 < 0, first trying step `alpha0`. */
export const wolfeLineSearch = (
  phi: LineFunction,
  f0: number,
  df0: number,
  alpha0: number,
): LineSearchResult => {
  const eps = NOISE * Math.max(1, Math.abs(f0))
  let evaluations = 0
  const sufficient = (a: number, fa: number, dfa: number): boolean =>
    fa <= f0 + C1 * a * df0 || (fa <= f0 + eps && dfa <= (2 * C1 - 1) * df0)
  const curvature = (dfa: number): boolean => Math.abs(dfa) <= -C2 * df0
  const evalAt = (a: number): { f: number; df: number } => {
    evaluations++
    const r = phi(a)
    return Number.isFinite(r.f) && Number.isFinite(r.df) ? r : { f: Infinity, df: Infinity }
  }

  /** Whether φ(a) is not below φ(lo): by value when the gap exceeds the noise, else by slope. */
  const notLower = (a: number, fa: number, dfa: number, lo: number, flo: number): boolean =>
    Math.abs(fa - flo) > eps || !Number.isFinite(fa) ? fa >= flo : dfa * (a - lo) > 0

  const zoom = (
    lo0: number,
    flo0: number,
    dflo0: number,
    hi0: number,
    fhi0: number,
    dfhi0: number,
  ): LineSearchResult => {
    let [lo, flo, dflo, hi, fhi, dfhi] = [lo0, flo0, dflo0, hi0, fhi0, dfhi0]
    while (evaluations < MAX_EVALS) {
      const width = hi - lo
      if (Math.abs(width) <= 1e-16 * Math.max(Math.abs(lo), Math.abs(hi))) break
      let a = Number.isFinite(fhi) ? cubicMin(lo, flo, dflo, hi, fhi, dfhi) : NaN
      const left = lo + 0.1 * width
      const right = hi - 0.1 * width
      if (!Number.isFinite(a) || (a - left) * (a - right) > 0) a = lo + 0.5 * width
      const { f: fa, df: dfa } = evalAt(a)
      if (!sufficient(a, fa, dfa) || notLower(a, fa, dfa, lo, flo)) {
        ;[hi, fhi, dfhi] = [a, fa, dfa]
        continue
      }
      if (curvature(dfa)) return { alpha: a, f: fa, df: dfa, evaluations }
      if (dfa * width >= 0) [hi, fhi, dfhi] = [lo, flo, dflo]
      ;[lo, flo, dflo] = [a, fa, dfa]
    }
    // No Wolfe point: accept the best step that still decreases φ, if any.
    return lo > 0 && flo < f0
      ? { alpha: lo, f: flo, df: dflo, evaluations }
      : { alpha: 0, f: f0, df: df0, evaluations }
  }

  let prev = 0
  let fprev = f0
  let dfprev = df0
  let a = alpha0
  for (let i = 0; evaluations < MAX_EVALS; i++) {
    const { f: fa, df: dfa } = evalAt(a)
    if (!sufficient(a, fa, dfa) || (i > 0 && notLower(a, fa, dfa, prev, fprev))) {
      return zoom(prev, fprev, dfprev, a, fa, dfa)
    }
    if (curvature(dfa)) return { alpha: a, f: fa, df: dfa, evaluations }
    if (dfa >= 0) return zoom(a, fa, dfa, prev, fprev, dfprev)
    ;[prev, fprev, dfprev] = [a, fa, dfa]
    a *= 4
  }
  return prev > 0
    ? { alpha: prev, f: fprev, df: dfprev, evaluations }
    : { alpha: 0, f: f0, df: df0, evaluations }
}
