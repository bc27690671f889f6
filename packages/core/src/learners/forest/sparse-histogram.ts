import type { BinMapper } from '../gbdt/binning.js'
import { HIST_STRIDE } from '../gbdt/histogram.js'

/**
 * Histograms of small nodes. A dense histogram costs O(bins) per feature to clear and scan however
 * few rows the node has, which dominates deep forest trees (most nodes hold a handful of rows and
 * a feature has up to 256 bins). Here one feature's rows are added to buffers that are kept all
 * zero between uses, the bins they touch are listed, and only those are scanned and cleared
 * afterwards: O(rows + touched · log touched).
 *
 * Buffers use the dense layout (see split.ts); the weight and count slots are kept in output 0's
 * buffer only, which is where split finding reads them.
 */
export const sparseHistogram = (
  binned: Uint8Array,
  n: number,
  mapper: BinMapper,
  f: number,
  rows: Int32Array,
  start: number,
  end: number,
  gh: readonly Float32Array[],
  hists: readonly Float64Array[],
  occ: Int32Array,
): number => {
  const col = f * n
  const base = mapper.offsets[f]! * HIST_STRIDE
  const nb = mapper.numBins[f]!
  const h0 = hists[0]!
  const g0 = gh[0]!
  let k = 0
  for (let i = start; i < end; i++) {
    const r = rows[i]!
    const b = binned[col + r]!
    const j = base + b * HIST_STRIDE
    if (h0[j + 2] === 0 && b < nb) occ[k++] = b
    h0[j]! += g0[2 * r]!
    h0[j + 1]! += g0[2 * r + 1]!
    h0[j + 2]! += 1
  }
  for (let o = 1; o < gh.length; o++) {
    const h = hists[o]!
    const g = gh[o]!
    for (let i = start; i < end; i++) {
      const r = rows[i]!
      h[base + binned[col + r]! * HIST_STRIDE]! += g[2 * r]!
    }
  }
  sortSmall(occ, k)
  return k
}

/** Sort in place: insertion sort for the few bins of a small node, the builtin sort above 32. */
const sortSmall = (a: Int32Array, k: number): void => {
  if (k > 32) {
    a.subarray(0, k).sort()
    return
  }
  for (let i = 1; i < k; i++) {
    const v = a[i]!
    let j = i - 1
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = v
  }
}

/** Zero the bins a {@link sparseHistogram} call touched (its listed bins and the missing bin). */
export const clearSparse = (
  mapper: BinMapper,
  f: number,
  occ: Int32Array,
  k: number,
  hists: readonly Float64Array[],
): void => {
  const base = mapper.offsets[f]! * HIST_STRIDE
  const miss = base + mapper.numBins[f]! * HIST_STRIDE
  for (const h of hists) {
    for (let i = 0; i < k; i++) {
      const j = base + occ[i]! * HIST_STRIDE
      h[j] = 0
      h[j + 1] = 0
      h[j + 2] = 0
    }
    h[miss] = 0
    h[miss + 1] = 0
    h[miss + 2] = 0
  }
}
