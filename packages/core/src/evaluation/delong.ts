import { KeelError } from '../errors/index.js'
import { argsortDescending } from '../metrics/argsort.js'
import { normalQuantile, twoSidedP } from './normal.js'

/**
 * DeLong's test for ROC-AUC (DeLong, DeLong & Clarke-Pearson 1988) with the O(n log n) algorithm of
 * Sun & Xu (2014, "Fast implementation of DeLong's algorithm"): the structural components come from
 * mid-ranks (here, one sort per model), so no m × n comparison matrix is built. The test fixture
 * checks it against the O(mn) definition. Unweighted (the method has no standard weighted form).
 */

/** AUC and its DeLong structural components for one score vector. */
interface Components {
  readonly auc: number
  readonly v10: Float64Array
  readonly v01: Float64Array
}

/**
 * Sun & Xu's components from one sort. Their mid-rank differences reduce to placement values: for a
 * positive, `T_Z − T_X` is the number of negatives ranked below it plus half the tied ones, so
 * `V10 = (negatives below + ½ tied negatives) / n`; symmetrically `V01 = 1 − (positives below +
 * ½ tied positives) / m`. One pass over the scores in increasing order computes both.
 */
const components = (pos: Float64Array, neg: Float64Array): Components => {
  const m = pos.length
  const n = neg.length
  const all = new Float64Array(m + n)
  all.set(pos)
  all.set(neg, m)
  const order = argsortDescending(all).reverse()
  const v10 = new Float64Array(m)
  const v01 = new Float64Array(n)
  let posBelow = 0
  let negBelow = 0
  let sum10 = 0
  let i = 0
  while (i < order.length) {
    let j = i
    let gp = 0
    let gn = 0
    while (j < order.length && all[order[j]!] === all[order[i]!]) {
      if (order[j]! < m) gp++
      else gn++
      j++
    }
    const placePos = (negBelow + gn / 2) / n
    const placeNeg = 1 - (posBelow + gp / 2) / m
    for (let k = i; k < j; k++) {
      const r = order[k]!
      if (r < m) {
        v10[r] = placePos
        sum10 += placePos
      } else v01[r - m] = placeNeg
    }
    posBelow += gp
    negBelow += gn
    i = j
  }
  return { auc: sum10 / m, v10, v01 }
}

const covariance = (a: Float64Array, b: Float64Array): number => {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let s = 0
  for (let i = 0; i < n; i++) s += (a[i]! - ma) * (b[i]! - mb)
  return s / (n - 1)
}

const split = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
): { pos: Float64Array; neg: Float64Array } => {
  if (scores.length !== y.length) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `scores has ${scores.length} entries, y has ${y.length}`,
    )
  }
  const pos: number[] = []
  const neg: number[] = []
  for (let i = 0; i < y.length; i++) {
    const s = scores[i]!
    if (!Number.isFinite(s))
      throw new KeelError('INVALID_DATA', `scores[${i}] is ${s}`, { path: [i] })
    if (y[i] === 1) pos.push(s)
    else if (y[i] === 0) neg.push(s)
    else throw new KeelError('INVALID_DATA', `y[${i}] is ${y[i]}, expected 0 or 1`, { path: [i] })
  }
  if (pos.length < 2 || neg.length < 2) {
    throw new KeelError(
      'INVALID_DATA',
      'DeLong needs at least two positive and two negative rows',
      {
        details: { undefinedMetric: true, positives: pos.length, negatives: neg.length },
      },
    )
  }
  return { pos: Float64Array.from(pos), neg: Float64Array.from(neg) }
}

/** AUC with DeLong's standard error and a normal-theory interval. */
export interface AucInterval {
  readonly auc: number
  readonly standardError: number
  readonly lower: number
  readonly upper: number
  readonly level: number
}

/** DeLong's interval for one AUC (clamped to [0, 1]). */
export const delongInterval = (
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  level = 0.95,
): AucInterval => {
  const { pos, neg } = split(y, scores)
  const c = components(pos, neg)
  const variance = covariance(c.v10, c.v10) / pos.length + covariance(c.v01, c.v01) / neg.length
  const se = Math.sqrt(variance)
  const z = normalQuantile(1 - (1 - level) / 2)
  return {
    auc: c.auc,
    standardError: se,
    lower: Math.max(0, c.auc - z * se),
    upper: Math.min(1, c.auc + z * se),
    level,
  }
}

/** DeLong's paired test of two AUCs on the same rows, as plain data. */
export interface DelongResult {
  readonly aucA: number
  readonly aucB: number
  /** `aucA − aucB`. */
  readonly difference: number
  readonly standardError: number
  readonly z: number
  /** Two-sided p-value for "the AUCs are equal". */
  readonly pValue: number
  /** Normal-theory interval for the difference. */
  readonly lower: number
  readonly upper: number
  readonly level: number
}

/**
 * Compare two models' AUCs on the same labelled rows, accounting for their correlation (both score
 * the same rows). When the two score vectors rank every pair identically, the difference has zero
 * variance: the result is z = 0 and p = 1 if the AUCs are equal.
 */
export const delongTest = (
  y: ArrayLike<number>,
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  level = 0.95,
): DelongResult => {
  const a = split(y, scoresA)
  const b = split(y, scoresB)
  const ca = components(a.pos, a.neg)
  const cb = components(b.pos, b.neg)
  const m = a.pos.length
  const n = a.neg.length
  const s10 = (u: Float64Array, v: Float64Array): number => covariance(u, v) / m
  const s01 = (u: Float64Array, v: Float64Array): number => covariance(u, v) / n
  const variance =
    s10(ca.v10, ca.v10) +
    s10(cb.v10, cb.v10) -
    2 * s10(ca.v10, cb.v10) +
    s01(ca.v01, ca.v01) +
    s01(cb.v01, cb.v01) -
    2 * s01(ca.v01, cb.v01)
  const difference = ca.auc - cb.auc
  const se = Math.sqrt(Math.max(0, variance))
  const z = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity
  const q = normalQuantile(1 - (1 - level) / 2)
  return {
    aucA: ca.auc,
    aucB: cb.auc,
    difference,
    standardError: se,
    z,
    pValue: twoSidedP(z),
    lower: difference - q * se,
    upper: difference + q * se,
    level,
  }
}
