import type { BinMapper } from '../gbdt/binning.js'
import type { ForestTree } from './forest-tree.js'
import type { GrownStructure } from './grower.js'

/** What the leaves average: per row, its label and its weight in this tree. */
export interface LeafTargets {
  readonly y: Float64Array
  readonly weight: Float64Array
  /** Classes for classification (values are class probabilities), 0 for regression. */
  readonly numClasses: number
  /** Values kept per node: K for multiclass, 1 for binary (the positive class) and regression. */
  readonly numOutputs: number
}

/** Dictionary codes whose bin goes left (categories without a bin follow missing values). */
const leftCodes = (map: Int32Array, leftBins: Uint8Array): Int32Array => {
  const out: number[] = []
  for (let c = 0; c < map.length; c++) if (leftBins[map[c]!] === 1) out.push(c)
  return Int32Array.from(out)
}

/**
 * Turn a grown structure into a {@link ForestTree}. Leaf values are computed here in float64 from
 * the rows each leaf owns — the weighted class shares or the weighted mean label — rather than
 * from the float32 histogram sums that chose the splits, so they are exact. An inner node's value
 * and cover are its children's cover-weighted mean and sum.
 */
export const buildForestTree = (
  g: GrownStructure,
  rows: Int32Array,
  targets: LeafTargets,
  mapper: BinMapper,
): ForestTree => {
  const L = g.feature.length
  const m = targets.numOutputs
  const { y, weight, numClasses } = targets
  const values = new Float64Array(L * m)
  const cover = new Float64Array(L)
  const threshold = new Float64Array(L)
  const categories: (Int32Array | null)[] = new Array<Int32Array | null>(L).fill(null)
  const classW = new Float64Array(Math.max(1, numClasses))
  for (let i = L - 1; i >= 0; i--) {
    const f = g.feature[i]!
    if (f < 0) {
      let w = 0
      let s = 0
      classW.fill(0)
      for (let k = g.start[i]!; k < g.end[i]!; k++) {
        const r = rows[k]!
        const wr = weight[r]!
        w += wr
        if (numClasses > 0) classW[y[r]!]! += wr
        else s += wr * y[r]!
      }
      cover[i] = w
      if (numClasses === 0) values[i] = s / w
      else if (m === 1) values[i] = classW[1]! / w
      else for (let k = 0; k < m; k++) values[i * m + k] = classW[k]! / w
      continue
    }
    const l = g.left[i]!
    const r = g.right[i]!
    const c = cover[l]! + cover[r]!
    cover[i] = c
    for (let k = 0; k < m; k++) {
      values[i * m + k] = (values[l * m + k]! * cover[l]! + values[r * m + k]! * cover[r]!) / c
    }
    const leftBins = g.leftBins[i]
    if (leftBins) categories[i] = leftCodes(mapper.categoryBin[f]!, leftBins)
    else {
      const e = mapper.edges[f]!
      const b = g.binThreshold[i]!
      threshold[i] = b < e.length ? e[b]! : Infinity
    }
  }
  return {
    feature: Int32Array.from(g.feature),
    threshold,
    left: Int32Array.from(g.left),
    right: Int32Array.from(g.right),
    defaultLeft: Uint8Array.from(g.defaultLeft),
    values,
    cover,
    gain: Float64Array.from(g.gain),
    categories,
  }
}

/**
 * Add the tree's values for rows outside its sample (`counts[r] === 0`) into `sum` (m per row)
 * and count them: rows are routed by their bins, which is exactly where their raw values go.
 */
export const addOutOfBag = (
  g: GrownStructure,
  tree: ForestTree,
  counts: Int32Array,
  binned: Uint8Array,
  n: number,
  numBins: Int32Array,
  sum: Float64Array,
  seen: Int32Array,
  m: number,
): void => {
  for (let r = 0; r < n; r++) {
    if (counts[r] !== 0) continue
    let i = 0
    let f = g.feature[0]!
    while (f >= 0) {
      const b = binned[f * n + r]!
      const lb = g.leftBins[i]
      const nb = numBins[f]!
      const left = lb ? lb[b] === 1 : b === nb ? g.defaultLeft[i] === 1 : b <= g.binThreshold[i]!
      i = left ? g.left[i]! : g.right[i]!
      f = g.feature[i]!
    }
    for (let k = 0; k < m; k++) sum[r * m + k]! += tree.values[i * m + k]!
    seen[r]!++
  }
}
