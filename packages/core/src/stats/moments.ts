/** The summary a {@link MomentsAccumulator} produces. Statistics of an empty input are `null`. */
export interface MomentsSummary {
  /** Finite values seen. */
  readonly count: number
  /** Missing values (NaN) seen. */
  readonly missing: number
  /** Infinite values seen; they count towards min/max but not towards mean and variance. */
  readonly infinite: number
  readonly min: number | null
  readonly max: number | null
  readonly mean: number | null
  /** Sample variance (divides by n − 1, as pandas does); `null` below two values. */
  readonly variance: number | null
  /** Sample standard deviation, `sqrt(variance)`. */
  readonly std: number | null
}

/**
 * Count, missing, min, max, mean and variance in one pass, mergeable across chunks and workers.
 *
 * Single values use Welford's update; arrays are summarized with a two-pass mean/variance per chunk
 * and folded in with Chan et al.'s pairwise combination, which is faster and more accurate than
 * a value-by-value update and gives the same answer for any chunking up to rounding.
 *
 * @example
 * const m = new MomentsAccumulator()
 * m.pushArray(Float64Array.of(1, 2, NaN, 4))
 * m.result() // { count: 3, missing: 1, mean: 2.333…, … }
 */
export class MomentsAccumulator {
  #n = 0
  #mean = 0
  #m2 = 0
  #missing = 0
  #infinite = 0
  #min = Infinity
  #max = -Infinity

  /** Add one value (NaN counts as missing). */
  push(x: number): void {
    if (Number.isNaN(x)) {
      this.#missing++
      return
    }
    if (x < this.#min) this.#min = x
    if (x > this.#max) this.#max = x
    if (x === Infinity || x === -Infinity) {
      this.#infinite++
      return
    }
    this.#n++
    const d = x - this.#mean
    this.#mean += d / this.#n
    this.#m2 += d * (x - this.#mean)
  }

  /** Add every value of `values`. */
  pushArray(values: ArrayLike<number>): void {
    const len = values.length
    let n = 0
    let sum = 0
    let min = this.#min
    let max = this.#max
    let missing = 0
    let infinite = 0
    for (let i = 0; i < len; i++) {
      const x = values[i]!
      if (x !== x) {
        missing++
        continue
      }
      if (x < min) min = x
      if (x > max) max = x
      if (x === Infinity || x === -Infinity) {
        infinite++
        continue
      }
      n++
      sum += x
    }
    this.#missing += missing
    this.#infinite += infinite
    this.#min = min
    this.#max = max
    if (n === 0) return
    const mean = sum / n
    let m2 = 0
    let comp = 0
    for (let i = 0; i < len; i++) {
      const x = values[i]!
      if (x !== x || x === Infinity || x === -Infinity) continue
      const d = x - mean
      m2 += d * d
      comp += d
    }
    // Corrected two-pass algorithm: `comp` is the rounding error of `mean`.
    m2 -= (comp * comp) / n
    this.#combine(n, mean, m2)
  }

  /** Fold another accumulator into this one (the other is not changed). */
  merge(other: MomentsAccumulator): void {
    this.#missing += other.#missing
    this.#infinite += other.#infinite
    if (other.#min < this.#min) this.#min = other.#min
    if (other.#max > this.#max) this.#max = other.#max
    if (other.#n > 0) this.#combine(other.#n, other.#mean, other.#m2)
  }

  #combine(nb: number, meanB: number, m2b: number): void {
    const na = this.#n
    if (na === 0) {
      this.#n = nb
      this.#mean = meanB
      this.#m2 = m2b
      return
    }
    const n = na + nb
    const delta = meanB - this.#mean
    this.#mean += (delta * nb) / n
    this.#m2 += m2b + ((delta * delta * na) / n) * nb
    this.#n = n
  }

  /** Finite values seen so far. */
  get count(): number {
    return this.#n
  }

  /** Infinite values seen so far. */
  get infinite(): number {
    return this.#infinite
  }

  /** The statistics so far, as plain data. */
  result(): MomentsSummary {
    const n = this.#n
    const seen = n + this.#infinite > 0
    const variance = n > 1 ? Math.max(0, this.#m2 / (n - 1)) : null
    return {
      count: n,
      missing: this.#missing,
      infinite: this.#infinite,
      min: seen ? this.#min : null,
      max: seen ? this.#max : null,
      mean: n > 0 ? this.#mean : null,
      variance,
      std: variance === null ? null : Math.sqrt(variance),
    }
  }
}
