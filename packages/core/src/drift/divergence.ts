import { KeelError } from '../errors/index.js'

/**
 * Proportion used in place of an empty bin by {@link populationStabilityIndex}: PSI has a
 * `log(p/q)` term that is infinite when either side is empty. 1e-4 is the value Evidently and most
 * scorecard tooling substitute; it caps one empty bin's contribution near `p * ln(p / 1e-4)`.
 */
export const PSI_EPSILON = 1e-4

const toProportions = (counts: ArrayLike<number>, name: string): Float64Array => {
  let total = 0
  for (let i = 0; i < counts.length; i++) {
    const v = counts[i]!
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new KeelError('INVALID_ARGUMENT', `${name}[${i}] must be a finite count >= 0`, {
        path: [name, i],
      })
    }
    total += v
  }
  if (!(total > 0)) throw new KeelError('INVALID_DATA', `${name} has no mass (all counts are 0)`)
  const out = new Float64Array(counts.length)
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]! / total
  return out
}

const sameLength = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  if (a.length !== b.length) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `bin counts differ in length (${a.length} vs ${b.length})`,
    )
  }
}

/**
 * Population stability index between binned reference and current counts (same bins):
 * `sum (c_i - r_i) ln(c_i / r_i)` over proportions, with an empty bin's proportion replaced by
 * `epsilon` (default {@link PSI_EPSILON}). Rule of thumb: < 0.1 little change, 0.1–0.25 moderate,
 * > 0.25 significant — cut-offs with no error-rate meaning, so pair them with a test.
 */
export const populationStabilityIndex = (
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  epsilon = PSI_EPSILON,
): number => {
  sameLength(referenceCounts, currentCounts)
  const r = toProportions(referenceCounts, 'referenceCounts')
  const c = toProportions(currentCounts, 'currentCounts')
  let psi = 0
  for (let i = 0; i < r.length; i++) {
    const ri = r[i]! === 0 ? epsilon : r[i]!
    const ci = c[i]! === 0 ? epsilon : c[i]!
    psi += (ci - ri) * Math.log(ci / ri)
  }
  return psi
}

/** `x log(x / y)` with the conventions of scipy's `rel_entr` (0 at x = 0, ∞ when y = 0 < x). */
const relEntr = (x: number, y: number): number => {
  if (x > 0 && y > 0) return x * Math.log(x / y)
  if (x === 0 && y >= 0) return 0
  return Infinity
}

/**
 * Jensen–Shannon distance in bits (the square root of the JS divergence, in [0, 1]) between two
 * count or probability vectors, each normalised to sum 1 — `scipy.spatial.distance.jensenshannon(p,
 * q, base=2)`. Unlike PSI it needs no epsilon: it is finite when a bin is empty on one side.
 */
export const jensenShannonDistance = (p: ArrayLike<number>, q: ArrayLike<number>): number => {
  sameLength(p, q)
  const pp = toProportions(p, 'p')
  const qq = toProportions(q, 'q')
  let left = 0
  let right = 0
  for (let i = 0; i < pp.length; i++) {
    const m = (pp[i]! + qq[i]!) / 2
    left += relEntr(pp[i]!, m)
    right += relEntr(qq[i]!, m)
  }
  const js = (left + right) / Math.LN2
  return Math.sqrt(Math.max(0, js / 2))
}
