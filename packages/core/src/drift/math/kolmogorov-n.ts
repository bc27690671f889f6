import { ldexp } from './float-bits.js'
import { smirnovSf } from './smirnov.js'

/**
 * The two-sided one-sample Kolmogorov–Smirnov distribution for finite `n` — scipy's `kstwo` —
 * which `ks_2samp` uses for its asymptotic p-value with `n = round(n1 n2 / (n1 + n2))`.
 *
 * The regime selection follows Simard & L'Ecuyer (2011), "Computing the Two-Sided
 * Kolmogorov–Smirnov Distribution", J. Stat. Softw. 39(11): Ruben–Gambino closed forms at the
 * ends, the Durbin matrix (Marsaglia–Tsang–Wang) or Pomeranz recursion for small `n`, Pelz–Good's
 * expansion for large `n`, and twice the one-sided Smirnov tail where the two tails cannot overlap.
 */

const E128 = 128
const EP128 = 2 ** 128
const EM128 = 2 ** -128
const LOG_2PI = Math.log(2 * Math.PI)
const SQRT_2PI = Math.sqrt(2 * Math.PI)
const SQRT3 = Math.sqrt(3)
const PI2 = Math.PI ** 2
const PI4 = Math.PI ** 4
const PI6 = Math.PI ** 6
const MIN_LOG = -708

/** Stirling coefficients B_2j / (2j (2j-1)) for j = 8..1, highest power first. */
const STIRLING = [
  -2.955065359477124e-2, 6.41025641025641e-3, -1.9175269175269176e-3, 8.417508417508417e-4,
  -5.952380952380953e-4, 7.936507936507937e-4, -2.777777777777778e-3, 8.333333333333333e-2,
]

const polyval = (coeffs: readonly number[], x: number): number => {
  let acc = 0
  for (const c of coeffs) acc = acc * x + c
  return acc
}

/** `log(n! / n^n)` by Stirling's series with `n log n` removed up front. */
const logFactorialOverPower = (n: number): number => {
  const rn = 1 / n
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * polyval(STIRLING, rn / n)
}

const clip = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p)
const pick = (cdf: number, sf: number, wantCdf: boolean): number => clip(wantCdf ? cdf : sf)

/** Row-major `m x m` matrix product `a * b`. */
const matmul = (a: Float64Array, b: Float64Array, m: number): Float64Array => {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    const row = i * m
    for (let k = 0; k < m; k++) {
      const aik = a[row + k]!
      if (aik === 0) continue
      const bRow = k * m
      for (let j = 0; j < m; j++) out[row + j]! += aik * b[bRow + j]!
    }
  }
  return out
}

/** CDF `P(D_n <= d)` by Durbin's matrix method in the Marsaglia–Tsang–Wang formulation. */
const durbinMatrix = (n: number, d: number): number => {
  if (d >= 1) return 1
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let fac = 1
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac
    fac /= j
    v[j - 1] = (1 - h ** j) * fac
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m
  v[m - 1] = (1 + tt) * fac
  let H: Float64Array = new Float64Array(m * m)
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!

  let P: Float64Array = new Float64Array(m * m)
  for (let i = 0; i < m; i++) P[i * m + i] = 1
  let nn = n
  let expnt = 0
  let hExpnt = 0
  const kk = (k - 1) * m + (k - 1)
  while (nn > 0) {
    if (nn % 2 === 1) {
      P = matmul(P, H, m)
      expnt += hExpnt
    }
    H = matmul(H, H, m)
    hExpnt *= 2
    if (Math.abs(H[kk]!) > EP128) {
      for (let i = 0; i < H.length; i++) H[i]! /= EP128
      hExpnt += E128
    }
    nn = Math.floor(nn / 2)
  }
  let p = P[kk]!
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < EM128) {
      p *= EP128
      expnt -= E128
    }
  }
  return expnt !== 0 ? ldexp(p, expnt) : p
}

/** Row endpoints of the Pomeranz recursion. */
const pomeranzBounds = (
  i: number,
  n: number,
  ll: number,
  ceilf: number,
  roundf: number,
): [number, number] => {
  let j1: number
  let j2: number
  if (i === 0) {
    j1 = -ll - ceilf - 1
    j2 = ll + ceilf - 1
  } else {
    const half = Math.floor((i + 1) / 2)
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1
        j2 = n + ll + ceilf - 1
      } else {
        j1 = half - 1 - ll - roundf - 1
        j2 = half + ll - 1 + ceilf - 1
      }
    } else {
      j1 = half - 1 - ll - 1
      j2 = half + ll + roundf - 1
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)]
}

