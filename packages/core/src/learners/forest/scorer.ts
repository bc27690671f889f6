import type { BinMapper } from '../gbdt/binning.js'
import { sumsTerm, type NodeSums } from './criterion.js'
import type { Splitter } from './params.js'

/**
 * Split finding for forest trees on the GBDT's histograms. Each of the `m` outputs has its own
 * histogram buffer in the GBDT layout (stride 3 per bin: the output's weighted sum, the weight,
 * the row count), so the GBDT's histogram kernels build them; the weight and count columns are
 * the same in every buffer. Bin `numBins[f]` of a feature holds its missing values.
 */
export interface SplitContext {
  readonly mapper: BinMapper
  readonly hists: readonly Float64Array[]
  readonly classification: boolean
  readonly splitter: Splitter
  readonly minSamplesLeaf: number
  /** Smallest and largest finite training value per numeric feature (extra trees' range ends). */
  readonly lowest: Float64Array
  readonly highest: Float64Array
}

/** The best split of a node found so far; mutable, reused across nodes. */
export class SplitCandidate {
  gain = -Infinity
  feature = -1
  binThreshold = -1
  leftBins: Uint8Array | null = null
  defaultLeft = false
  wL = 0
  cL = 0
  readonly sL: Float64Array

  constructor(m: number) {
    this.sL = new Float64Array(m)
  }

  reset(): void {
    this.gain = -Infinity
    this.feature = -1
    this.leftBins = null
  }

  /** The children's sums of the recorded split of `node`. */
  children(node: NodeSums): [NodeSums, NodeSums] {
    const m = this.sL.length
    const sL: number[] = []
    const sR: number[] = []
    for (let j = 0; j < m; j++) {
      sL.push(this.sL[j]!)
      sR.push(node.s[j]! - this.sL[j]!)
    }
    return [
      { w: this.wL, count: this.cL, s: sL },
      { w: node.w - this.wL, count: node.count - this.cL, s: sR },
    ]
  }
}

/** Per-search scratch: running left sums, the missing bin's sums, category ordering. */
export interface SplitScratch {
  readonly sL: Float64Array
  readonly sMiss: Float64Array
  readonly sTry: Float64Array
  readonly order: Int32Array
  readonly key: Float64Array
}

/** Scratch for `m` outputs (at most 256 bins per feature). */
export const createScratch = (m: number): SplitScratch => ({
  sL: new Float64Array(m),
  sMiss: new Float64Array(m),
  sTry: new Float64Array(m),
  order: new Int32Array(256),
  key: new Float64Array(256),
})

/**
 * Gains at most this share of the children's terms are treated as zero. float32 values carry a
 * relative error of 6e-8, so a real difference of means below ~1e-5 of their distance from the
 * global mean is not resolvable anyway; above it, every split scikit-learn makes is allowed.
 */
const NOISE = 1e-10

/** Scores candidate splits of one node against the node's own term. */
export class Scorer {
  readonly parentTerm: number
  readonly ctx: SplitContext
  readonly node: NodeSums
  /** The histogram buffers holding the features being searched (dense or sparse ones). */
  hists: readonly Float64Array[]

  constructor(ctx: SplitContext, node: NodeSums, hists: readonly Float64Array[]) {
    this.ctx = ctx
    this.node = node
    this.hists = hists
    this.parentTerm = sumsTerm(node.s, node.w, ctx.classification)
  }

  /** Impurity decrease of sending (sL, wL, cL) left, or −Infinity when a child is too small. */
  score(sL: Float64Array, wL: number, cL: number): number {
    const nd = this.node
    const cR = nd.count - cL
    const wR = nd.w - wL
    const min = this.ctx.minSamplesLeaf
    if (cL < min || cR < min || !(wL > 0) || !(wR > 0)) return -Infinity
    const cls = this.ctx.classification
    let tL = 0
    let tR = 0
    let restL = wL
    let restR = wR
    for (let j = 0; j < sL.length; j++) {
      const l = sL[j]!
      const r = nd.s[j]! - l
      tL += l * l
      tR += r * r
      restL -= l
      restR -= r
    }
    if (cls) {
      tL += restL * restL
      tR += restR * restR
    }
    const terms = tL / wL + tR / wR
    const gain = terms - this.parentTerm
    // The gain is a difference of sums of squares from float32 histogram sums: below this share
    // of the terms it is rounding noise (a pure node scores ~1e-16 of them), not a split.
    return gain > NOISE * terms ? gain : -Infinity
  }

  /** Record (sL, wL, cL) in `best` when it beats it. */
  offer(
    best: SplitCandidate,
    sL: Float64Array,
    wL: number,
    cL: number,
    f: number,
    bin: number,
    leftBins: Uint8Array | null,
    defaultLeft: boolean,
  ): boolean {
    const g = this.score(sL, wL, cL)
    if (!(g > best.gain)) return false
    best.gain = g
    best.feature = f
    best.binThreshold = bin
    best.leftBins = leftBins
    best.defaultLeft = defaultLeft
    best.wL = wL
    best.cL = cL
    best.sL.set(sL)
    return true
  }
}

/** Add bin `b` (at histogram offset `at`) of every output to the running sums. */
export const addBin = (
  hists: readonly Float64Array[],
  at: number,
  s: Float64Array,
  sign: number,
): void => {
  for (let j = 0; j < s.length; j++) s[j]! += sign * hists[j]![at]!
}
