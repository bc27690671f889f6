import type { Rng } from '../../random/index.js'
import type { AlignedColumn } from '../features.js'
import type { FeatureSpec } from '../protocol.js'

/**
 * How raw feature values map to histogram bins. Each feature has `numBins[f]` value bins
 * `0..numBins[f]-1` and one more, `numBins[f]` itself, for missing values, so a bin fits a byte.
 *
 * Numeric: bin `b` holds values `x` with `edges[b-1] < x <= edges[b]`, so "bin ≤ b" is exactly
 * "x ≤ edges[b]" and a split learned on bins is stored as a float threshold that predicts on raw
 * values without the binner. Categorical: each category seen in the data gets a bin (the rarest
 * share the last one when there are more than `maxBins`); categories absent from the data share
 * the missing bin, so they follow missing values, as unseen categories do at prediction time.
 */
export interface BinMapper {
  readonly numFeatures: number
  readonly categorical: Uint8Array
  readonly numBins: Int32Array
  /** Numeric features: `numBins[f] - 1` increasing edges. Empty for categorical features. */
  readonly edges: readonly Float64Array[]
  /** Categorical features: dictionary code → bin (the missing bin for absent categories). */
  readonly categoryBin: readonly Int32Array[]
  /** Offset of each feature's first bin in a flat histogram; `totalBins` at index numFeatures. */
  readonly offsets: Int32Array
  readonly totalBins: number
}

const sortedSample = (values: Float64Array, sample: Uint32Array | undefined): Float64Array => {
  const n = sample === undefined ? values.length : sample.length
  const out = new Float64Array(n)
  let m = 0
  for (let k = 0; k < n; k++) {
    const v = values[sample === undefined ? k : sample[k]!]!
    if (v === v) out[m++] = v
  }
  return out.subarray(0, m).sort()
}

/** A threshold strictly between a and b, finite whenever one of them is. */
const between = (a: number, b: number): number => {
  const mid = a + (b - a) / 2
  if (Number.isFinite(mid) && mid >= a && mid < b) return mid
  return Number.isFinite(a) ? a : -Number.MAX_VALUE
}

/**
 * Bin edges for one numeric feature from sorted non-missing values: midpoints between distinct
 * values when there are at most `maxBins` of them (every value its own bin, as in scikit-learn and
 * XGBoost), else interpolated quantiles, deduplicated.
 */
export const numericEdges = (sorted: Float64Array, maxBins: number): Float64Array => {
  const distinct: number[] = []
  for (let i = 0; i < sorted.length && distinct.length <= maxBins; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!)
  }
  if (distinct.length <= maxBins) {
    const e = new Float64Array(Math.max(0, distinct.length - 1))
    for (let i = 0; i < e.length; i++) e[i] = between(distinct[i]!, distinct[i + 1]!)
    return e
  }
  const n = sorted.length
  const edges: number[] = []
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(n - 1, lo + 1)
    const frac = pos - lo
    let v = sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac
    // An edge at or above the largest value would leave the last bin empty.
    if (v >= sorted[n - 1]!) continue
    if (!Number.isFinite(v)) v = sorted[lo]!
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v)
  }
  return Float64Array.from(edges)
}

/** Codes of a categorical column → bins, most frequent categories first, ties by code. */
const categoricalBins = (
  codes: Int32Array,
  numCategories: number,
  maxBins: number,
): { map: Int32Array; numBins: number } => {
  const counts = new Float64Array(numCategories)
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!
    if (c >= 0 && c < numCategories) counts[c]!++
  }
  const present: number[] = []
  for (let c = 0; c < numCategories; c++) if (counts[c]! > 0) present.push(c)
  const numBins = Math.max(1, Math.min(present.length, maxBins))
  const map = new Int32Array(numCategories).fill(numBins)
  if (present.length <= maxBins) {
    present.forEach((c, b) => (map[c] = b))
  } else {
    present.sort((a, b) => counts[b]! - counts[a]! || a - b)
    present.forEach((c, k) => (map[c] = Math.min(k, maxBins - 1)))
  }
  return { map, numBins }
}

/**
 * Learn bins from training columns. Numeric edges come from a seeded sample of `sampleSize` rows
 * (all rows when there are fewer), as in scikit-learn; categorical bins count every row.
 */
export const fitBinMapper = (
  columns: readonly AlignedColumn[],
  specs: readonly FeatureSpec[],
  maxBins: number,
  sampleSize: number,
  rng: Rng,
): BinMapper => {
  const n = columns[0]?.length ?? 0
  let sample: Uint32Array | undefined
  if (n > sampleSize) {
    // Floyd's algorithm would avoid the O(n) array; a partial Fisher–Yates is simple and exact.
    const idx = new Uint32Array(n)
    for (let i = 0; i < n; i++) idx[i] = i
    for (let i = 0; i < sampleSize; i++) {
      const j = i + rng.int(n - i)
      const t = idx[i]!
      idx[i] = idx[j]!
      idx[j] = t
    }
    sample = idx.slice(0, sampleSize).sort()
  }
  const F = specs.length
  const categorical = new Uint8Array(F)
  const numBins = new Int32Array(F)
  const edges: Float64Array[] = []
  const categoryBin: Int32Array[] = []
  for (let f = 0; f < F; f++) {
    const spec = specs[f]!
    const col = columns[f]!
    if (spec.kind === 'categorical') {
      const { map, numBins: nb } = categoricalBins(
        col as Int32Array,
        spec.categories.length,
        maxBins,
      )
      categorical[f] = 1
      numBins[f] = nb
      edges.push(new Float64Array(0))
      categoryBin.push(map)
    } else {
      const e = numericEdges(sortedSample(col as Float64Array, sample), maxBins)
      numBins[f] = e.length + 1
      edges.push(e)
      categoryBin.push(new Int32Array(0))
    }
  }
  const offsets = new Int32Array(F + 1)
  for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f]! + numBins[f]! + 1
  return {
    numFeatures: F,
    categorical,
    numBins,
    edges,
    categoryBin,
    offsets,
    totalBins: offsets[F]!,
  }
}

/** Bin of a numeric value: the number of edges below it (binary search); NaN → missing bin. */
export const numericBin = (edges: Float64Array, v: number): number => {
  const m = edges.length
  if (v !== v) return m + 1
  // Branch-free binary search over power-of-two steps: the comparison result feeds the index, so
  // there is no mispredicted branch per step (binning touches every value of the training set).
  let lo = 0
  let step = 1
  while (step * 2 <= m) step *= 2
  for (; step > 0; step >>= 1) {
    const j = lo + step - 1
    if (j < m) lo += edges[j]! < v ? step : 0
  }
  return lo
}

/** Bin every row: a column-major `Uint8Array` (`binned[f * n + i]`). */
export const binColumns = (mapper: BinMapper, columns: readonly AlignedColumn[]): Uint8Array => {
  const F = mapper.numFeatures
  const n = columns[0]?.length ?? 0
  const out = new Uint8Array(F * n)
  for (let f = 0; f < F; f++) {
    const base = f * n
    if (mapper.categorical[f] === 1) {
      const codes = columns[f] as Int32Array
      const map = mapper.categoryBin[f]!
      const missing = mapper.numBins[f]!
      for (let i = 0; i < n; i++) {
        const c = codes[i]!
        out[base + i] = c >= 0 && c < map.length ? map[c]! : missing
      }
    } else {
      const values = columns[f] as Float64Array
      const e = mapper.edges[f]!
      for (let i = 0; i < n; i++) out[base + i] = numericBin(e, values[i]!)
    }
  }
  return out
}
