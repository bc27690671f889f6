import { accumulate, kernelWidth } from './histogram-kernels.js'

/**
 * Gradient histograms: for every (feature, bin), the sums of gradients and hessians and the row
 * count of a node's rows. One flat `Float64Array` per node with stride {@link HIST_STRIDE}:
 * `hist[(offsets[f] + bin) * 3 + 0|1|2]` = gradient sum | hessian sum | count.
 *
 * This is the training hot loop. Features are processed several per pass over the node's rows
 * (hand-unrolled kernels in histogram-kernels.ts): the per-row work of a pass — the row index, the
 * gradient pair, the loop — costs more than one histogram update, and independent update chains
 * let the CPU overlap them (consecutive rows often hit the same bin of one feature).
 */
export const HIST_STRIDE = 3

/** Shared inputs of every histogram build of one fit. */
export interface HistogramContext {
  /** Column-major bins, `binned[f * n + i]`. */
  readonly binned: Uint8Array
  readonly n: number
  /** Bin offsets per feature (see BinMapper.offsets). */
  readonly offsets: Int32Array
  readonly totalBins: number
  /** Scratch for a kernel's column bases and histogram offsets. */
  readonly cols: Int32Array
  readonly bases: Int32Array
}

/** A histogram context for column-major bins of `n` rows. */
export const histogramContext = (
  binned: Uint8Array,
  n: number,
  offsets: Int32Array,
  totalBins: number,
): HistogramContext => ({
  binned,
  n,
  offsets,
  totalBins,
  cols: new Int32Array(6),
  bases: new Int32Array(6),
})

/**
 * Histogram of the rows `rows[start..end)` over `features` into `hist` (only those features'
 * bins are written). `gh` holds float32 (gradient, hessian) pairs by row, as XGBoost's gradient
 * pairs: half the memory traffic of float64, while the sums stay float64.
 */
export const buildHistogram = (
  ctx: HistogramContext,
  hist: Float64Array,
  features: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  const { binned, n, offsets, cols, bases } = ctx
  const nf = features.length
  for (let fi = 0; fi < nf; fi++) {
    const f = features[fi]!
    hist.fill(0, offsets[f]! * HIST_STRIDE, offsets[f + 1]! * HIST_STRIDE)
  }
  for (let fi = 0; fi < nf;) {
    const width = kernelWidth(nf - fi)
    for (let q = 0; q < width; q++) {
      const f = features[fi + q]!
      cols[q] = f * n
      bases[q] = offsets[f]! * HIST_STRIDE
    }
    accumulate(width, hist, binned, cols, bases, rows, start, end, gh)
    fi += width
  }
}

/**
 * The subtraction trick: `parent -= child` over `features`, turning the parent's histogram into
 * the sibling's without touching its rows.
 */
export const subtractHistogram = (
  parent: Float64Array,
  child: Float64Array,
  offsets: Int32Array,
  features: Int32Array,
): void => {
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!
    const hi = offsets[f + 1]! * HIST_STRIDE
    for (let j = offsets[f]! * HIST_STRIDE; j < hi; j++) parent[j]! -= child[j]!
  }
}
