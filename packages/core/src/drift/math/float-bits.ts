/**
 * Exact floating-point building blocks for the distribution functions: splitting a double into
 * mantissa and exponent, and error-free sums and products. They let a long product such as
 * `(1 - x - v/n)^(n - v)` keep full relative precision when `n` is in the millions, where a
 * naive `exp(m * log(a))` would lose `m * 2^-53` of it.
 */

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
// Little-endian hosts put the high word second; every JS engine Keel targets is little-endian, but
// detect it once rather than assume.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
const TWO_64 = 18446744073709551616

/**
 * Split a finite non-zero `x` into `[m, e]` with `x = m * 2^e` and `0.5 <= |m| < 1` (C's `frexp`).
 * Zero, infinities and NaN come back as `[x, 0]`.
 */
export const frexp = (x: number): [number, number] => {
  if (x === 0 || !Number.isFinite(x)) return [x, 0]
  let shift = 0
  let v = x
  if (Math.abs(v) < 2.2250738585072014e-308) {
    v *= TWO_64
    shift = -64
  }
  f64[0] = v
  const hi = u32[HI]!
  const biased = (hi >>> 20) & 0x7ff
  const e = biased - 1022
  u32[HI] = (hi & 0x800fffff) | (1022 << 20)
  return [f64[0]!, e + shift]
}

/** `m * 2^e` without intermediate overflow or premature underflow (C's `ldexp`). */
export const ldexp = (m: number, e: number): number => {
  let v = m
  let k = e
  while (k > 1000) {
    v *= 2 ** 1000
    k -= 1000
    if (!Number.isFinite(v)) return v
  }
  while (k < -1000) {
    v *= 2 ** -1000
    k += 1000
    if (v === 0) return v
  }
  return v * 2 ** k
}

const SPLITTER = 134217729 // 2^27 + 1, Dekker's splitting constant

/** `a * b` as an unevaluated sum `[p, err]` with `p = fl(a*b)` (Dekker's TwoProduct). */
export const twoProd = (a: number, b: number): [number, number] => {
  const p = a * b
  let t = SPLITTER * a
  const ah = t - (t - a)
  const al = a - ah
  t = SPLITTER * b
  const bh = t - (t - b)
  const bl = b - bh
  const err = al * bl - (p - ah * bh - al * bh - ah * bl)
  return [p, err]
}

/** `a + b` as an unevaluated sum `[s, err]` with `s = fl(a+b)` (Knuth's TwoSum). */
export const twoSum = (a: number, b: number): [number, number] => {
  const s = a + b
  const bb = s - a
  const err = a - (s - bb) + (b - bb)
  return [s, err]
}

/** `a / b` as a double-double `[hi, lo]` (one Newton correction of the rounded quotient). */
export const divToDouble2 = (a: number, b: number): [number, number] => {
  const q = a / b
  const [p, pe] = twoProd(q, b)
  const r = a - p - pe
  return [q, r / b]
}

/** Renormalise an unevaluated sum so that `hi = fl(hi + lo)`. */
export const quickTwoSum = (hi: number, lo: number): [number, number] => {
  const s = hi + lo
  return [s, lo - (s - hi)]
}

/**
 * `(hi + lo)^m` for an integer `m >= 0`, returned as `[mantissa, exponent]` so that results far
 * below the smallest double (such as `0.3^500000`) stay representable. The leading part uses
 * `Math.pow` on chunks small enough not to underflow, which keeps the relative error near one ulp
 * per chunk instead of growing with `m`; the `lo` part enters as `exp(m * log1p(lo / hi))`.
 */
export const powScaled = (hi: number, lo: number, m: number): [number, number] => {
  if (m === 0) return [0.5, 1]
  if (hi === 0) return [0, 0]
  const sign = hi < 0 && m % 2 === 1 ? -1 : 1
  const [y, ye] = frexp(Math.abs(hi))
  const r = lo / hi
  const corr = r === 0 ? 1 : Math.exp(m * Math.log1p(r))
  const [pm, pe] = powMantissa(y, m)
  const [cm, ce] = frexp(pm * corr)
  return [sign * cm, ce + pe + ye * m]
}

/** `y^m` for `0.5 <= y < 1` as `[mantissa, exponent]`, chunked so no step underflows. */
const powMantissa = (y: number, m: number): [number, number] => {
  if (m <= 1) return m === 1 ? [y, 0] : [0.5, 1]
  const lg = -Math.log2(y) // > 0, at most 1
  const chunk = lg === 0 ? m : Math.max(1, Math.floor(900 / lg))
  if (m <= chunk) return frexp(Math.pow(y, m))
  const q = Math.floor(m / chunk)
  const rem = m - q * chunk
  const [cm, ce] = frexp(Math.pow(y, chunk))
  const [qm, qe] = powMantissa(cm, q)
  const [rm, re] = frexp(Math.pow(y, rem))
  const [pm, pe] = frexp(qm * rm)
  return [pm, pe + qe + ce * q + re]
}
