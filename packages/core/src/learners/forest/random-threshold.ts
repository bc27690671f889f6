import type { Rng } from '../../random/index.js'
import { type Scorer, type SplitCandidate, type SplitContext, type SplitScratch } from './scorer.js'

/**
 * Extra trees' threshold for a numeric feature whose node values occupy bins `lo..hi`: a value
 * drawn uniformly over the node's range (Geurts et al. 2006), snapped to the first bin edge at or
 * above it. The range is the span of the bins — from the lower edge of `lo` to the upper edge of
 * `hi`, the feature's training minimum and maximum closing the end bins — so it matches
 * scikit-learn's draw up to bin resolution. Returns the last bin going left; `nb − 1` (every
 * present value left) when `lo === hi`, where the only split is present vs missing.
 */
export const drawThreshold = (
  ctx: SplitContext,
  f: number,
  nb: number,
  lo: number,
  hi: number,
  rng: Rng,
): number => {
  if (lo === hi) return nb - 1
  const e = ctx.mapper.edges[f]!
  const a = lo > 0 ? e[lo - 1]! : ctx.lowest[f]!
  const z = hi < nb - 1 ? e[hi]! : ctx.highest[f]!
  const u = rng.float()
  if (!(Number.isFinite(z - a) && z > a)) return lo + Math.floor(u * (hi - lo))
  const v = a + u * (z - a)
  // The first edge ≥ v among e[lo..hi-1] (binary search; the last one when none is).
  let l = lo
  let h = hi - 1
  while (l < h) {
    const mid = (l + h) >>> 1
    if (e[mid]! >= v) h = mid
    else l = mid + 1
  }
  return l
}

/**
 * Offer the split "bins ≤ t left" with left sums in `scratch.sL` (wL, cL) and the missing bin's in
 * `scratch.sMiss` (wm, cm): missing values right, and also left when the node has any.
 */
const offerThreshold = (
  sc: Scorer,
  best: SplitCandidate,
  scratch: SplitScratch,
  f: number,
  nb: number,
  t: number,
  wL: number,
  cL: number,
  wm: number,
  cm: number,
): void => {
  const { sL, sMiss, sTry } = scratch
  sc.offer(best, sL, wL, cL, f, t, null, cm > 0 ? false : cL >= sc.node.count - cL)
  if (cm > 0 && t < nb - 1) {
    for (let j = 0; j < sL.length; j++) sTry[j] = sL[j]! + sMiss[j]!
    sc.offer(best, sTry, wL + wm, cL + cm, f, t, null, true)
  }
}

/**
 * Extra trees' split of a numeric feature straight from the node's rows, without a histogram
 * (scikit-learn's random splitter does the same): one pass for the occupied bin range, one for
 * the sums left of the drawn threshold.
 * Returns false when the feature is constant in the node.
 */
export const randomNumericRows = (
  sc: Scorer,
  best: SplitCandidate,
  scratch: SplitScratch,
  f: number,
  binned: Uint8Array,
  n: number,
  rows: Int32Array,
  start: number,
  end: number,
  gh: readonly Float32Array[],
  rng: Rng,
): boolean => {
  const nb = sc.ctx.mapper.numBins[f]!
  const col = f * n
  let lo = nb
  let hi = -1
  let cm = 0
  for (let i = start; i < end; i++) {
    const b = binned[col + rows[i]!]!
    if (b === nb) cm++
    else {
      if (b < lo) lo = b
      if (b > hi) hi = b
    }
  }
  if (hi < 0 || (lo === hi && cm === 0)) return false
  const t = drawThreshold(sc.ctx, f, nb, lo, hi, rng)
  const { sL, sMiss } = scratch
  const g0 = gh[0]!
  let wL = 0
  let cL = 0
  let wm = 0
  let s0 = 0
  let m0 = 0
  for (let i = start; i < end; i++) {
    const r = rows[i]!
    const b = binned[col + r]!
    if (b === nb) {
      wm += g0[2 * r + 1]!
      m0 += g0[2 * r]!
    } else if (b <= t) {
      wL += g0[2 * r + 1]!
      s0 += g0[2 * r]!
      cL++
    }
  }
  sL[0] = s0
  sMiss[0] = m0
  // Further outputs (multiclass) in their own passes, so the common single-output case stays tight.
  for (let j = 1; j < gh.length; j++) {
    const g = gh[j]!
    let sj = 0
    let mj = 0
    for (let i = start; i < end; i++) {
      const r = rows[i]!
      const b = binned[col + r]!
      if (b === nb) mj += g[2 * r]!
      else if (b <= t) sj += g[2 * r]!
    }
    sL[j] = sj
    sMiss[j] = mj
  }
  offerThreshold(sc, best, scratch, f, nb, t, wL, cL, wm, cm)
  return true
}
