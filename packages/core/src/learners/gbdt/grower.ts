import type { Rng } from '../../random/index.js'
import type { BinMapper } from './binning.js'
import {
  buildHistogram,
  HIST_STRIDE,
  subtractHistogram,
  type HistogramContext,
} from './histogram.js'
import type { TrainingThreads } from './training-threads.js'
import { partitionRows } from './partition.js'
import { findBestSplit, leafValue, type SplitScratch } from './splitting.js'
import type { Tree } from './tree.js'
import { binTable, canSplit, childStats, Nodes } from './tree-builder.js'
import type { GrowParams, NodeStats, SplitInfo } from './types.js'

/** Everything a fit shares across trees: data, bins and reusable buffers. */
export interface GrowContext {
  readonly hist: HistogramContext
  readonly mapper: BinMapper
  readonly params: GrowParams
  readonly monotone: Int8Array
  readonly splitScratch: SplitScratch
  /** Partition scratch, n rows. */
  readonly scratch: Int32Array
  /** Recycled histogram buffers. */
  readonly pool: Float64Array[]
  /** Training threads that share histogram building and partitioning; absent: this thread. */
  readonly threads?: TrainingThreads
}

/** A leaf's node, its rows (`rows[start..end)` after growth) and its shrunk value. */
export interface LeafRange {
  readonly node: number
  readonly start: number
  readonly end: number
  readonly value: number
  /** Monotone-constraint bounds on the leaf's unshrunk value. */
  readonly lower: number
  readonly upper: number
}

/**
 * Where leaf values go when the grower adds them itself: `raw[row * stride + offset]`. With a sink,
 * a split whose children will not split again is not partitioned at all — one pass over its rows
 * adds the children's values — which saves the deepest level's partition and a second pass.
 */
export interface LeafSink {
  readonly raw: Float64Array
  readonly stride: number
  readonly offset: number
}

/** A grown tree, the leaf ranges of its training rows, and per-node go-left tables over bins. */
export interface GrownTree {
  readonly tree: Tree
  readonly leaves: LeafRange[]
  /** For routing rows by their bins (rows outside the sample): per inner node, bin → 1 if left. */
  readonly binLeft: (Uint8Array | null)[]
}

interface Node {
  readonly id: number
  readonly start: number
  readonly end: number
  readonly depth: number
  readonly stats: NodeStats
  readonly value: number
  hist: Float64Array | null
  split: SplitInfo | null
}

const takeHist = (ctx: GrowContext): Float64Array =>
  ctx.pool.pop() ?? new Float64Array(ctx.hist.totalBins * HIST_STRIDE)

const build = (
  ctx: GrowContext,
  hist: Float64Array,
  features: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  if (ctx.threads) ctx.threads.build(hist, features, rows, start, end, gh)
  else buildHistogram(ctx.hist, hist, features, rows, start, end, gh)
}

const release = (ctx: GrowContext, node: Node): void => {
  if (node.hist) ctx.pool.push(node.hist)
  node.hist = null
}

/** Add the children's values of a terminal split to the raw scores of the node's rows. */
const applySplit = (
  ctx: GrowContext,
  sink: LeafSink,
  rows: Int32Array,
  start: number,
  end: number,
  feature: number,
  table: Uint8Array,
  valueLeft: number,
  valueRight: number,
): void => {
  const { binned, n } = ctx.hist
  const { raw, stride, offset } = sink
  const col = feature * n
  for (let k = start; k < end; k++) {
    const row = rows[k]!
    raw[row * stride + offset]! += table[binned[col + row]!] === 1 ? valueLeft : valueRight
  }
}

/** A seeded subset of the tree's features for one node (all of them at colsampleByNode = 1). */
const nodeCandidates = (features: Int32Array, fraction: number, rng: Rng): Int32Array => {
  if (fraction >= 1) return features
  const k = Math.max(1, Math.round(features.length * fraction))
  const pick = Int32Array.from(features)
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pick.length - i)
    const t = pick[i]!
    pick[i] = pick[j]!
    pick[j] = t
  }
  return pick.subarray(0, k).sort()
}

/**
 * Grow one tree best-first (leaf-wise, as LightGBM and XGBoost's lossguide): always split the leaf
 * with the largest gain, until `maxLeaves` leaves or no leaf can split (depth, size, hessian,
 * gain).
 * Without a leaf limit this grows the same tree as level-wise growth to `maxDepth`.
 *
 * `rows[0..nRows)` are the tree's training rows (sorted); they are permuted in place so each leaf
 * owns a contiguous range. Of two children, only the smaller one's histogram is built from its
 * rows; the larger one's is the parent's minus it, computed in the parent's buffer.
 */
