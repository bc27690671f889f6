/**
 * Sorting numeric samples for the two-sample statistics. KS, Wasserstein and the quantile bins all
 * read sorted arrays, and at a million rows per feature the sort dominates the cost of a drift
 * check: `Float64Array.prototype.sort` takes ~130 ms per million values on a 2-core VM. This
 * distribution (bucket) sort maps values linearly onto buckets, recursing into crowded buckets and
 * finishing with insertion sort, which runs about 3x faster on real-valued data. Heavily skewed or
 * pathological inputs fall back to the native sort after a few levels, so the worst case stays
 * `O(n log n)`.
 */

const INSERTION_MAX = 48
const MAX_DEPTH = 3

const insertionSort = (a: Float64Array, lo: number, hi: number): void => {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i]!
    let j = i - 1
    while (j >= lo && a[j]! > x) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = x
  }
}

/**
 * Sort the finite values `src[lo, hi)` into `dst[lo, hi)`; `src` is used as scratch space.
 * Values are assumed finite (no NaN, no infinities).
 */
const bucketSort = (
  src: Float64Array,
  dst: Float64Array,
  lo: number,
  hi: number,
  depth: number,
): void => {
  const len = hi - lo
  if (len <= INSERTION_MAX) {
    dst.set(src.subarray(lo, hi), lo)
    insertionSort(dst, lo, hi)
    return
  }
  let min = src[lo]!
  let max = min
  for (let i = lo + 1; i < hi; i++) {
    const x = src[i]!
    if (x < min) min = x
    else if (x > max) max = x
  }
  if (min === max || depth > MAX_DEPTH) {
    dst.set(src.subarray(lo, hi), lo)
    if (min !== max) dst.subarray(lo, hi).sort()
    return
  }
  const nb = Math.min(1 << 16, Math.max(16, len >>> 2))
  // Halve before subtracting so that max - min cannot overflow for values near ±1.8e308.
  const half = 0.5 * min
  const scale = nb / (0.5 * max - half)
  const top = nb - 1
  const start = new Int32Array(nb + 1)
  for (let i = lo; i < hi; i++) {
    let b = ((src[i]! * 0.5 - half) * scale) | 0
    if (b > top) b = top
    start[b + 1]!++
  }
  start[0] = lo
  for (let b = 0; b < nb; b++) start[b + 1]! += start[b]!
  const pos = start.slice(0, nb)
  for (let i = lo; i < hi; i++) {
    const x = src[i]!
    let b = ((x * 0.5 - half) * scale) | 0
    if (b > top) b = top
    dst[pos[b]!++] = x
  }
  for (let b = 0; b < nb; b++) {
    const i0 = start[b]!
    const i1 = start[b + 1]!
    const l = i1 - i0
    if (l < 2) continue
    if (l <= INSERTION_MAX) insertionSort(dst, i0, i1)
    else {
      bucketSort(dst, src, i0, i1, depth + 1)
      dst.set(src.subarray(i0, i1), i0)
    }
  }
}

/**
 * Sort the finite values `a[lo, hi)` in place, using `scratch` (at least `hi - lo` long) as
 * working space: the routine {@link sortSample} applies to the whole sample, for callers that
 * sort segments.
 */
export const sortFiniteRange = (
  a: Float64Array,
  lo: number,
  hi: number,
  scratch: Float64Array,
): void => {
  const len = hi - lo
  if (len < 2) return
  const src = scratch.subarray(0, len)
  src.set(a.subarray(lo, hi))
  bucketSort(src, a.subarray(lo, hi), 0, len, 0)
}

/** A sample sorted ascending with its missing values (NaN) removed and counted. */
export interface SortedSample {
  /** Non-missing values in ascending order (infinities included, at the ends). */
  readonly values: Float64Array
  /** How many NaN values the input had. */
  readonly missing: number
}

/**
 * Sort the non-missing values of `input` ascending into a new array; NaN counts as missing and is
 * dropped. The input is never modified. Equal values keep no identity, so stability is moot.
 *
 * @example
 * sortSample(new Float64Array([3, NaN, 1])) // { values: Float64Array [1, 3], missing: 1 }
 */
export const sortSample = (input: ArrayLike<number>): SortedSample => {
  const n = input.length
  const scratch = new Float64Array(n)
  let k = 0
  let negInf = 0
  let posInf = 0
  let missing = 0
  for (let i = 0; i < n; i++) {
    const x = input[i]!
    if (x !== x) missing++
    else if (x === Infinity) posInf++
    else if (x === -Infinity) negInf++
    else scratch[k++] = x
  }
  const out = new Float64Array(k + negInf + posInf)
  const body = new Float64Array(out.buffer, negInf * 8, k)
  if (k > 0) bucketSort(scratch, body, 0, k, 0)
  out.fill(-Infinity, 0, negInf)
  out.fill(Infinity, negInf + k)
  return { values: out, missing }
}

/** True when `a` is ascending with no NaN (the precondition of the `*Sorted` functions). */
export const isSortedAscending = (a: ArrayLike<number>): boolean => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    if (x !== x) return false
    if (i > 0 && a[i - 1]! > x) return false
  }
  return true
}

/** Number of elements of the sorted array `a` that are `<= x` (numpy's `searchsorted(side='right')`). */
export const countAtMost = (a: ArrayLike<number>, x: number): number => {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
