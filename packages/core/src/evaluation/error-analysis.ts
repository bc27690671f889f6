import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import type { Rng } from '../random/index.js'
import { meanAndStd } from './column-stats.js'
import { candidateConditions, type SliceCandidateOptions } from './conditions.js'
import type { SliceCondition } from './slices.js'

/**
 * Error analysis: cluster the rows a model got wrong and describe each cluster by the conditions
 * most over-represented in it compared with all rows ("late-night flights from small airports").
 * Clustering is a seeded k-means (k-means++ start, Lloyd iterations) on standardised numeric
 * features and one-hot categories.
 */

/** Options for {@link clusterErrors}. */
export interface ErrorAnalysisOptions extends SliceCandidateOptions {
  readonly rng: Rng
  /** Number of clusters; default 4 (fewer when there are fewer error rows). */
  readonly k?: number
  /** Lloyd iterations at most; default 100. */
  readonly maxIterations?: number
  /** Conditions reported per cluster; default 5. */
  readonly topConditions?: number
}

/** A condition's frequency in a cluster against all rows. */
export interface OverRepresentedCondition {
  readonly condition: SliceCondition
  readonly label: string
  /** Share of the cluster's rows that meet the condition. */
  readonly clusterRate: number
  /** Share of all rows that meet it. */
  readonly overallRate: number
  /** `clusterRate / overallRate`. */
  readonly lift: number
}

/** One cluster of errors. */
export interface ErrorCluster {
  readonly id: number
  readonly size: number
  /** Share of all error rows. */
  readonly share: number
  /** Row indices (into the frame) of the cluster's rows, at most 20, as examples. */
  readonly examples: number[]
  readonly conditions: OverRepresentedCondition[]
}

/** The error-analysis result, as plain data. */
export interface ErrorAnalysisReport {
  readonly rows: number
  readonly errors: number
  readonly clusters: ErrorCluster[]
}

/** Encode the chosen columns as a dense standardised matrix (row-major), one row per `rows` entry. */
const encode = (
  frame: Frame,
  rows: number[],
  columns: readonly string[],
  maxCategories: number,
) => {
  const features: ((i: number) => number)[] = []
  for (const name of columns) {
    const col = frame.column(name)
    if (col.kind === 'categorical') {
      const counts = new Map<number, number>()
      for (const c of col.codes) if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1)
      const top = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, maxCategories)
      // 1/√2 per one-hot so two different categories are at distance 1, like one standard deviation.
      for (const [code] of top) features.push((i) => (col.codes[i] === code ? Math.SQRT1_2 : 0))
    } else if (col.kind !== 'text') {
      const v = col.values
      const { mean, std: sd } = meanAndStd(v)
      // Missing → the mean (0 after standardising).
      features.push((i) => (Number.isNaN(v[i]!) || sd === 0 ? 0 : (v[i]! - mean) / sd))
    }
  }
  const d = features.length
  const X = new Float64Array(rows.length * d)
  rows.forEach((r, j) => features.forEach((f, c) => (X[j * d + c] = f(r))))
  return { X, d }
}

const dist2 = (X: Float64Array, d: number, i: number, C: Float64Array, c: number): number => {
  let s = 0
  for (let k = 0; k < d; k++) s += (X[i * d + k]! - C[c * d + k]!) ** 2
  return s
}

