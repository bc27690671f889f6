import type { Rng } from '../../random/index.js'
import type { BinMapper } from '../gbdt/binning.js'
import { HIST_STRIDE } from '../gbdt/histogram.js'
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
    const sR = new Float64Array(m)
    for (let j = 0; j < m; j++) sR[j] = node.s[j]! - this.sL[j]!
    return [
      { w: this.wL, count: this.cL, s: Float64Array.from(this.sL) },
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

/** Scores candidate splits of one node against the node's own term. */
class Scorer {
  readonly parentTerm: number
  readonly ctx: SplitContext
  readonly node: NodeSums

  constructor(ctx: SplitContext, node: NodeSums) {
    this.ctx = ctx
    this.node = node
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
    return tL / wL + tR / wR - this.parentTerm
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
const addBin = (
  hists: readonly Float64Array[],
  at: number,
  s: Float64Array,
  sign: number,
): void => {
  for (let j = 0; j < s.length; j++) s[j]! += sign * hists[j]![at]!
}

/**
 * Best split of a numeric feature: every boundary between non-empty bins, with missing values
 * sent right and (when the node has any) left; without missing values in the node they later go
 * to the larger child.
 */
const scanNumeric = (
  sc: Scorer,
  best: SplitCandidate,
  scratch: SplitScratch,
  f: number,
  base: number,
  nb: number,
): void => {
  const { hists } = sc.ctx
  const h0 = hists[0]!
  const miss = base + nb * HIST_STRIDE
  const wm = h0[miss + 1]!
  const cm = h0[miss + 2]!
  const { sL, sMiss, sTry } = scratch
  sL.fill(0)
  sMiss.fill(0)
  addBin(hists, miss, sMiss, 1)
  let wL = 0
  let cL = 0
  const total = sc.node.count
  const last = cm > 0 ? nb - 1 : nb - 2
  for (let b = 0; b <= last; b++) {
    const at = base + b * HIST_STRIDE
    addBin(hists, at, sL, 1)
    wL += h0[at + 1]!
    cL += h0[at + 2]!
    if (h0[at + 2] === 0 && b < nb - 1) continue
    sc.offer(best, sL, wL, cL, f, b, null, cm > 0 ? false : cL >= total - cL)
    if (cm > 0 && b < nb - 1) {
      for (let j = 0; j < sL.length; j++) sTry[j] = sL[j]! + sMiss[j]!
      sc.offer(best, sTry, wL + wm, cL + cm, f, b, null, true)
    }
  }
}

/** First and last non-empty value bin of a feature in the node (−1, −1 when none). */
const occupied = (h0: Float64Array, base: number, nb: number): [number, number, number] => {
  let lo = -1
  let hi = -1
  let k = 0
  for (let b = 0; b < nb; b++) {
    if (h0[base + b * HIST_STRIDE + 2]! > 0) {
      if (lo < 0) lo = b
      hi = b
      k++
    }
  }
  return [lo, hi, k]
}

/**
 * Extra trees' split of a numeric feature: a threshold drawn uniformly over the node's value range
 * (Geurts et al. 2006), snapped to the first bin edge at or above it. The range is the span of the
 * node's non-empty bins — from the lower edge of the first to the upper edge of the last, the
 * feature's training minimum and maximum closing the end bins — so it matches scikit-learn's draw
 * up to bin resolution. Missing values go to whichever side scores better.
 */
const randomNumeric = (
  sc: Scorer,
  best: SplitCandidate,
  scratch: SplitScratch,
  f: number,
  base: number,
  nb: number,
  lo: number,
  hi: number,
  rng: Rng,
): void => {
  const { hists, mapper } = sc.ctx
  const h0 = hists[0]!
  const miss = base + nb * HIST_STRIDE
  const cm = h0[miss + 2]!
  const { sL, sMiss, sTry } = scratch
  let t: number
  if (lo === hi) {
    // Present values all in one bin: the only split is present vs missing.
    t = nb - 1
  } else {
    const e = mapper.edges[f]!
    const a = lo > 0 ? e[lo - 1]! : sc.ctx.lowest[f]!
    const z = hi < nb - 1 ? e[hi]! : sc.ctx.highest[f]!
    const u = rng.float()
    t = hi - 1
    if (Number.isFinite(z - a) && z > a) {
      const v = a + u * (z - a)
      for (let b = lo; b < hi; b++) {
        if (e[b]! >= v) {
          t = b
          break
        }
      }
    } else {
      t = lo + Math.floor(u * (hi - lo))
    }
  }
  sL.fill(0)
  let wL = 0
  let cL = 0
  for (let b = lo; b <= Math.min(t, nb - 1); b++) {
    const at = base + b * HIST_STRIDE
    addBin(hists, at, sL, 1)
    wL += h0[at + 1]!
    cL += h0[at + 2]!
  }
  sc.offer(best, sL, wL, cL, f, t, null, cm > 0 ? false : cL >= sc.node.count - cL)
  if (cm > 0 && t < nb - 1) {
    sMiss.fill(0)
    addBin(hists, miss, sMiss, 1)
    for (let j = 0; j < sL.length; j++) sTry[j] = sL[j]! + sMiss[j]!
    sc.offer(best, sTry, wL + h0[miss + 1]!, cL + cm, f, t, null, true)
  }
}

/**
 * Ordering key of a category bin: its mean output for regression and binary (which makes the best
 * partition a prefix of the order, Breiman et al. 1984); for multiclass, its share of the node's
 * most frequent class (a heuristic: no ordering is exact there).
 */
const categoryKeys = (sc: Scorer, base: number, bins: Int32Array, m: number, key: Float64Array) => {
  const { hists, classification } = sc.ctx
  const h0 = hists[0]!
  const node = sc.node
  let top = -1
  if (classification && node.s.length > 1) {
    let rest = node.w
    let bestV = -Infinity
    for (let j = 0; j < node.s.length; j++) {
      rest -= node.s[j]!
      if (node.s[j]! > bestV) {
        bestV = node.s[j]!
        top = j
      }
    }
    if (rest > bestV) top = -1
  } else top = 0
  for (let i = 0; i < m; i++) {
    const at = base + bins[i]! * HIST_STRIDE
    const w = h0[at + 1]!
    let v: number
    if (top >= 0) v = hists[top]![at]!
    else {
      v = w
      for (let j = 0; j < hists.length; j++) v -= hists[j]![at]!
    }
    key[bins[i]!] = w > 0 ? v / w : 0
  }
}

/**
 * Categorical split: random forests scan prefixes of the categories ordered by
 * {@link categoryKeys}; extra trees send each category left with probability ½ (at least one on
 * each side). Missing values try both sides; categories absent from the node go right.
 */
const categorical = (
  sc: Scorer,
  best: SplitCandidate,
  scratch: SplitScratch,
  f: number,
  base: number,
  nb: number,
  rng: Rng,
): void => {
  const { hists, splitter } = sc.ctx
  const h0 = hists[0]!
  const { order, key, sL, sMiss, sTry } = scratch
  let m = 0
  for (let b = 0; b < nb; b++) if (h0[base + b * HIST_STRIDE + 2]! > 0) order[m++] = b
  const miss = base + nb * HIST_STRIDE
  const wm = h0[miss + 1]!
  const cm = h0[miss + 2]!
  sMiss.fill(0)
  addBin(hists, miss, sMiss, 1)
  const bins = order.subarray(0, m)
  if (splitter === 'random') {
    const left = new Uint8Array(nb + 1)
    if (m >= 2) {
      let nLeft = 0
      for (let i = 0; i < m; i++) {
        const side = rng.uint32() & 1
        left[bins[i]!] = side
        nLeft += side
      }
      if (nLeft === 0 || nLeft === m) {
        const flip = bins[rng.int(m)]!
        left[flip] = 1 - left[flip]!
      }
    } else left[bins[0]!] = 1
    sL.fill(0)
    let wL = 0
    let cL = 0
    for (let i = 0; i < m; i++) {
      if (left[bins[i]!] === 0) continue
      const at = base + bins[i]! * HIST_STRIDE
      addBin(hists, at, sL, 1)
      wL += h0[at + 1]!
      cL += h0[at + 2]!
    }
    if (m >= 2) sc.offer(best, sL, wL, cL, f, -1, left, cm > 0 ? false : cL >= sc.node.count - cL)
    if (cm > 0) {
      for (let j = 0; j < sL.length; j++) sTry[j] = sL[j]! + sMiss[j]!
      if (m >= 2) sc.offer(best, sTry, wL + wm, cL + cm, f, -1, left, true)
      else sc.offer(best, sL, wL, cL, f, -1, left, false)
    }
    return
  }
  categoryKeys(sc, base, bins, m, key)
  bins.sort((a, b) => key[a]! - key[b]! || a - b)
  sL.fill(0)
  let wL = 0
  let cL = 0
  let bestK = -1
  let bestMissLeft = false
  const last = cm > 0 ? m : m - 1
  for (let k = 1; k <= last; k++) {
    const at = base + bins[k - 1]! * HIST_STRIDE
    addBin(hists, at, sL, 1)
    wL += h0[at + 1]!
    cL += h0[at + 2]!
    const defaultLeft = cm > 0 ? false : cL >= sc.node.count - cL
    if (sc.offer(best, sL, wL, cL, f, -1, null, defaultLeft)) {
      bestK = k
      bestMissLeft = defaultLeft
    }
    if (cm > 0 && k < m) {
      for (let j = 0; j < sL.length; j++) sTry[j] = sL[j]! + sMiss[j]!
      if (sc.offer(best, sTry, wL + wm, cL + cm, f, -1, null, true)) {
        bestK = k
        bestMissLeft = true
      }
    }
  }
  if (bestK < 0 || best.feature !== f) return
  const left = new Uint8Array(nb + 1)
  for (let k = 0; k < bestK; k++) left[bins[k]!] = 1
  best.leftBins = left
  best.defaultLeft = bestMissLeft
}

/**
 * Evaluate the candidate features `features` of a node whose histograms are built, updating
 * `best`; returns how many of them were not constant in the node (constant features do not count
 * toward `maxFeatures`, as in scikit-learn). Ties keep the earlier candidate.
 */
export const searchFeatures = (
  ctx: SplitContext,
  node: NodeSums,
  features: Int32Array,
  best: SplitCandidate,
  scratch: SplitScratch,
  rng: Rng,
): number => {
  const sc = new Scorer(ctx, node)
  const { mapper } = ctx
  const h0 = ctx.hists[0]!
  let informative = 0
  for (let i = 0; i < features.length; i++) {
    const f = features[i]!
    const base = mapper.offsets[f]! * HIST_STRIDE
    const nb = mapper.numBins[f]!
    const [lo, hi, k] = occupied(h0, base, nb)
    const cm = h0[base + nb * HIST_STRIDE + 2]!
    if (k + (cm > 0 ? 1 : 0) <= 1) continue
    informative++
    if (mapper.categorical[f] === 1) categorical(sc, best, scratch, f, base, nb, rng)
    else if (ctx.splitter === 'random') randomNumeric(sc, best, scratch, f, base, nb, lo, hi, rng)
    else scanNumeric(sc, best, scratch, f, base, nb)
  }
  return informative
}
