import type { Rng } from '../../random/index.js'
import { buildHistogram, type HistogramContext } from '../gbdt/histogram.js'
import type { NodeSums } from './criterion.js'
import { clearSparse, sparseHistogram } from './sparse-histogram.js'
import { randomNumericRows } from './random-threshold.js'
import {
  createScratch,
  Scorer,
  SplitCandidate,
  type SplitContext,
  type SplitScratch,
} from './scorer.js'
import { occupiedBins, searchFeature } from './split.js'

/**
 * Nodes with fewer rows than this take the sparse histogram path (see sparse-histogram.ts): below
 * it, clearing and scanning up to 256 bins per feature costs more than touching the rows.
 */
const SPARSE_ROWS = 256

/** Tree-shape limits of forest trees. */
export interface ForestGrowParams {
  readonly maxDepth: number
  readonly maxLeaves: number
  readonly minSamplesLeaf: number
  readonly minSamplesSplit: number
  /** Features tried per split. */
  readonly mtry: number
  /** A split must decrease the impurity by more than this (absolute, in weight units; ≥ 0). */
  readonly minGain: number
}

/** What every tree of a fit shares: binned data, split context, buffers. */
export interface ForestGrowContext {
  readonly hist: HistogramContext
  readonly split: SplitContext
  readonly params: ForestGrowParams
  /** Partition scratch, n rows. */
  readonly scratch: Int32Array
  /** Feature order for sampling (a permutation of 0..F-1, shuffled in place). */
  readonly perm: Int32Array
  readonly best: SplitCandidate
  readonly splitScratch: SplitScratch
  /** Histogram buffers of the sparse path, all zero between uses. */
  readonly sparse: readonly Float64Array[]
  /** Non-empty bins of the feature being searched. */
  readonly occ: Int32Array
  /** Features of the batch whose histograms are built together. */
  readonly batch: Int32Array
}

/** A fresh growing context (`m` outputs, `F` features, `n` rows). */
export const forestGrowContext = (
  hist: HistogramContext,
  split: SplitContext,
  params: ForestGrowParams,
  m: number,
): ForestGrowContext => {
  const F = split.mapper.numFeatures
  return {
    hist,
    split,
    params,
    scratch: new Int32Array(hist.n),
    perm: Int32Array.from({ length: F }, (_, f) => f),
    best: new SplitCandidate(m),
    splitScratch: createScratch(m),
    sparse: split.hists.map((h) => new Float64Array(h.length)),
    occ: new Int32Array(256),
    batch: new Int32Array(6),
  }
}

/**
 * A grown tree's structure in creation order (children after their parent, root 0), with each
 * leaf's range of `rows` (the tree's rows are permuted so every leaf owns a contiguous range) and
 * each split as bins: `binThreshold` (numeric: bins ≤ it go left) or `leftBins` (categorical:
 * bin → 1 if left), and where the missing bin `numBins[f]` goes (`defaultLeft`; also
 * `leftBins[numBins[f]]`).
 */
export interface GrownStructure {
  readonly feature: number[]
  readonly binThreshold: number[]
  readonly leftBins: (Uint8Array | null)[]
  readonly left: number[]
  readonly right: number[]
  readonly defaultLeft: number[]
  /** Impurity decrease of each split (0 at leaves). */
  readonly gain: number[]
  readonly start: number[]
  readonly end: number[]
}

interface Pending {
  readonly id: number
  readonly depth: number
  readonly sums: NodeSums
  readonly split: Split | null
}

interface Split {
  readonly feature: number
  readonly gain: number
  readonly binThreshold: number
  readonly leftBins: Uint8Array | null
  readonly defaultLeft: boolean
  readonly children: [NodeSums, NodeSums]
}

/**
 * Stable in-place partition of `rows[start..end)` by one split; returns the first index of the
 * right part. Branch-free, as the GBDT's partition: every row is written to both destinations and
 * only the counters depend on the side.
 */
