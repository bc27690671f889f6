/**
 * Keel's seeded pseudo-random generator. Everything random in Keel (sampling, splits, bagging,
 * column subsampling, bootstrap intervals, perturbation tests) takes an `Rng` explicitly, so the same
 * seed and the same data always give the same result, bit for bit. There is no global generator.
 *
 * The algorithm is xoshiro128** (Blackman & Vigna), 32-bit arithmetic only — exact and fast in
 * JavaScript — seeded through splitmix32 so that nearby seeds give unrelated streams.
 *
 * @example
 * const rng = createRng(42)
 * rng.float() // in [0, 1)
 * rng.int(10) // in 0..9
 * const child = rng.fork('bagging') // an independent stream, stable for the same label
 */
export interface Rng {
  /** A float in [0, 1) with 53 bits of randomness (two draws). */
  float(): number
  /** A uniform integer in `[0, n)`; `n` must be a positive integer ≤ 2^32. */
  int(n: number): number
  /** A uniform unsigned 32-bit integer. */
  uint32(): number
  /** A standard normal draw (Box–Muller, no cached pair so the state stays one array). */
  normal(): number
  /** An independent generator derived from this one's seed and `label`; does not advance this one. */
  fork(label: string | number): Rng
  /** The generator's internal state, to save and restore a stream position. */
  state(): readonly [number, number, number, number]
}

const splitmix32 = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** FNV-1a over a string, for deriving fork seeds from labels. */
const hashLabel = (label: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

class Xoshiro128 implements Rng {
  readonly #s: Uint32Array
  readonly #seed: number

  constructor(seed: number, state?: readonly number[]) {
    this.#seed = seed >>> 0
    this.#s = new Uint32Array(4)
    if (state) {
      this.#s.set(state)
    } else {
      const sm = splitmix32(this.#seed)
      for (let i = 0; i < 4; i++) this.#s[i] = sm()
      if ((this.#s[0]! | this.#s[1]! | this.#s[2]! | this.#s[3]!) === 0) this.#s[0] = 1
    }
  }

  uint32(): number {
    const s = this.#s
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0
    const t = (s[1]! << 9) >>> 0
    s[2]! ^= s[0]!
    s[3]! ^= s[1]!
    s[1]! ^= s[2]!
    s[0]! ^= s[3]!
    s[2]! ^= t
    s[3] = rotl(s[3]!, 11)
    return result
  }

  float(): number {
    // 53 random bits: 27 from one draw, 26 from the next.
    const a = this.uint32() >>> 5
    const b = this.uint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }

  int(n: number): number {
    if (!(n > 0) || n > 4294967296 || !Number.isInteger(n)) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`)
    }
    // Lemire-style rejection to remove modulo bias.
    const limit = 4294967296 - (4294967296 % n)
    let x = this.uint32()
    while (x >= limit) x = this.uint32()
    return x % n
  }

  normal(): number {
    let u = this.float()
    while (u === 0) u = this.float()
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  fork(label: string | number): Rng {
    const l = typeof label === 'number' ? `#${label}` : label
    return new Xoshiro128((Math.imul(this.#seed ^ hashLabel(l), 0x9e3779b1) + hashLabel(l)) >>> 0)
  }

  state(): readonly [number, number, number, number] {
    return [this.#s[0]!, this.#s[1]!, this.#s[2]!, this.#s[3]!]
  }
}

/** Create a generator from an integer seed. */
export const createRng = (seed: number): Rng => {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be finite, got ${seed}`)
  return new Xoshiro128(Math.trunc(seed) >>> 0)
}

/** Restore a generator from {@link Rng.state}. */
export const restoreRng = (seed: number, state: readonly number[]): Rng =>
  new Xoshiro128(Math.trunc(seed) >>> 0, state)

/** Fisher–Yates shuffle into a new array (the input is not touched). */
export const shuffled = <T>(rng: Rng, items: ArrayLike<T>): T[] => {
  const out = Array.from(items)
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const tmp = out[i]!
    out[i] = out[j]!
    out[j] = tmp
  }
  return out
}

/** A permutation of `0..n-1` as an Int32Array. */
export const permutation = (rng: Rng, n: number): Int32Array => {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const tmp = out[i]!
    out[i] = out[j]!
    out[j] = tmp
  }
  return out
}