/** CDF `P(D_n <= x)` by the Pomeranz (1974) recursion. */
const pomeranz = (n: number, x: number): number => {
  const t = n * x
  const ll = Math.floor(t)
  const f = t - ll
  const g = Math.min(f, 1 - f)
  const ceilf = f > 0 ? 1 : 0
  const roundf = f > 0.5 ? 1 : 0
  const npwrs = 2 * (ll + 1)
  const gpower = new Float64Array(npwrs)
  const twogpower = new Float64Array(npwrs)
  const onem2gpower = new Float64Array(npwrs)
  gpower[0] = 1
  twogpower[0] = 1
  onem2gpower[0] = 1
  const gOverN = g / n
  const twoGOverN = (2 * g) / n
  const oneMinus = (1 - 2 * g) / n
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinus) / m
  }
  let V0 = new Float64Array(npwrs)
  let V1 = new Float64Array(npwrs)
  V1[0] = 1
  let V0s = 0
  let V1s = 0
  let expnt = 0
  let j1 = pomeranzBounds(0, n, ll, ceilf, roundf)[0]
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1
    const tmp = V0
    V0 = V1
    V1 = tmp
    const ts = V0s
    V0s = V1s
    V1s = ts
    V1.fill(0)
    const bounds = pomeranzBounds(i, n, ll, ceilf, roundf)
    j1 = bounds[0]
    const j2 = bounds[1]
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower
    const ln2 = j2 - k1 + 1
    if (ln2 > 0) {
      // conv = V0[k1-V0s .. +ln2] (*) pwrs[0..ln2]; keep entries conv[j1-k1 .. j2-k1].
      const base = k1 - V0s
      const convStart = j1 - k1
      const convLen = j2 - j1 + 1
      const lenA = Math.max(0, Math.min(ln2, npwrs - base))
      const lenB = Math.min(ln2, npwrs)
      let maxV = 0
      for (let c = 0; c < convLen; c++) {
        const idx = convStart + c
        let acc = 0
        for (let a = Math.max(0, idx - lenB + 1); a <= Math.min(idx, lenA - 1); a++) {
          acc += V0[base + a]! * pwrs[idx - a]!
        }
        V1[c] = acc
        if (acc > maxV) maxV = acc
      }
      if (maxV > 0 && maxV < EM128) {
        for (let c = 0; c < convLen; c++) V1[c]! *= EP128
        expnt -= E128
      }
      V1s = V0s + j1 - k1
    }
  }
  let ans = V1[n - V1s]!
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128
      expnt += E128
    }
    ans *= m
  }
  return expnt !== 0 ? ldexp(ans, expnt) : ans
}

/** Pelz–Good asymptotic expansion of `P(D_n <= x)`, accurate for large `n`. */
const pelzGood = (n: number, x: number): number => {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const z = Math.sqrt(n) * x
  const z2 = z * z
  const z3 = z2 * z
  const z4 = z2 * z2
  const z6 = z4 * z2
  const qlog = -PI2 / 8 / z2
  if (qlog < MIN_LOG) return 0
  let q = Math.exp(qlog)
  const k1a = -z2
  const k1b = PI2 / 4
  const k2a = 6 * z6 + 2 * z4
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4
  const k2c = (PI4 * (1 - 2 * z2)) / 16
  const k3d = (PI6 * (5 - 30 * z2)) / 64
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4
  const k3a = -30 * z6 - 90 * z ** 8
  const K = [0, 0, 0, 0]
  const maxk = Math.ceil((16 * z) / Math.PI)
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1
    const m2 = m * m
    const m4 = m2 * m2
    const m6 = m4 * m2
    const qp = q ** (8 * k)
    K[0] = K[0]! * qp + 1
    K[1] = K[1]! * qp + (k1a + k1b * m2)
    K[2] = K[2]! * qp + (k2a + k2b * m2 + k2c * m4)
    K[3] = K[3]! * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6)
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10]
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / div[i]!
  q = Math.exp(-PI2 / 2 / z2)
  let k2extra = 0
  let k3extra = 0
  const sqrt3z = SQRT3 * z
  for (let k = maxk; k > 0; k--) {
    const ksq = k * k
    const qp = q ** ksq
    k2extra += ksq * qp
    const kpi = Math.PI * k
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * ksq * qp
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT_2PI) / (-36 * z3)
  K[3] = K[3]! + (k3extra * PI2 * SQRT_2PI) / (216 * z6)
  let total = 0
  for (let i = 0; i < 4; i++) total += K[i]! / n ** (i / 2)
  return total
}

/**
 * `P(D_n <= x)` (or `P(D_n > x)` when `cdf` is false) for the two-sided one-sample statistic —
 * scipy's `kstwo.cdf` / `kstwo.sf`.
 */
export const kolmogorovN = (n: number, x: number, cdf = true): number => {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN
  if (x >= 1) return pick(1, 0, cdf)
  if (x <= 0) return pick(0, 1, cdf)
  const t = n * x
  if (t <= 1) {
    if (t <= 0.5) return pick(0, 1, cdf)
    let prob: number
    if (n <= 140) {
      prob = 1
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1)
    } else prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1))
    return pick(prob, 1 - prob, cdf)
  }
  if (t >= n - 1) {
    const prob = 2 * (1 - x) ** n
    return pick(1 - prob, prob, cdf)
  }
  if (x >= 0.5) {
    const prob = 2 * smirnovSf(n, x)
    return pick(1 - prob, prob, cdf)
  }
  const nxx = t * x
  if (n <= 140) {
    if (nxx <= 0.754693) {
      const prob = durbinMatrix(n, x)
      return pick(prob, 1 - prob, cdf)
    }
    if (nxx <= 4) {
      const prob = pomeranz(n, x)
      return pick(prob, 1 - prob, cdf)
    }
    const prob = 2 * smirnovSf(n, x)
    return pick(1 - prob, prob, cdf)
  }
  if (!cdf) {
    if (nxx >= 370) return 0
    if (nxx >= 2.2) return clip(2 * smirnovSf(n, x))
  }
  let cdfProb: number
  if (nxx >= 18) cdfProb = 1
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdfProb = durbinMatrix(n, x)
  else cdfProb = pelzGood(n, x)
  return pick(cdfProb, 1 - cdfProb, cdf)
}