const partition = (
  ctx: ForestGrowContext,
  rows: Int32Array,
  start: number,
  end: number,
  s: Split,
  nb: number,
): number => {
  const { binned, n } = ctx.hist
  const scratch = ctx.scratch
  const col = s.feature * n
  const table = s.leftBins
  const t = s.binThreshold
  const dl = s.defaultLeft ? 1 : 0
  let l = start
  let r = 0
  for (let k = start; k < end; k++) {
    const row = rows[k]!
    const b = binned[col + row]!
    const left = table ? table[b]! : b <= t ? 1 : b === nb ? dl : 0
    rows[l] = row
    scratch[r] = row
    l += left
    r += 1 - left
  }
  for (let k = 0; k < r; k++) rows[l + k] = scratch[k]!
  return l
}

/** Weight, count and sums of `rows[0..nRows)` from the per-output (value, weight) pairs. */
const rootSums = (gh: readonly Float32Array[], rows: Int32Array, nRows: number): NodeSums => {
  const s = new Float64Array(gh.length)
  let w = 0
  const g0 = gh[0]!
  for (let k = 0; k < nRows; k++) w += g0[2 * rows[k]! + 1]!
  for (let j = 0; j < gh.length; j++) {
    const g = gh[j]!
    let t = 0
    for (let k = 0; k < nRows; k++) t += g[2 * rows[k]!]!
    s[j] = t
  }
  return { w, count: nRows, s }
}

/**
 * Find the best split of the node owning `rows[start..end)`: draw candidate features one at a
 * time without replacement (a partial Fisher–Yates shuffle of `perm`), build their histograms a
 * few at a time with the GBDT's kernels, and stop once `mtry` non-constant features were
 * evaluated or none is left. Null when nothing decreases the impurity by more than `minGain`.
 */
const findSplit = (
  ctx: ForestGrowContext,
  gh: readonly Float32Array[],
  rows: Int32Array,
  start: number,
  end: number,
  sums: NodeSums,
  depth: number,
  rng: Rng,
): Split | null => {
  const p = ctx.params
  const count = end - start
  if (p.maxDepth > 0 && depth >= p.maxDepth) return null
  if (count < p.minSamplesSplit || count < 2 * p.minSamplesLeaf) return null
  const { perm, best, split, occ } = ctx
  const scratch = ctx.splitScratch
  const { mapper } = split
  const { binned, n } = ctx.hist
  const randomRows = split.splitter === 'random'
  const sc = new Scorer(split, sums, split.hists)
  const F = perm.length
  best.reset()
  let visited = 0
  let i = 0
  while (visited < p.mtry && i < F) {
    const batch = Math.min(p.mtry - visited, F - i, 6)
    for (let q = i; q < i + batch; q++) {
      const j = q + rng.int(F - q)
      const t = perm[q]!
      perm[q] = perm[j]!
      perm[j] = t
    }
    // Extra trees' numeric splits read the rows directly (a range pass and a sums pass); every
    // other candidate needs a histogram: dense, built a batch at a time, for large nodes.
    const dense = count >= SPARSE_ROWS
    if (dense) {
      let h = 0
      for (let q = i; q < i + batch; q++) {
        const f = perm[q]!
        if (!(randomRows && mapper.categorical[f] === 0)) ctx.batch[h++] = f
      }
      if (h > 0) {
        const features = ctx.batch.subarray(0, h)
        for (let o = 0; o < gh.length; o++) {
          buildHistogram(ctx.hist, split.hists[o]!, features, rows, start, end, gh[o]!)
        }
      }
    }
    for (let q = i; q < i + batch; q++) {
      const f = perm[q]!
      let informative: boolean
      if (randomRows && mapper.categorical[f] === 0) {
        informative = randomNumericRows(sc, best, scratch, f, binned, n, rows, start, end, gh, rng)
      } else if (dense) {
        sc.hists = split.hists
        const k = occupiedBins(split.hists[0]!, mapper, f, occ)
        informative = searchFeature(sc, f, occ, k, best, scratch, rng)
      } else {
        sc.hists = ctx.sparse
        const k = sparseHistogram(binned, n, mapper, f, rows, start, end, gh, ctx.sparse, occ)
        informative = searchFeature(sc, f, occ, k, best, scratch, rng)
        clearSparse(mapper, f, occ, k, ctx.sparse)
      }
      if (informative) visited++
    }
    i += batch
  }
  if (best.feature < 0 || !(best.gain > p.minGain)) return null
  return {
    feature: best.feature,
    gain: best.gain,
    binThreshold: best.binThreshold,
    leftBins: best.leftBins,
    defaultLeft: best.defaultLeft,
    children: best.children(sums),
  }
}

