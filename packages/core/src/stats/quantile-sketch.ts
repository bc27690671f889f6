import { KeelError } from '../errors/index.js'
import { createRng, type Rng } from '../random/index.js'

/** Options of a {@link QuantileSketch}. */
export interface QuantileSketchOptions {
  /** Values kept (exactly, then as a uniform sample); default 65 536, i.e. 512 KiB. */
  readonly capacity?: number
  /** Random keys of the sample; default `createRng(0)`, so results are reproducible. */
  readonly rng?: Rng
}

/** Probability that the documented rank-error bound fails (for all quantiles at once). */
const FAILURE_PROBABILITY = 1e-3

/**
 * Rank-error bound of a uniform sample of `m` values: by the Dvoretzky–Kiefer–Wolfowitz
 * inequality (Massart's constant), with probability at least 1 − 10⁻³ the sample's CDF is within
 * ε = sqrt(ln(2/10⁻³) / 2m) of the data's CDF everywhere, so every quantile read off the sample has
 * a true rank within ±ε·n of the requested one. Sampling without replacement only tightens it.
 * At the default capacity (65 536) ε ≈ 0.76%.
 */
export const sampleRankError = (m: number): number =>
  Math.sqrt(Math.log(2 / FAILURE_PROBABILITY) / (2 * m))

/** The rank-error bound at the default capacity. */
export const QUANTILE_SKETCH_RANK_ERROR = sampleRankError(65_536)

/**
 * Quantiles of a stream of numbers in bounded memory, mergeable across chunks and workers.
 *
 * Up to `capacity` values are kept as they are and quantiles are exact, interpolated linearly
 * between order statistics exactly like numpy's and pandas' default (`method='linear'`,
 * Hyndman–Fan type 7). Beyond that the sketch holds a uniform random sample of `capacity` values
 * (each value gets a random key, the smallest keys are kept; Li's Algorithm L skips ahead to the
 * next value that enters, so the per-value cost is a comparison), and quantiles are those of the
 * sample, within the rank error of {@link sampleRankError}. Merging keeps the smallest keys of
 * both, which is again a uniform sample of the union. The sample does not depend on how a stream
 * is cut into arrays. Min and max are always exact; NaN (missing) is skipped.
 *
 * @example
 * const s = new QuantileSketch()
 * s.pushArray(values)
 * s.quantiles([0.25, 0.5, 0.75])
 */
export class QuantileSketch {
  readonly capacity: number
  readonly #rng: Rng
  #values: Float64Array
  /** Keys in step with `#values` (candidates beyond `capacity` until a trim); null while exact. */
  #keys: Float64Array | null = null
  /** Keys at or above this can no longer be among the smallest `capacity`. */
  #threshold = 1
  #size = 0
  #n = 0
  /** Stream position (count of values) of the next value to enter the sample. */
  #next = 0
  #sorted: Float64Array | null = null
  #min = Infinity
  #max = -Infinity

  constructor(options: QuantileSketchOptions = {}) {
    this.capacity = options.capacity ?? 65_536
    this.#rng = options.rng ?? createRng(0)
    if (!(Number.isSafeInteger(this.capacity) && this.capacity >= 16)) {
      throw new KeelError('INVALID_ARGUMENT', `sketch capacity must be an integer ≥ 16`)
    }
    this.#values = new Float64Array(Math.min(256, this.capacity))
  }

  /** Number of values added (missing excluded). */
  get count(): number {
    return this.#n
  }

  /** True while every value is kept, i.e. quantiles are exact. */
  get isExact(): boolean {
    return this.#keys === null
  }

  /** Bound on the normalized rank error of {@link quantile} (0 while exact). */
  get rankError(): number {
    return this.#keys ? sampleRankError(this.capacity) : 0
  }

  get min(): number | null {
    return this.#n > 0 ? this.#min : null
  }

  get max(): number | null {
    return this.#n > 0 ? this.#max : null
  }

