import { countAtMost, sortFiniteRange, sortSample, type SortedSample } from './sort.js'

/**
 * Sorting a current window with the help of an already sorted reference. A monitor compares
 * window after window against one training sample, and a window usually looks like its
 * reference: mapping each value through the reference's (piecewise-linear) ECDF spreads the
 * window almost evenly over its buckets whatever the shape — skewed, bounded, heavy-tailed in the
 * reference — so one distribution pass and a short insertion sort finish the job, where the
 * linear bucket sort of {@link sortSample} recurses into the crowded buckets of a skewed sample.
 *
 * Correctness never depends on the window resembling the reference: the bucket map is monotone
 * (up to rounding at bucket boundaries), buckets that come out crowded — a drifted window piles
 * up at the reference's ends — are sorted by the general routine, and a final insertion pass over
 * the whole array repairs any order the rounding could have left. The result is the same array
 * `sortSample` returns.
 */

/** Cells of the piecewise-linear ECDF map: enough for a smooth map, small enough to stay cached. */
const GUIDE_CELLS = 4096
/** A reference whose values repeat this often on average is treated as discrete. */
const DISCRETE_REPEATS = 64
/** Buckets larger than this go through the general sort before the final insertion pass. */
const CROWDED = 64

/** The reference's ECDF over equal-width cells spanning its range, for {@link sortGuided}. */
export interface SortGuide {
  /** Smallest and largest reference values; the map clamps values outside them. */
  readonly lo: number
  readonly hi: number
  /** Cells per unit of value: `cells / (hi - lo)`. */
  readonly cellsPerUnit: number
  /** Fraction of the reference below each cell's left end (`cells + 1` entries, last is 1). */
  readonly start: Float64Array
  /** ECDF slope within each cell: the cell's reference fraction per unit of value. */
  readonly slope: Float64Array
  /** Left end of each cell. */
  readonly left: Float64Array
}

/**
 * Build the guide of an ascending, finite, NaN-free sample, or `null` when a guide would not help:
 * values repeated `DISCRETE_REPEATS` times on average (discrete data, which the plain sort handles
 * best) or a range that overflows. Costs one pass to count distinct values and one binary search per cell.
 */
export const sortGuide = (sorted: Float64Array): SortGuide | null => {
  const n = sorted.length
  if (n < 2) return null
  const lo = sorted[0]!
  const hi = sorted[n - 1]!
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return null
  // A reference with few distinct values (a count, a rounded score) puts each value in one
  // bucket of the plain linear sort already, which then has nothing left to do; the map only
  // adds work there.
  const fewDistinct = n / DISCRETE_REPEATS
  let distinct = 1
  for (let i = 1; i < n && distinct <= fewDistinct; i++) if (sorted[i] !== sorted[i - 1]) distinct++
  if (distinct <= fewDistinct) return null
  const cells = GUIDE_CELLS
  const width = (hi - lo) / cells
  const start = new Float64Array(cells + 1)
  const slope = new Float64Array(cells)
  const left = new Float64Array(cells)
  for (let c = 0; c < cells; c++) {
    left[c] = lo + c * width
    start[c] = c === 0 ? 0 : countAtMost(sorted, left[c]!) / n
  }
  start[cells] = 1
  for (let c = 0; c < cells; c++) {
    const right = c + 1 < cells ? left[c + 1]! : hi
    const span = right - left[c]!
    slope[c] = span > 0 ? (start[c + 1]! - start[c]!) / span : 0
  }
  return { lo, hi, cellsPerUnit: cells / (hi - lo), start, slope, left }
}

/**
 * Working buffers kept between calls (grown, never shrunk): a monitor sorts window after window of
 * one size, and allocating ~20 bytes a value each time costs page faults and collections.
 */
let bucketOf = new Int32Array(0)
let bucketEnds = new Int32Array(0)
let bucketPos = new Int32Array(0)
let scratch = new Float64Array(0)
let kept = new Float64Array(0)

/** True when `a[lo, hi)` holds one value (a tied bucket, common in discrete data): nothing to sort. */
const allEqual = (a: Float64Array, lo: number, hi: number): boolean => {
  const x = a[lo]!
  for (let i = lo + 1; i < hi; i++) if (a[i] !== x) return false
  return true
}