/**
 * Grow one tree on `rows[0..nRows)` (the rows with positive weight in this tree's sample).
 * `gh[j]` holds, per row, the pair (weighted value of output j, weight) as float32.
 *
 * Without `maxLeaves`, nodes are expanded depth-first until they are pure, too small or at
 * `maxDepth` (scikit-learn's default builder); with it, the node whose split decreases the
 * impurity most is expanded next (scikit-learn's best-first builder for `max_leaf_nodes`). A node's
 * split is searched when the node is created, so the generator is read in creation order.
 */
export const growForestTree = (
  ctx: ForestGrowContext,
  gh: readonly Float32Array[],
  rows: Int32Array,
  nRows: number,
  rng: Rng,
): GrownStructure => {
  const p = ctx.params
  const mapper = ctx.split.mapper
  const out: GrownStructure = {
    feature: [],
    binThreshold: [],
    leftBins: [],
    left: [],
    right: [],
    defaultLeft: [],
    gain: [],
    start: [],
    end: [],
  }
  const create = (start: number, end: number, depth: number, sums: NodeSums): Pending => {
    const id = out.feature.length
    out.feature.push(-1)
    out.binThreshold.push(-1)
    out.leftBins.push(null)
    out.left.push(-1)
    out.right.push(-1)
    out.defaultLeft.push(0)
    out.gain.push(0)
    out.start.push(start)
    out.end.push(end)
    return { id, depth, sums, split: findSplit(ctx, gh, rows, start, end, sums, depth, rng) }
  }
  const frontier: Pending[] = []
  const root = create(0, nRows, 0, rootSums(gh, rows, nRows))
  if (root.split) frontier.push(root)
  let leaves = 1
  const bestFirst = p.maxLeaves > 0
  while (frontier.length > 0 && (!bestFirst || leaves < p.maxLeaves)) {
    let at = frontier.length - 1
    if (bestFirst) {
      at = 0
      for (let k = 1; k < frontier.length; k++) {
        if (frontier[k]!.split!.gain > frontier[at]!.split!.gain) at = k
      }
    }
    const node = frontier[at]!
    frontier.splice(at, 1)
    const s = node.split!
    const i = node.id
    const nb = mapper.numBins[s.feature]!
    if (s.leftBins) s.leftBins[nb] = s.defaultLeft ? 1 : 0
    const start = out.start[i]!
    const end = out.end[i]!
    const mid = partition(ctx, rows, start, end, s, nb)
    out.feature[i] = s.feature
    out.binThreshold[i] = s.binThreshold
    out.leftBins[i] = s.leftBins
    out.defaultLeft[i] = s.defaultLeft ? 1 : 0
    out.gain[i] = s.gain
    leaves++
    const l = create(start, mid, node.depth + 1, s.children[0])
    const r = create(mid, end, node.depth + 1, s.children[1])
    out.left[i] = l.id
    out.right[i] = r.id
    // Depth-first pops the last entry: push right first so the left subtree is expanded first.
    if (r.split) frontier.push(r)
    if (l.split) frontier.push(l)
  }
  return out
}
