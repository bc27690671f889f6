import { KeelError } from '../errors/index.js'
import { hashFloat64Pair, hashString } from './hash.js'

/** Seeds of the two independent hashes: one picks the register, the other gives the rank. */
const SEED_INDEX = 0x2f1b_6a3d
const SEED_RANK = 0x7c15_9e01
const pair = new Uint32Array(2)
/** Bits of the rank hash; register values are 0..RANK_BITS + 1. */
const RANK_BITS = 32

/**
 * HyperLogLog distinct-count sketch (Flajolet et al. 2007) with Ertl's improved estimator (2017),
 * which is nearly unbiased from tiny to huge cardinalities without empirical bias tables.
 *
 * Each value is hashed twice: `precision` bits of the first hash pick a register and the leading
 * zeros of an independent 32-bit second hash give the rank, so the sketch behaves like one over a
 * (32 + precision)-bit hash and needs no large-range correction below ~10^12 distinct values.
 * Relative standard error is 1.04 / sqrt(2^precision): 0.81% at the default precision 14 (16 KiB).
 * Sketches of equal precision merge exactly (register-wise maximum), in any order.
 */
export class HyperLogLog {
  readonly precision: number
  readonly #registers: Uint8Array
  readonly #shift: number

  constructor(precision = 14) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `HyperLogLog precision must be 4..18, got ${precision}`,
      )
    }
    this.precision = precision
    this.#registers = new Uint8Array(1 << precision)
    this.#shift = 32 - precision
  }

  /** Add a value given its two independent 32-bit hashes. */
  addHashes(indexHash: number, rankHash: number): void {
    const j = indexHash >>> this.#shift
    const rank = Math.clz32(rankHash) + 1
    if (rank > this.#registers[j]!) this.#registers[j] = rank
  }

  /** Add a number (`-0` and `0` are the same value). */
  addNumber(x: number): void {
    hashFloat64Pair(x, SEED_INDEX, SEED_RANK, pair)
    this.addHashes(pair[0]!, pair[1]!)
  }

  /** Add a string. */
  addString(s: string): void {
    this.addHashes(hashString(s, SEED_INDEX), hashString(s, SEED_RANK))
  }

  /** Fold another sketch of the same precision into this one. */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `cannot merge HyperLogLog sketches of precision ${this.precision} and ${other.precision}`,
      )
    }
    const a = this.#registers
    const b = other.#registers
    for (let j = 0; j < a.length; j++) if (b[j]! > a[j]!) a[j] = b[j]!
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    const m = this.#registers.length
    const counts = new Float64Array(RANK_BITS + 2)
    for (const r of this.#registers) counts[r]!++
    let z = m * tau(1 - counts[RANK_BITS + 1]! / m)
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + counts[k]!)
    z += m * sigma(counts[0]! / m)
    const alphaInf = 1 / (2 * Math.LN2)
    return (alphaInf * m * m) / z
  }

  /** Relative standard error of {@link estimate} for this precision. */
  get relativeError(): number {
    return 1.04 / Math.sqrt(this.#registers.length)
  }
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1), the correction for empty registers. */
const sigma = (x: number): number => {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  let prev: number
  do {
    x *= x
    prev = z
    z += x * y
    y += y
  } while (z !== prev)
  return z
}

/** Ertl's τ(x), the correction for saturated registers. */
const tau = (x: number): number => {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  let prev: number
  do {
    x = Math.sqrt(x)
    prev = z
    y *= 0.5
    z -= (1 - x) ** 2 * y
  } while (z !== prev)
  return z / 3
}