/** Seeded k-means; returns the cluster of each point. */
const kMeans = (
  X: Float64Array,
  d: number,
  m: number,
  k: number,
  rng: Rng,
  maxIterations: number,
): Int32Array => {
  const C = new Float64Array(k * d)
  // k-means++: each new centre drawn with probability ∝ squared distance to the nearest centre.
  const first = rng.int(m)
  C.set(X.subarray(first * d, first * d + d), 0)
  const nearest = new Float64Array(m).fill(Infinity)
  for (let c = 1; c < k; c++) {
    let total = 0
    for (let i = 0; i < m; i++) {
      nearest[i] = Math.min(nearest[i]!, dist2(X, d, i, C, c - 1))
      total += nearest[i]!
    }
    let pick = 0
    if (total > 0) {
      let u = rng.float() * total
      while (pick < m - 1 && (u -= nearest[pick]!) > 0) pick++
    } else pick = rng.int(m)
    C.set(X.subarray(pick * d, pick * d + d), c * d)
  }
  const assign = new Int32Array(m).fill(-1)
  for (let iter = 0; iter < maxIterations; iter++) {
    let changed = false
    for (let i = 0; i < m; i++) {
      let best = 0
      let bestD = Infinity
      for (let c = 0; c < k; c++) {
        const dd = dist2(X, d, i, C, c)
        if (dd < bestD) {
          bestD = dd
          best = c
        }
      }
      if (assign[i] !== best) {
        assign[i] = best
        changed = true
      }
    }
    if (!changed) break
    const sums = new Float64Array(k * d)
    const counts = new Int32Array(k)
    for (let i = 0; i < m; i++) {
      const c = assign[i]!
      counts[c]!++
      for (let j = 0; j < d; j++) sums[c * d + j]! += X[i * d + j]!
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue // keep an empty cluster's centre where it was
      for (let j = 0; j < d; j++) C[c * d + j] = sums[c * d + j]! / counts[c]!
    }
  }
  return assign
}

/**
 * Cluster the error rows (`errors[i]` truthy) of `frame` and describe each cluster. `frame` holds the
 * columns to analyse (features and metadata), row-aligned with `errors`.
 */
export const clusterErrors = (
  frame: Frame,
  errors: ArrayLike<number | boolean>,
  options: ErrorAnalysisOptions,
): ErrorAnalysisReport => {
  if (errors.length !== frame.numRows) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `errors has ${errors.length} entries, frame ${frame.numRows} rows`,
    )
  }
  const rows: number[] = []
  for (let i = 0; i < errors.length; i++) if (errors[i]) rows.push(i)
  const n = frame.numRows
  if (rows.length === 0) return { rows: n, errors: 0, clusters: [] }
  const columns =
    options.columns ??
    frame.columnNames.filter((c) => ['numeric', 'boolean', 'categorical'].includes(frame.kindOf(c)))
  const { X, d } = encode(frame, rows, columns, options.maxCategories ?? 20)
  const k = Math.max(1, Math.min(options.k ?? 4, rows.length))
  const assign =
    d === 0
      ? new Int32Array(rows.length)
      : kMeans(X, d, rows.length, k, options.rng, options.maxIterations ?? 100)
  const conditions = candidateConditions(frame, { ...options, columns })
  const top = options.topConditions ?? 5
  const clusters: ErrorCluster[] = []
  for (let c = 0; c < k; c++) {
    const members = rows.filter((_, j) => assign[j] === c)
    if (members.length === 0) continue
    const described = conditions
      .map((cond): OverRepresentedCondition => {
        let inCluster = 0
        for (const r of members) inCluster += cond.mask[r]!
        const clusterRate = inCluster / members.length
        const overallRate = cond.rows / n
        return {
          condition: cond.condition,
          label: cond.label,
          clusterRate,
          overallRate,
          lift: clusterRate / overallRate,
        }
      })
      .filter((o) => o.clusterRate > o.overallRate)
      .sort(
        (a, b) =>
          b.clusterRate - b.overallRate - (a.clusterRate - a.overallRate) || b.lift - a.lift,
      )
      .slice(0, top)
    clusters.push({
      id: c,
      size: members.length,
      share: members.length / rows.length,
      examples: members.slice(0, 20),
      conditions: described,
    })
  }
  clusters.sort((a, b) => b.size - a.size || a.id - b.id)
  return { rows: n, errors: rows.length, clusters: clusters.map((cl, id) => ({ ...cl, id })) }
}
