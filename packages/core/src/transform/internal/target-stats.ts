/**
 * The arithmetic of target encoding: per-category statistics of the target and their shrinkage
 * towards the global mean, whole-data and cross-fitted. This follows scikit-learn 1.3+'s
 * TargetEncoder (Micci-Barreca 2001): with `smooth = 'auto'` the weight of a category's own mean is
 * `λ = n·σ² / (n·σ² + s²)` (σ² the target variance, s² the category's within variance — an
 * empirical-Bayes estimate), otherwise the m-estimate `(Σy + m·ȳ) / (n + m)`.
 */

/** `auto` shrinkage or an m-estimate weight m ≥ 0. */
export type Smoothing = 'auto' | number

/**
 * Sufficient statistics per category, accumulated around a shift `s` (the global mean) so that the
 * within-category sum of squares does not cancel catastrophically: `n`, `Σ(y − s)`, `Σ(y − s)²`.
 */
export interface CategoryStats {
  readonly count: Float64Array
  readonly sum: Float64Array
  readonly sumSq: Float64Array
}

/** Accumulate {@link CategoryStats} of `y` over `codes` (−1 rows skipped) into `nGroups × nCats`. */
export const accumulate = (
  codes: Int32Array,
  y: Float64Array,
  nCats: number,
  shift: number,
  group?: Int32Array,
  nGroups = 1,
): CategoryStats => {
  const count = new Float64Array(nGroups * nCats)
  const sum = new Float64Array(nGroups * nCats)
  const sumSq = new Float64Array(nGroups * nCats)
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!
    if (c < 0) continue
    const k = group ? group[i]! * nCats + c : c
    const d = y[i]! - shift
    count[k]!++
    sum[k]! += d
    sumSq[k]! += d * d
  }
  return { count, sum, sumSq }
}

/**
 * Encodings for `nCats` categories from statistics at `offset` (shifted by `shift`), given the mean
 * and population variance of the target over the same rows. A category without rows gets the mean.
 */
export const encodeFromStats = (
  stats: CategoryStats,
  offset: number,
  nCats: number,
  shift: number,
  yMean: number,
  yVar: number,
  smooth: Smoothing,
): Float64Array => {
  const out = new Float64Array(nCats)
  for (let c = 0; c < nCats; c++) {
    const n = stats.count[offset + c]!
    if (n === 0) {
      out[c] = yMean
      continue
    }
    const s1 = stats.sum[offset + c]!
    const mean = shift + s1 / n
    if (smooth === 'auto') {
      const ssd = Math.max(stats.sumSq[offset + c]! - (s1 * s1) / n, 0)
      const lambda = (yVar * n) / (yVar * n + ssd / n)
      out[c] = Number.isNaN(lambda) ? yMean : lambda * mean + (1 - lambda) * yMean
    } else {
      out[c] = n + smooth === 0 ? yMean : (n * mean + smooth * yMean) / (n + smooth)
    }
  }
  return out
}

/** Mean and population variance of `y` (two passes, as NumPy's `mean` and `var`). */
export const meanAndVariance = (y: Float64Array): { mean: number; variance: number } => {
  const n = y.length
  let s = 0
  for (let i = 0; i < n; i++) s += y[i]!
  const mean = s / n
  let ss = 0
  for (let i = 0; i < n; i++) {
    const d = y[i]! - mean
    ss += d * d
  }
  return { mean, variance: ss / n }
}

/** Whole-data encodings of `codes` (categories `0..nCats-1`) for target `y`. */
export const fitEncoding = (
  codes: Int32Array,
  y: Float64Array,
  nCats: number,
  smooth: Smoothing,
): { encodings: Float64Array; mean: number } => {
  const { mean, variance } = meanAndVariance(y)
  const stats = accumulate(codes, y, nCats, mean)
  return { encodings: encodeFromStats(stats, 0, nCats, mean, mean, variance, smooth), mean }
}

/**
 * Out-of-fold encodings: row i gets the encoding learnt on the rows of every other fold, with that
 * fold-complement's own mean and variance (a category absent from the complement gets its mean),
 * as scikit-learn's cross fitting does. One pass accumulates per-(fold, category) statistics and
 * each complement is the total minus its fold, so the cost is O(rows + folds × categories) rather
 * than a pass per fold. Every row must have a category (`codes[i] ≥ 0`).
 */
export const crossFitEncoding = (
  codes: Int32Array,
  y: Float64Array,
  nCats: number,
  folds: Int32Array,
  nFolds: number,
  smooth: Smoothing,
  out: Float64Array,
): Float64Array => {
  const n = y.length
  const { mean: shift } = meanAndVariance(y)
  // One pass: per-(fold, category) shifted sums. Whole-data and per-fold totals are sums of these
  // small tables, and each fold's complement is the whole minus the fold.
  const perFold = accumulate(codes, y, nCats, shift, folds, nFolds)
  const all: CategoryStats = {
    count: new Float64Array(nCats),
    sum: new Float64Array(nCats),
    sumSq: new Float64Array(nCats),
  }
  const foldN = new Float64Array(nFolds)
  const foldS1 = new Float64Array(nFolds)
  const foldS2 = new Float64Array(nFolds)
  for (let f = 0; f < nFolds; f++) {
    for (let c = 0; c < nCats; c++) {
      const k = f * nCats + c
      all.count[c]! += perFold.count[k]!
      all.sum[c]! += perFold.sum[k]!
      all.sumSq[c]! += perFold.sumSq[k]!
      foldN[f]! += perFold.count[k]!
      foldS1[f]! += perFold.sum[k]!
      foldS2[f]! += perFold.sumSq[k]!
    }
  }
  let s1 = 0
  let s2 = 0
  for (let f = 0; f < nFolds; f++) {
    s1 += foldS1[f]!
    s2 += foldS2[f]!
  }
  const tables: Float64Array[] = []
  for (let f = 0; f < nFolds; f++) {
    const m = n - foldN[f]!
    const c1 = s1 - foldS1[f]!
    const mean = shift + c1 / m
    const variance = Math.max((s2 - foldS2[f]! - (c1 * c1) / m) / m, 0)
    const stats: CategoryStats = {
      count: all.count.map((v, c) => v - perFold.count[f * nCats + c]!),
      sum: all.sum.map((v, c) => v - perFold.sum[f * nCats + c]!),
      sumSq: all.sumSq.map((v, c) => v - perFold.sumSq[f * nCats + c]!),
    }
    tables.push(encodeFromStats(stats, 0, nCats, shift, mean, variance, smooth))
  }
  // One flat table so the per-row gather is a single indexed load.
  const flat = new Float64Array(nFolds * nCats)
  tables.forEach((t, f) => flat.set(t, f * nCats))
  for (let i = 0; i < n; i++) out[i] = flat[folds[i]! * nCats + codes[i]!]!
  return out
}
