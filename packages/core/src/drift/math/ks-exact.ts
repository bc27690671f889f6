import { logGamma } from './gamma.js'

/**
 * Exact null distribution of the two-sample Kolmogorov–Smirnov statistic by lattice-path
 * counting (Hodges 1958, "The significance probability of the Smirnov two-sample test"), in the
 * forms scipy's `ks_2samp(method='exact')` uses, so p-values agree with it to rounding.
 * `h` is the statistic scaled to an integer: `D = h / lcm(m, n)`.
 */

/** Greatest common divisor of two non-negative integers. */
export const gcd = (a: number, b: number): number => {
  let x = a
  let y = b
  while (y !== 0) {
    const t = x % y
    x = y
    y = t
  }
  return x
}

/**
 * Binomial coefficient for integer arguments as a double: an exact-order product for small `k`
 * (as cephes does) and `exp(lgamma)` otherwise. Infinity when it overflows.
 */
export const binomial = (n: number, k: number): number => {
  if (k < 0 || k > n) return 0
  let kx = k
  if (kx > n / 2 && n > 0) kx = n - kx
  if (kx < 20) {
    let num = 1
    let den = 1
    for (let i = 1; i < 1 + kx; i++) {
      num *= i + n - kx
      den *= i
      if (Math.abs(num) > 1e50) {
        num /= den
        den = 1
      }
    }
    return num / den
  }
  return Math.exp(logGamma(n + 1) - logGamma(kx + 1) - logGamma(n - kx + 1))
}

/**
 * `P(D_{n,n} >= h/n)` for equal sample sizes: the alternating reflection sum, evaluated in
 * nested (Horner) form to avoid its subtractive cancellation.
 */
export const probOutsideSquare = (n: number, h: number): number => {
  let P = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1)
    P = p1 * (1 - P)
  }
  return 2 * P
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) that leave the band `|x/m - y/n| < h/lcm`,
 * computed directly as `1 - inside` by Viehmann's stable recursion (arXiv:2102.08037): only a
 * sliding window of one column is kept, and entries are already divided by the path count.
 */
export const probOutsideBand = (m0: number, n0: number, g: number, h: number): number => {
  const m = Math.max(m0, n0)
  const n = Math.min(m0, n0)
  const mg = m / g
  const ng = n / g
  let minj = 0
  let maxj = Math.min(Math.ceil(h / mg), n + 1)
  let curlen = maxj - minj
  const lenA = Math.min(2 * maxj + 2, n + 1)
  const A = new Float64Array(lenA).fill(1)
  A.fill(0, minj, maxj)
  for (let i = 1; i <= m; i++) {
    const lastminj = minj
    const lastlen = curlen
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0)
    minj = Math.min(minj, n)
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxj <= minj) return 1
    let val = minj === 0 ? 0 : 1
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j)
      A[jj] = val
    }
    curlen = maxj - minj
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen))
  }
  return A[maxj - minj - 1]!
}

/**
 * Number of lattice paths from (0,0) to (m,n) that reach `m*y <= n*x - h*g` (one-sided
 * exceedance), by first-passage decomposition. The count can overflow a double; the caller
 * checks for a finite answer.
 */
export const countPathsOutside = (m0: number, n0: number, g: number, h: number): number => {
  const m = Math.max(m0, n0)
  const n = Math.min(m0, n0)
  const mg = m / g
  const ng = n / g
  const lxj = n + Math.floor((mg - h) / mg)
  if (lxj <= 0) return binomial(m + n, n)
  const xj = new Float64Array(lxj)
  for (let j = 0; j < lxj; j++) xj[j] = Math.floor((h + mg * j + ng - 1) / ng)
  const B = new Float64Array(lxj)
  B[0] = 1
  for (let j = 1; j < lxj; j++) {
    let bj = binomial(xj[j]! + j, j)
    for (let i = 0; i < j; i++) bj -= binomial(xj[j]! - xj[i]! + j - i, j - i) * B[i]!
    B[j] = bj
  }
  let paths = 0
  for (let j = 0; j < lxj; j++) paths += B[j]! * binomial(m - xj[j]! + (n - j), n - j)
  return paths
}
