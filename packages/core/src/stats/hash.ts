/**
 * Deterministic 32-bit hashes of numbers and strings (MurmurHash3's mixing steps). Sketches need
 * hashes that are identical on every platform and every run, so nothing here depends on object
 * identity, engine hash seeds or the locale.
 */

const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)

/** MurmurHash3's 32-bit finalizer: spreads every input bit over the whole word. */
export const fmix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const mixK = (k: number): number => {
  k = Math.imul(k, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  return Math.imul(k, 0x1b873593)
}

const mixH = (h: number, k: number): number => {
  h ^= mixK(k)
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/**
 * Hash of a float64 by value: `-0` and `0` hash alike, and every NaN hashes alike, so equal values
 * (as `Object.is` would see them after that normalization) always collide.
 */
export const hashFloat64 = (x: number, seed: number): number => {
  f64[0] = x === 0 ? 0 : Number.isNaN(x) ? NaN : x
  let h = seed | 0
  h = mixH(h, u32[0]!)
  h = mixH(h, u32[1]!)
  return fmix32(h ^ 8)
}

/**
 * Two independent hashes of a float64 (seeds `seedA`, `seedB`) for the price of reading it once;
 * the second is returned through `out[1]`. Same as `hashFloat64` with each seed.
 */
export const hashFloat64Pair = (
  x: number,
  seedA: number,
  seedB: number,
  out: Uint32Array,
): void => {
  f64[0] = x === 0 ? 0 : Number.isNaN(x) ? NaN : x
  const lo = u32[0]!
  const hi = u32[1]!
  out[0] = fmix32(mixH(mixH(seedA | 0, lo), hi) ^ 8)
  out[1] = fmix32(mixH(mixH(seedB | 0, lo), hi) ^ 8)
}

/** Hash of a string over its UTF-16 code units (two units per round). */
export const hashString = (s: string, seed: number): number => {
  let h = seed | 0
  const n = s.length
  let i = 0
  for (; i + 1 < n; i += 2) h = mixH(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16))
  if (i < n) h ^= mixK(s.charCodeAt(i))
  return fmix32(h ^ n)
}

/** Combine a running 32-bit hash with another 32-bit word (order-sensitive). */
export const combineHash = (h: number, k: number): number => mixH(h, k) >>> 0
