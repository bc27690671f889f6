import type { Rng } from '../../random/index.js'
import { HIST_STRIDE } from '../gbdt/histogram.js'
import {
  addBin,
  type Scorer,
  type SplitCandidate,
  type SplitContext,
  type SplitScratch,
} from './scorer.js'

/**
 * Best split of a numeric feature: every boundary between the node's non-empty bins `occ`, with
 * missing values sent right and (when the node has any) left, plus present vs missing; without
 * missing values in the node they later go to the larger child.
 */
const scanNumeric = (
  sc: Scorer,
  best: SplitCandidate,
  scratch: SplitScratch,
  f: number,
  base: number,
  nb: number,
  occ: Int32Array,
  k: number,
): void => {
  const { hists } = sc
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
  for (let i = 0; i < k; i++) {
    const b = occ[i]!
    const at = base + b * HIST_STRIDE
    addBin(hists, at, sL, 1)
    wL += h0[at + 1]!
    cL += h0[at + 2]!
    if (i === k - 1) {
      // All present values left: only a split when there are missing values to send right.
      if (cm > 0) sc.offer(best, sL, wL, cL, f, nb - 1, null, false)
      break
    }
    sc.offer(best, sL, wL, cL, f, b, null, cm > 0 ? false : cL >= total - cL)
    if (cm > 0) {
      for (let j = 0; j < sL.length; j++) sTry[j] = sL[j]! + sMiss[j]!
      sc.offer(best, sTry, wL + wm, cL + cm, f, b, null, true)
    }
  }
}

/**
 * Ordering key of a category bin: its mean output for regression and binary (which makes the best
 * partition a prefix of the order, Breiman et al. 1984); for multiclass, its share of the node's
 * most frequent class (a heuristic: no ordering is exact there).
 */
const categoryKeys = (sc: Scorer, base: number, bins: Int32Array, m: number, key: Float64Array) => {
  const { classification } = sc.ctx
  const { hists } = sc
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
  occ: Int32Array,
  k: number,
  rng: Rng,
): void => {
  const { splitter } = sc.ctx
  const { hists } = sc
  const h0 = hists[0]!
  const { order, key, sL, sMiss, sTry } = scratch
  const m = k
  for (let i = 0; i < k; i++) order[i] = occ[i]!
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
 * Evaluate candidate feature `f` of a node from its histogram in `sc.hists`, updating `best`; `occ`
 * lists the feature's `k` non-empty value bins in increasing order. Returns false when the feature is
 * constant in the node (it then does not count toward `maxFeatures`, as in scikit-learn). Ties
 * keep the earlier candidate. Numeric features get the best boundary (random forests; extra trees'
 * numeric splits come from random-threshold.ts), categorical ones the splitter's partition.
 */
export const searchFeature = (
  sc: Scorer,
  f: number,
  occ: Int32Array,
  k: number,
  best: SplitCandidate,
  scratch: SplitScratch,
  rng: Rng,
): boolean => {
  const { mapper } = sc.ctx
  const base = mapper.offsets[f]! * HIST_STRIDE
  const nb = mapper.numBins[f]!
  const cm = sc.hists[0]![base + nb * HIST_STRIDE + 2]!
  if (k + (cm > 0 ? 1 : 0) <= 1) return false
  if (mapper.categorical[f] === 1) categorical(sc, best, scratch, f, base, nb, occ, k, rng)
  else scanNumeric(sc, best, scratch, f, base, nb, occ, k)
  return true
}

/** Write the non-empty value bins of feature `f` of a dense histogram, ascending, into `occ`; returns their number. */
export const occupiedBins = (
  h0: Float64Array,
  mapper: SplitContext['mapper'],
  f: number,
  occ: Int32Array,
): number => {
  const base = mapper.offsets[f]! * HIST_STRIDE
  const nb = mapper.numBins[f]!
  let k = 0
  for (let b = 0; b < nb; b++) if (h0[base + b * HIST_STRIDE + 2]! > 0) occ[k++] = b
  return k
}
