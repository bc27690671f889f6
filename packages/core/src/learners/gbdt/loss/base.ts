import type { GbdtParams } from '../params.js'

/** An objective after `auto` is resolved for the task. */
export type ResolvedObjective = Exclude<GbdtParams['objective'], 'auto'>

/**
 * A twice-differentiable loss on raw scores. Layouts: `raw` is row-major n × K (as `predictRaw`
 * returns it); gradients are (gradient, hessian) pairs, class-major — `gh[2 (k n + i)]` and
 * `gh[2 (k n + i) + 1]` — so each class's tree reads one contiguous slice and a row's pair shares
 * a cache line. They are float32, as in XGBoost: the histogram kernel moves half the bytes and
 * sums are accumulated in float64.
 */
export interface Loss {
  readonly objective: ResolvedObjective
  /** Raw outputs per row: K for softmax, 1 otherwise. */
  readonly numOutputs: number
  /** The best constant raw score per output (the ensemble's starting point). */
  baseScore(y: Float64Array, w: Float64Array | undefined): Float64Array
  /** Fill weighted first and second derivatives of the loss at `raw`. */
  gradients(y: Float64Array, raw: Float64Array, w: Float64Array | undefined, gh: Float32Array): void
  /**
   * Losses whose Newton step is a poor leaf value (L1: the hessian carries no scale) give the
   * optimal raw leaf value for the rows `rows[start..end)` instead.
   */
  refitLeaf?(
    rows: Int32Array,
    start: number,
    end: number,
    y: Float64Array,
    raw: Float64Array,
    w: Float64Array | undefined,
  ): number
}

/** Weighted mean of `y` (weights absent = 1). */
export const weightedMean = (y: Float64Array, w: Float64Array | undefined): number => {
  let s = 0
  let sw = 0
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i]!
    s += wi * y[i]!
    sw += wi
  }
  return s / sw
}

/**
 * Weighted median of `values` (lower median: the first value whose cumulative weight reaches half
 * the total), the optimal constant under L1.
 */
export const weightedMedian = (values: Float64Array, weights: Float64Array | undefined): number => {
  const n = values.length
  if (n === 0) return 0
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => values[a]! - values[b]! || a - b)
  let total = 0
  for (let i = 0; i < n; i++) total += weights === undefined ? 1 : weights[i]!
  let acc = 0
  for (let k = 0; k < n; k++) {
    const i = order[k]!
    acc += weights === undefined ? 1 : weights[i]!
    if (acc >= total / 2) return values[i]!
  }
  return values[order[n - 1]!]!
}
