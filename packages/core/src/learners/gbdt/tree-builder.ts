import type { BinMapper } from './binning.js'
import type { Tree } from './tree.js'
import type { GrowParams, NodeStats, SplitInfo } from './types.js'

/**
 * Grow-time node storage; converted to a {@link Tree} at the end. Node ids are creation order
 * (children after their parent), which is the order the serialized tree keeps.
 */
export class Nodes {
  feature: number[] = []
  threshold: number[] = []
  left: number[] = []
  right: number[] = []
  defaultLeft: number[] = []
  value: number[] = []
  cover: number[] = []
  gain: number[] = []
  categories: (Int32Array | null)[] = []
  binLeft: (Uint8Array | null)[] = []

  /** A new leaf holding `value` (already shrunk); returns its id. */
  add(value: number, cover: number): number {
    const id = this.feature.length
    this.feature.push(-1)
    this.threshold.push(0)
    this.left.push(-1)
    this.right.push(-1)
    this.defaultLeft.push(0)
    this.value.push(value)
    this.cover.push(cover)
    this.gain.push(0)
    this.categories.push(null)
    this.binLeft.push(null)
    return id
  }

  /** Turn leaf `i` into an inner node splitting by `split` (children are set by the caller). */
  setSplit(i: number, split: SplitInfo, table: Uint8Array, mapper: BinMapper): void {
    this.feature[i] = split.feature
    this.defaultLeft[i] = split.defaultLeft ? 1 : 0
    this.gain[i] = split.gain
    this.binLeft[i] = table
    if (split.leftBins) {
      this.categories[i] = leftCodes(split, mapper, table)
    } else {
      const e = mapper.edges[split.feature]!
      this.threshold[i] = split.binThreshold < e.length ? e[split.binThreshold]! : Infinity
    }
  }

  toTree(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      value: Float64Array.from(this.value),
      cover: Float64Array.from(this.cover),
      gain: Float64Array.from(this.gain),
      categories: this.categories,
    }
  }
}

/** Bin → go-left table of a split (missing bin included), 256 entries. */
export const binTable = (split: SplitInfo, mapper: BinMapper): Uint8Array => {
  const f = split.feature
  const nb = mapper.numBins[f]!
  const t = new Uint8Array(256)
  if (split.leftBins) t.set(split.leftBins)
  else t.fill(1, 0, split.binThreshold + 1)
  t[nb] = split.defaultLeft ? 1 : 0
  return t
}

/** Dictionary codes that go left for a categorical split (absent categories follow missing). */
const leftCodes = (split: SplitInfo, mapper: BinMapper, table: Uint8Array): Int32Array => {
  const map = mapper.categoryBin[split.feature]!
  const out: number[] = []
  for (let c = 0; c < map.length; c++) if (table[map[c]!] === 1) out.push(c)
  return Int32Array.from(out)
}

/**
 * The children's stats of a split; on a monotone feature their value bounds meet at the midpoint
 * of the two values, so every later split keeps the order.
 */
export const childStats = (split: SplitInfo, mono: number): [NodeStats, NodeStats] => {
  const l = split.left
  const r = split.right
  if (mono === 0) return [l, r]
  const m = (split.valueLeft + split.valueRight) / 2
  return mono > 0
    ? [
        { ...l, upper: Math.min(l.upper, m) },
        { ...r, lower: Math.max(r.lower, m) },
      ]
    : [
        { ...l, lower: Math.max(l.lower, m) },
        { ...r, upper: Math.min(r.upper, m) },
      ]
}

/** Whether a node at `depth` with stats `s` may split at all (before looking at its histogram). */
export const canSplit = (p: GrowParams, s: NodeStats, depth: number): boolean =>
  (p.maxDepth === 0 || depth < p.maxDepth) &&
  s.count >= 2 * p.minSamplesLeaf &&
  s.sumH >= 2 * p.minHessianLeaf