export const growTree = (
  ctx: GrowContext,
  gh: Float32Array,
  rows: Int32Array,
  nRows: number,
  features: Int32Array,
  rng: Rng,
  sink?: LeafSink,
): GrownTree => {
  const p = ctx.params
  const mapper = ctx.mapper
  const nodes = new Nodes()
  const leaves: LeafRange[] = []
  let sumG = 0
  let sumH = 0
  for (let k = 0; k < nRows; k++) {
    const r = rows[k]!
    sumG += gh[2 * r]!
    sumH += gh[2 * r + 1]!
  }
  const rootStats: NodeStats = { sumG, sumH, count: nRows, lower: -Infinity, upper: Infinity }
  const search = (node: Node): void => {
    node.split = findBestSplit(
      node.hist!,
      node.stats,
      nodeCandidates(features, p.colsampleByNode, rng),
      mapper,
      ctx.monotone,
      p,
      ctx.splitScratch,
    )
    if (!node.split) release(ctx, node)
  }
  const rootValue = leafValue(sumG, sumH, p)
  const root: Node = {
    id: nodes.add(rootValue * p.learningRate, sumH),
    start: 0,
    end: nRows,
    depth: 0,
    stats: rootStats,
    value: rootValue,
    hist: null,
    split: null,
  }
  const frontier: Node[] = []
  if (canSplit(p, rootStats, 0)) {
    root.hist = takeHist(ctx)
    build(ctx, root.hist, features, rows, 0, nRows, gh)
    search(root)
  }
  const finished: Node[] = []
  if (root.split) frontier.push(root)
  else finished.push(root)
  let numLeaves = 1
  while (frontier.length > 0 && (p.maxLeaves === 0 || numLeaves < p.maxLeaves)) {
    let bi = 0
    for (let i = 1; i < frontier.length; i++) {
      if (frontier[i]!.split!.gain > frontier[bi]!.split!.gain) bi = i
    }
    const node = frontier[bi]!
    frontier.splice(bi, 1)
    const split = node.split!
    const table = binTable(split, mapper)
    numLeaves++
    const more = p.maxLeaves === 0 || numLeaves < p.maxLeaves
    const [lStats, rStats] = childStats(split, ctx.monotone[split.feature]!)
    const i = node.id
    nodes.setSplit(i, split, table, mapper)
    const make = (stats: NodeStats, value: number, start: number, end: number): Node => ({
      id: nodes.add(value * p.learningRate, stats.sumH),
      start,
      end,
      depth: node.depth + 1,
      stats,
      value,
      hist: null,
      split: null,
    })
    const lNeeds = more && canSplit(p, lStats, node.depth + 1)
    const rNeeds = more && canSplit(p, rStats, node.depth + 1)
    if (!lNeeds && !rNeeds && sink) {
      const vl = split.valueLeft * p.learningRate
      const vr = split.valueRight * p.learningRate
      applySplit(ctx, sink, rows, node.start, node.end, split.feature, table, vl, vr)
      release(ctx, node)
      nodes.left[i] = make(lStats, split.valueLeft, 0, 0).id
      nodes.right[i] = make(rStats, split.valueRight, 0, 0).id
      continue
    }
    const mid = ctx.threads
      ? ctx.threads.partition(rows, node.start, node.end, split.feature, table)
      : partitionRows(
          ctx.hist.binned,
          ctx.hist.n,
          rows,
          ctx.scratch,
          node.start,
          node.end,
          split.feature,
          table,
        )
    const lNode = make(lStats, split.valueLeft, node.start, mid)
    const rNode = make(rStats, split.valueRight, mid, node.end)
    nodes.left[i] = lNode.id
    nodes.right[i] = rNode.id
    if (lNeeds || rNeeds) {
      const [small, large] =
        lNode.end - lNode.start <= rNode.end - rNode.start ? [lNode, rNode] : [rNode, lNode]
      const largeNeeds = large === lNode ? lNeeds : rNeeds
      small.hist = largeNeeds ? takeHist(ctx) : node.hist
      build(ctx, small.hist!, features, rows, small.start, small.end, gh)
      if (largeNeeds) {
        subtractHistogram(node.hist!, small.hist!, ctx.hist.offsets, features)
        large.hist = node.hist
      }
      node.hist = null
      for (const child of [lNode, rNode]) {
        if (child.hist && (child === lNode ? lNeeds : rNeeds)) search(child)
        else release(ctx, child)
        if (child.split) frontier.push(child)
        else finished.push(child)
      }
    } else {
      release(ctx, node)
      finished.push(lNode, rNode)
    }
  }
  for (const node of frontier) {
    release(ctx, node)
    finished.push(node)
  }
  for (const node of finished) {
    if (sink) {
      const v = nodes.value[node.id]!
      const { raw, stride, offset } = sink
      for (let k = node.start; k < node.end; k++) raw[rows[k]! * stride + offset]! += v
      continue
    }
    leaves.push({
      node: node.id,
      start: node.start,
      end: node.end,
      value: nodes.value[node.id]!,
      lower: node.stats.lower,
      upper: node.stats.upper,
    })
  }
  return { tree: nodes.toTree(), leaves, binLeft: nodes.binLeft }
}
