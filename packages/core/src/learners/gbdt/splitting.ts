import type { BinMapper } from './binning.js'
import { HIST_STRIDE } from './histogram.js'
import type { NodeStats, SplitInfo, SplitParams } from './types.js'

/** Soft-thresholding of a gradient sum by the L1 penalty. */
const shrinkL1 = (g: number, alpha: number): number =>
  g > alpha ? g - alpha : g < -alpha ? g + alpha : 0

/** The regularised Newton leaf value −T(G)/(H + λ), clamped to [lower, upper]. */
export const leafValue = (
  g: number,
  h: number,
  p: SplitParams,
  lower = -Infinity,
  upper = Infinity,
): number => {
  const w = -shrinkL1(g, p.alpha) / (h + p.lambda)
  return w < lower ? lower : w > upper ? upper : w
}

/** Gain of a leaf holding value w: −(2·T(G)·w + (H + λ)·w²); equals T(G)²/(H+λ) at the optimum. */
const gainAt = (g: number, h: number, w: number, p: SplitParams): number =>
  -(2 * shrinkL1(g, p.alpha) * w + (h + p.lambda) * w * w)

/** Gain of a leaf at its unconstrained optimum. */
const gainFree = (g: number, h: number, p: SplitParams): number => {
  const t = shrinkL1(g, p.alpha)
  return (t * t) / (h + p.lambda)
}

/** Mutable best-so-far of one node's search. */
class Best {
  gain = -Infinity
  feature = -1
  binThreshold = -1
  leftBins: Uint8Array | null = null
  defaultLeft = false
  gL = 0
  hL = 0
  cL = 0
}

/**
 * Scores candidate splits. `monotone[f]` is +1/−1/0; `bounded` means the node has finite value
 * bounds, in which case gains are computed at the clamped leaf values (XGBoost's method).
 */
class Scorer {
  readonly p: SplitParams
  readonly node: NodeStats
  readonly parentGain: number
  readonly bounded: boolean
  constructor(p: SplitParams, node: NodeStats) {
    this.p = p
    this.node = node
    this.bounded = node.lower > -Infinity || node.upper < Infinity
    this.parentGain = this.bounded
      ? gainAt(node.sumG, node.sumH, leafValue(node.sumG, node.sumH, p, node.lower, node.upper), p)
      : gainFree(node.sumG, node.sumH, p)
  }

  /** Gain of sending (gL, hL, cL) left and the rest right, or −Infinity when not allowed. */
  score(gL: number, hL: number, cL: number, mono: number): number {
    const p = this.p
    const nd = this.node
    const cR = nd.count - cL
    const hR = nd.sumH - hL
    if (cL < p.minSamplesLeaf || cR < p.minSamplesLeaf) return -Infinity
    if (hL < p.minHessianLeaf || hR < p.minHessianLeaf) return -Infinity
    if (!(hL + p.lambda > 0 && hR + p.lambda > 0)) return -Infinity
    const gR = nd.sumG - gL
    if (mono === 0 && !this.bounded)
      return gainFree(gL, hL, p) + gainFree(gR, hR, p) - this.parentGain
    const wL = leafValue(gL, hL, p, nd.lower, nd.upper)
    const wR = leafValue(gR, hR, p, nd.lower, nd.upper)
    if ((mono > 0 && wL > wR) || (mono < 0 && wL < wR)) return -Infinity
    return gainAt(gL, hL, wL, p) + gainAt(gR, hR, wR, p) - this.parentGain
  }
}

const scanNumeric = (
  s: Scorer,
  best: Best,
  hist: Float64Array,
  base: number,
  nb: number,
  f: number,
  mono: number,
): void => {
  const miss = base + nb * HIST_STRIDE
  const gm = hist[miss]!
  const hm = hist[miss + 1]!
  const cm = hist[miss + 2]!
  let gL = 0
  let hL = 0
  let cL = 0
  // Without missing values in the node, missing values at prediction time follow the larger child.
  const last = cm > 0 ? nb - 1 : nb - 2
  for (let b = 0; b <= last; b++) {
    const j = base + b * HIST_STRIDE
    gL += hist[j]!
    hL += hist[j + 1]!
    cL += hist[j + 2]!
    if (hist[j + 2] === 0 && b < nb - 1) continue
    const right = s.score(gL, hL, cL, mono)
    if (right > best.gain) {
      best.gain = right
      best.feature = f
      best.binThreshold = b
      best.leftBins = null
      best.defaultLeft = cm > 0 ? false : cL >= s.node.count - cL
      best.gL = gL
      best.hL = hL
      best.cL = cL
    }
    if (cm > 0 && b < nb - 1) {
      const left = s.score(gL + gm, hL + hm, cL + cm, mono)
      if (left > best.gain) {
        best.gain = left
        best.feature = f
        best.binThreshold = b
        best.leftBins = null
        best.defaultLeft = true
        best.gL = gL + gm
        best.hL = hL + hm
        best.cL = cL + cm
      }
    }
  }
}

