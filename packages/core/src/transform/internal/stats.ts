/**
 * The small statistics the fitted steps need, written to agree with NumPy where scikit-learn relies
 * on it: `np.percentile` (linear interpolation, including NumPy's own rounding of the lerp),
 * `np.linspace`, and mean/variance with compensated sums.
 */

/** The non-missing values of `values`, sorted ascending (a new array). */
export const sortedPresent = (values: Float64Array): Float64Array => {
  let n = 0
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++
  const out = new Float64Array(n)
  let k = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isNaN(v)) out[k++] = v
  }
  return out.sort()
}

/** NumPy's `_lerp`: exact at both ends, with the same branch at t ≥ 0.5. */
const lerp = (a: number, b: number, t: number): number => {
  if (a === b) return a
  const d = b - a
  return t >= 0.5 ? b - d * (1 - t) : a + d * t
}

/**
 * `np.percentile(x, q)` with the default linear method, for `sorted` ascending and q in [0, 100].
 * The virtual index is computed as NumPy does (`q / 100 * (n - 1)`), so results agree bit for bit.
 */
export const percentileSorted = (sorted: Float64Array, q: number): number => {
  const n = sorted.length
  if (n === 0) return NaN
  const virtual = (q / 100) * (n - 1)
  const lo = Math.floor(virtual)
  const t = virtual - lo
  const a = sorted[Math.min(Math.max(lo, 0), n - 1)]!
  const b = sorted[Math.min(Math.max(lo + 1, 0), n - 1)]!
  return lerp(a, b, t)
}

/** `np.linspace(start, stop, num)` with the endpoint, computed as `i * step + start`. */
export const linspace = (start: number, stop: number, num: number): number[] => {
  const out: number[] = []
  const div = num - 1
  const step = (stop - start) / div
  for (let i = 0; i < num; i++) out.push(i * step + start)
  if (num > 1) out[num - 1] = stop
  return out
}

/**
 * Mean, population variance and count of the non-missing values, with Neumaier-compensated sums
 * (the result does not depend on row order beyond the last bit, unlike a naive running sum), and
 * the two-pass variance formula scikit-learn uses (sum of squared deviations with a correction).
 */
export const meanVar = (
  values: Float64Array,
): { mean: number; variance: number; count: number } => {
  let n = 0
  let s = 0
  let c = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    n++
    const t = s + v
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s
    s = t
  }
  if (n === 0) return { mean: NaN, variance: NaN, count: 0 }
  const mean = (s + c) / n
  let sq = 0
  let sqc = 0
  let corr = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    const d = v - mean
    corr += d
    const x = d * d
    const t = sq + x
    sqc += sq >= x ? sq - t + x : x - t + sq
    sq = t
  }
  const variance = Math.max((sq + sqc - (corr * corr) / n) / n, 0)
  return { mean, variance, count: n }
}

/**
 * scikit-learn's `_is_constant_feature`: a variance this small is rounding noise from the mean, and
 * the feature is treated as constant (its scale becomes 1).
 */
export const isConstantFeature = (variance: number, mean: number, n: number): boolean => {
  const eps = Number.EPSILON
  return variance <= n * eps * variance + (n * mean * eps) ** 2
}

/** scikit-learn's `_handle_zeros_in_scale`: a scale below 10·eps becomes 1, so nothing divides by 0. */
export const safeScale = (scale: number): number => (scale < 10 * Number.EPSILON ? 1 : scale)