  /** Add one value (NaN is skipped). */
  push(x: number): void {
    if (x !== x) return
    if (x < this.#min) this.#min = x
    if (x > this.#max) this.#max = x
    this.#addAll([x], 0, 1)
  }

  /** Add every value of `values` (NaN skipped). */
  pushArray(values: ArrayLike<number>): void {
    const n = values.length
    let min = this.#min
    let max = this.#max
    let missing = 0
    for (let i = 0; i < n; i++) {
      const x = values[i]!
      if (x !== x) missing++
      else {
        if (x < min) min = x
        if (x > max) max = x
      }
    }
    this.#min = min
    this.#max = max
    if (missing === 0) {
      this.#addAll(values, 0, n)
      return
    }
    const clean = new Float64Array(n - missing)
    let at = 0
    for (let i = 0; i < n; i++) {
      const x = values[i]!
      if (x === x) clean[at++] = x
    }
    this.#addAll(clean, 0, clean.length)
  }

  /** Add `values[start..end)`, known to hold no NaN (the caller keeps min and max). */
  #addAll(values: ArrayLike<number>, start: number, end: number): void {
    if (end <= start) return
    this.#sorted = null
    let i = start
    while (i < end && !this.#keys) {
      if (this.#size === this.capacity) {
        this.#toSample()
        break
      }
      if (this.#size === this.#values.length) this.#grow(end - i)
      const take = Math.min(end - i, this.#values.length - this.#size)
      for (let j = 0; j < take; j++) this.#values[this.#size + j] = values[i + j]!
      this.#size += take
      this.#n += take
      i += take
    }
    while (i < end) {
      const skip = this.#next - this.#n
      if (skip >= end - i) {
        this.#n += end - i
        return
      }
      i += skip
      this.#n += skip
      if (this.#size === this.#values.length) this.#trim()
      this.#values[this.#size] = values[i]!
      this.#keys![this.#size++] = this.#rng.float() * this.#threshold
      i++
      this.#n++
      this.#schedule()
    }
  }

  #grow(wanted: number): void {
    const size = Math.min(this.capacity, Math.max(this.#values.length * 2, this.#size + wanted))
    const bigger = new Float64Array(size)
    bigger.set(this.#values.subarray(0, this.#size))
    this.#values = bigger
  }

  /** Give every kept value a random key and start sampling. */
  #toSample(): void {
    const values = new Float64Array(2 * this.capacity)
    values.set(this.#values.subarray(0, this.#size))
    const keys = new Float64Array(2 * this.capacity)
    let max = 0
    for (let i = 0; i < this.#size; i++) {
      const k = (keys[i] = this.#rng.float())
      if (k > max) max = k
    }
    this.#values = values
    this.#keys = keys
    this.#threshold = max
    this.#schedule()
  }

  /**
   * Keep the `capacity` smallest keys of the buffer. Candidates pile up between trims (the buffer
   * holds twice the capacity), so each trim is one linear-time selection instead of a heap update
   * per candidate; the threshold only tightens at trims, which admits a few more candidates.
   */
  #trim(): void {
    const keys = this.#keys!
    selectSmallest(keys, this.#values, this.#size, this.capacity)
    this.#size = this.capacity
    let max = 0
    for (let i = 0; i < this.#size; i++) if (keys[i]! > max) max = keys[i]!
    this.#threshold = max
  }

  /** Draw how many values to skip before the next one whose key falls under the threshold. */
  #schedule(): void {
    const w = this.#threshold
    const u = 1 - this.#rng.float()
    const skip = w >= 1 ? 0 : Math.floor(Math.log(u) / Math.log1p(-w))
    this.#next = this.#n + (Number.isFinite(skip) ? skip : Number.MAX_SAFE_INTEGER)
  }

  /** Fold another sketch of the same capacity into this one (the other is not changed). */
  merge(other: QuantileSketch): void {
    if (other.capacity !== this.capacity) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `cannot merge sketches of capacity ${this.capacity} and ${other.capacity}`,
      )
    }
    if (other.#n === 0) return
    if (other.#min < this.#min) this.#min = other.#min
    if (other.#max > this.#max) this.#max = other.#max
    if (!other.#keys) {
      // Replaying exact values is the same as having streamed them here.
      this.#addAll(other.#values, 0, other.#size)
      return
    }
    if (!this.#keys) {
      const mine = this.#values.slice(0, this.#size)
      this.#values = other.#values.slice()
      this.#keys = other.#keys.slice()
      this.#size = other.#size
      this.#n = other.#n
      this.#threshold = other.#threshold
      this.#sorted = null
      this.#schedule()
      // Our exact values enter the other's sample as if streamed after it.
      this.#addAll(mine, 0, mine.length)
      return
    }
    // Both sampled: keep the smallest keys of the union, a uniform sample of all the values.
    const keys = new Float64Array(this.#size + other.#size)
    const values = new Float64Array(this.#size + other.#size)
    keys.set(this.#keys.subarray(0, this.#size))
    keys.set(other.#keys.subarray(0, other.#size), this.#size)
    values.set(this.#values.subarray(0, this.#size))
    values.set(other.#values.subarray(0, other.#size), this.#size)
    const keep = Math.min(this.capacity, keys.length)
    selectSmallest(keys, values, keys.length, keep)
    this.#keys = new Float64Array(2 * this.capacity)
    this.#values = new Float64Array(2 * this.capacity)
    this.#keys.set(keys.subarray(0, keep))
    this.#values.set(values.subarray(0, keep))
    this.#size = keep
    this.#n += other.#n
    let max = 0
    for (let i = 0; i < keep; i++) if (keys[i]! > max) max = keys[i]!
    this.#threshold = max
    this.#sorted = null
    this.#schedule()
  }

  /** The kept values: all of them while exact, else those with the `capacity` smallest keys. */
  #sample(): Float64Array {
    if (!this.#keys || this.#size <= this.capacity) return this.#values.slice(0, this.#size)
    const keys = this.#keys.slice(0, this.#size)
    const values = this.#values.slice(0, this.#size)
    selectSmallest(keys, values, this.#size, this.capacity)
    return values.subarray(0, this.capacity)
  }

  #sortedValues(): Float64Array {
    this.#sorted ??= this.#sample().sort()
    return this.#sorted
  }

  /** The q-quantile (`q` in [0, 1]); `null` when nothing was added. */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) {
      throw new KeelError('INVALID_ARGUMENT', `quantile must be in [0, 1], got ${q}`)
    }
    if (this.#n === 0) return null
    if (q === 0) return this.#min
    if (q === 1) return this.#max
    const a = this.#sortedValues()
    const m = a.length
    const pos = q * (m - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(lo + 1, m - 1)
    const vlo = a[lo]!
    const vhi = a[hi]!
    const t = pos - lo
    if (vlo === vhi) return vlo
    // An infinite neighbour has no meaningful interpolation: take the nearer order statistic.
    if (!Number.isFinite(vlo) || !Number.isFinite(vhi)) return t < 0.5 ? vlo : vhi
    // numpy's lerp, including its switch of end point at t = 0.5 (bit-identical results).
    const diff = vhi - vlo
    return t < 0.5 ? vlo + diff * t : vhi - diff * (1 - t)
  }

  /** Several quantiles at once. */
  quantiles(qs: readonly number[]): (number | null)[] {
    return qs.map((q) => this.quantile(q))
  }

  /** Number of values strictly below `x` (estimated from the sample once sampling). */
  countBelow(x: number): number {
    const a = this.#sortedValues()
    let lo = 0
    let hi = a.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (a[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return this.#keys ? Math.round((lo / a.length) * this.#n) : lo
  }
}

/**
 * Move the `k` entries with the smallest keys to the front of `keys`/`values` (Hoare's selection
 * with a median-of-three pivot: linear time on average, deterministic).
 */
const selectSmallest = (
  keys: Float64Array,
  values: Float64Array,
  size: number,
  k: number,
): void => {
  let lo = 0
  let hi = size - 1
  const target = k - 1
  while (lo < hi) {
    const a = keys[lo]!
    const b = keys[(lo + hi) >>> 1]!
    const c = keys[hi]!
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b
    let i = lo
    let j = hi
    while (i <= j) {
      while (keys[i]! < pivot) i++
      while (keys[j]! > pivot) j--
      if (i <= j) {
        const tk = keys[i]!
        keys[i] = keys[j]!
        keys[j] = tk
        const tv = values[i]!
        values[i] = values[j]!
        values[j] = tv
        i++
        j--
      }
    }
    if (target <= j) hi = j
    else if (target >= i) lo = i
    else return
  }
}
