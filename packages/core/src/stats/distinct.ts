import { hashFloat64 } from './hash.js'
import { HyperLogLog } from './hyperloglog.js'

/** A distinct count and whether it is exact. */
export interface DistinctEstimate {
  readonly value: number
  /** True while fewer than the exact limit of distinct values have been seen. */
  readonly exact: boolean
  /** Relative standard error of `value` (0 when exact). */
  readonly relativeError: number
}

/** Options of a {@link DistinctCounter}. */
export interface DistinctCounterOptions {
  /** Distinct values counted exactly before switching to a sketch (default 65 536). */
  readonly exactLimit?: number
  /** HyperLogLog precision once the limit is passed (default 14: 0.81% relative error). */
  readonly precision?: number
}

const TABLE_SEED = 0x51ed_270b

/**
 * Distinct count of numbers or strings: exact up to `exactLimit` distinct values, then a
 * {@link HyperLogLog} estimate. Most columns (categories, flags, small integers) stay exact, and
 * memory stays bounded for ids and continuous values. Counters merge, exact or not.
 *
 * Numbers are compared by value (`-0` equals `0`); callers skip missing values.
 */
export class DistinctCounter {
  readonly #limit: number
  readonly #precision: number
  /** Open-addressing set of numbers; NaN marks an empty slot (NaN is never added). */
  #table: Float64Array | null = null
  #tableSize = 0
  #strings: Set<string> | null = null
  #hll: HyperLogLog | null = null

  constructor(options: DistinctCounterOptions = {}) {
    this.#limit = options.exactLimit ?? 65_536
    this.#precision = options.precision ?? 14
  }

  /** Add a number (NaN is ignored). */
  addNumber(x: number): void {
    if (x !== x) return
    if (this.#hll) {
      this.#hll.addNumber(x)
      return
    }
    if (x === 0) x = 0
    let table = this.#table
    if (!table) table = this.#table = this.#newTable(1024)
    const mask = table.length - 1
    let j = hashFloat64(x, TABLE_SEED) & mask
    for (;;) {
      const k = table[j]!
      if (k !== k) break
      if (k === x) return
      j = (j + 1) & mask
    }
    table[j] = x
    this.#tableSize++
    if (this.#tableSize > this.#limit) this.#overflow()
    else if (this.#tableSize * 2 > table.length) this.#growTable()
  }

  /** Add every non-missing value of `values`. */
  addNumbers(values: ArrayLike<number>): void {
    // Sorted or clustered data repeats values back to back: a repeat cannot change the count.
    let prev = NaN
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!
      if (x === prev) continue
      prev = x
      this.addNumber(x)
    }
  }

  /** Add a string. */
  addString(s: string): void {
    if (this.#hll) {
      this.#hll.addString(s)
      return
    }
    const set = (this.#strings ??= new Set())
    set.add(s)
    if (set.size > this.#limit) this.#overflow()
  }

  /** Fold another counter into this one (the other is not changed). */
  merge(other: DistinctCounter): void {
    if (other.#hll) {
      this.#overflow()
      this.#hll!.merge(other.#hll)
      return
    }
    other.#forEachExact(
      (x) => this.addNumber(x),
      (s) => this.addString(s),
    )
  }

  /** The distinct count so far. */
  result(): DistinctEstimate {
    if (this.#hll) {
      return {
        value: Math.round(this.#hll.estimate()),
        exact: false,
        relativeError: this.#hll.relativeError,
      }
    }
    return { value: this.#tableSize + (this.#strings?.size ?? 0), exact: true, relativeError: 0 }
  }

  #newTable(size: number): Float64Array {
    return new Float64Array(size).fill(NaN)
  }

  #growTable(): void {
    const old = this.#table!
    const table = this.#newTable(old.length * 2)
    const mask = table.length - 1
    for (const x of old) {
      if (x !== x) continue
      let j = hashFloat64(x, TABLE_SEED) & mask
      while (table[j] === table[j]) j = (j + 1) & mask
      table[j] = x
    }
    this.#table = table
  }

  #forEachExact(onNumber: (x: number) => void, onString: (s: string) => void): void {
    if (this.#table) for (const x of this.#table) if (x === x) onNumber(x)
    if (this.#strings) for (const s of this.#strings) onString(s)
  }

  #overflow(): void {
    if (this.#hll) return
    const hll = new HyperLogLog(this.#precision)
    this.#forEachExact(
      (x) => hll.addNumber(x),
      (s) => hll.addString(s),
    )
    this.#hll = hll
    this.#table = null
    this.#tableSize = 0
    this.#strings = null
  }
}