const insertionSortAll = (a: Float64Array): void => {
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!
    if (a[i - 1]! <= x) continue
    let j = i - 1
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = x
  }
}

/**
 * Sort the non-missing values of `input` ascending into a new array, NaN dropped and counted —
 * exactly what {@link sortSample} returns — distributing the values through `guide` (built from a
 * reference the input is expected to resemble). Without a guide it is `sortSample`.
 *
 * @example
 * const guide = sortGuide(reference.sorted)
 * const window = sortGuided(currentValues, guide).values
 */
export const sortGuided = (input: ArrayLike<number>, guide: SortGuide | null): SortedSample =>
  sortGuidedTo(input, guide, false)

/**
 * {@link sortGuided} into a buffer this module keeps and reuses: the returned `values` are only
 * valid until the next call. For callers that read the sorted window and drop it (a drift check),
 * sparing a window-sized allocation — page faults and a collection — per call.
 */
export const sortGuidedTransient = (
  input: ArrayLike<number>,
  guide: SortGuide | null,
): SortedSample => sortGuidedTo(input, guide, true)

const sortGuidedTo = (
  input: ArrayLike<number>,
  guide: SortGuide | null,
  transient: boolean,
): SortedSample => {
  const n = input.length
  if (guide === null || n < 2 * CROWDED) return sortSample(input)
  // About two values a bucket: the insertion pass then moves a value at most once or twice.
  let buckets = 16
  while (buckets * 2 < n) buckets *= 2
  if (bucketOf.length < n) bucketOf = new Int32Array(n)
  if (bucketEnds.length < buckets + 1) {
    bucketEnds = new Int32Array(buckets + 1)
    bucketPos = new Int32Array(buckets + 1)
  }
  const ofs = bucketEnds
  ofs.fill(0, 0, buckets + 1)
  const { lo, hi, cellsPerUnit, start, slope, left } = guide
  const topCell = start.length - 2
  const topBucket = buckets - 1
  let missing = 0
  let negInf = 0
  let posInf = 0
  for (let i = 0; i < n; i++) {
    const x = input[i]!
    let b: number
    if (x >= lo && x <= hi) {
      const t = (x - lo) * cellsPerUnit
      const c = t < topCell ? t | 0 : topCell
      const u = (start[c]! + (x - left[c]!) * slope[c]!) * buckets
      b = u <= 0 ? 0 : u < topBucket ? u | 0 : topBucket
    } else if (x !== x) {
      missing++
      b = -1
    } else if (x === Infinity) {
      posInf++
      b = -1
    } else if (x === -Infinity) {
      negInf++
      b = -1
    } else b = x < lo ? 0 : topBucket
    bucketOf[i] = b
    if (b >= 0) ofs[b + 1]!++
  }
  const k = n - missing - negInf - posInf
  let out: Float64Array
  if (transient) {
    if (kept.length < k + negInf + posInf) kept = new Float64Array(k + negInf + posInf)
    out = kept.subarray(0, k + negInf + posInf)
  } else out = new Float64Array(k + negInf + posInf)
  const body = out.subarray(negInf, negInf + k)
  for (let b = 0; b < buckets; b++) ofs[b + 1]! += ofs[b]!
  const pos = bucketPos
  pos.set(ofs.subarray(0, buckets))
  for (let i = 0; i < n; i++) {
    const b = bucketOf[i]!
    if (b >= 0) body[pos[b]!++] = input[i]!
  }
  for (let b = 0; b < buckets; b++) {
    const i0 = ofs[b]!
    const i1 = ofs[b + 1]!
    if (i1 - i0 > CROWDED && !allEqual(body, i0, i1)) {
      if (scratch.length < i1 - i0)
        scratch = new Float64Array(Math.max(i1 - i0, scratch.length * 2))
      sortFiniteRange(body, i0, i1, scratch)
    }
  }
  insertionSortAll(body)
  out.fill(-Infinity, 0, negInf)
  out.fill(Infinity, negInf + k)
  return { values: out, missing }
}