/**
 * Many-vs-many categorical split (LightGBM / XGBoost partition method): order the node's categories
 * by smoothed gradient ratio G/(H + catSmooth), which makes the best partition a prefix of that
 * order, and scan the prefixes with missing values on either side.
 */
const scanCategorical = (
  s: Scorer,
  best: Best,
  hist: Float64Array,
  base: number,
  nb: number,
  f: number,
  order: Int32Array,
  ratio: Float64Array,
): void => {
  const smooth = s.p.catSmooth
  let m = 0
  for (let b = 0; b < nb; b++) {
    const j = base + b * HIST_STRIDE
    if (hist[j + 2]! > 0) {
      order[m++] = b
      ratio[b] = hist[j]! / (hist[j + 1]! + smooth)
    }
  }
  const sorted = order.subarray(0, m).sort((a, b) => ratio[a]! - ratio[b]! || a - b)
  const miss = base + nb * HIST_STRIDE
  const gm = hist[miss]!
  const hm = hist[miss + 1]!
  const cm = hist[miss + 2]!
  let gL = 0
  let hL = 0
  let cL = 0
  let bestK = -1
  let bestDefaultLeft = false
  let bestGain = best.gain
  let bG = 0
  let bH = 0
  let bC = 0
  const last = cm > 0 ? m : m - 1
  for (let k = 1; k <= last; k++) {
    const j = base + sorted[k - 1]! * HIST_STRIDE
    gL += hist[j]!
    hL += hist[j + 1]!
    cL += hist[j + 2]!
    const right = s.score(gL, hL, cL, 0)
    if (right > bestGain) {
      bestGain = right
      bestK = k
      bestDefaultLeft = cm > 0 ? false : cL >= s.node.count - cL
      bG = gL
      bH = hL
      bC = cL
    }
    if (cm > 0 && k < m) {
      const left = s.score(gL + gm, hL + hm, cL + cm, 0)
      if (left > bestGain) {
        bestGain = left
        bestK = k
        bestDefaultLeft = true
        bG = gL + gm
        bH = hL + hm
        bC = cL + cm
      }
    }
  }
  if (bestK < 0) return
  const leftBins = new Uint8Array(nb + 1)
  for (let k = 0; k < bestK; k++) leftBins[sorted[k]!] = 1
  best.gain = bestGain
  best.feature = f
  best.binThreshold = -1
  best.leftBins = leftBins
  best.defaultLeft = bestDefaultLeft
  best.gL = bG
  best.hL = bH
  best.cL = bC
}

/** Scratch arrays for categorical ordering, reused across nodes. */
export interface SplitScratch {
  readonly order: Int32Array
  readonly ratio: Float64Array
}

/** Allocate split-finding scratch (bins never exceed 256 per feature). */
export const createSplitScratch = (): SplitScratch => ({
  order: new Int32Array(256),
  ratio: new Float64Array(256),
})

/**
 * The best split of a node over `candidates` from its histogram, or null when no split gains more
 * than `minSplitGain` under the leaf-size, hessian and monotone constraints. Ties keep the first
 * candidate in feature then bin order, so results do not depend on anything but the data.
 */
export const findBestSplit = (
  hist: Float64Array,
  node: NodeStats,
  candidates: Int32Array,
  mapper: BinMapper,
  monotone: Int8Array,
  p: SplitParams,
  scratch: SplitScratch,
): SplitInfo | null => {
  const s = new Scorer(p, node)
  const best = new Best()
  for (let fi = 0; fi < candidates.length; fi++) {
    const f = candidates[fi]!
    const base = mapper.offsets[f]! * HIST_STRIDE
    const nb = mapper.numBins[f]!
    if (mapper.categorical[f] === 1) {
      scanCategorical(s, best, hist, base, nb, f, scratch.order, scratch.ratio)
    } else {
      scanNumeric(s, best, hist, base, nb, f, monotone[f]!)
    }
  }
  if (best.feature < 0 || !(best.gain > p.minSplitGain) || !(best.gain > 1e-12)) return null
  const left: NodeStats = {
    sumG: best.gL,
    sumH: best.hL,
    count: best.cL,
    lower: node.lower,
    upper: node.upper,
  }
  const right: NodeStats = {
    sumG: node.sumG - best.gL,
    sumH: node.sumH - best.hL,
    count: node.count - best.cL,
    lower: node.lower,
    upper: node.upper,
  }
  return {
    gain: best.gain,
    feature: best.feature,
    binThreshold: best.binThreshold,
    leftBins: best.leftBins,
    defaultLeft: best.defaultLeft,
    left,
    right,
    valueLeft: leafValue(left.sumG, left.sumH, p, node.lower, node.upper),
    valueRight: leafValue(right.sumG, right.sumH, p, node.lower, node.upper),
  }
}
