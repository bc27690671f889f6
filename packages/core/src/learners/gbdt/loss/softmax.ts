import type { Loss } from './base.js'

const EPS = 1e-15
const MIN_HESS = 1e-16

/** Softmax of `raw[off..off+k)` into `out[0..k)`, shifted by the max for stability. */
export const softmaxInto = (
  raw: ArrayLike<number>,
  off: number,
  k: number,
  out: Float64Array,
): void => {
  let m = -Infinity
  for (let c = 0; c < k; c++) m = Math.max(m, raw[off + c]!)
  let s = 0
  for (let c = 0; c < k; c++) {
    const e = Math.exp(raw[off + c]! - m)
    out[c] = e
    s += e
  }
  for (let c = 0; c < k; c++) out[c] = out[c]! / s
}

/**
 * Multiclass cross-entropy on K raw scores (XGBoost multi:softprob). The hessian is XGBoost's
 * 2·p·(1 − p), which keeps leaf values comparable with it.
 */
export const softmaxLoss = (k: number): Loss => ({
  objective: 'softmax',
  numOutputs: k,
  baseScore(y, w) {
    const counts = new Float64Array(k)
    let total = 0
    for (let i = 0; i < y.length; i++) {
      const wi = w === undefined ? 1 : w[i]!
      counts[y[i]!]! += wi
      total += wi
    }
    const out = new Float64Array(k)
    for (let c = 0; c < k; c++) out[c] = Math.log(Math.max(EPS, counts[c]! / total))
    return out
  },
  gradients(y, raw, w, gh) {
    const n = y.length
    const p = new Float64Array(k)
    for (let i = 0; i < n; i++) {
      softmaxInto(raw, i * k, k, p)
      const wi = w === undefined ? 1 : w[i]!
      const yi = y[i]!
      for (let c = 0; c < k; c++) {
        const pc = p[c]!
        gh[2 * (c * n + i)] = (pc - (c === yi ? 1 : 0)) * wi
        gh[2 * (c * n + i) + 1] = Math.max(2 * pc * (1 - pc), MIN_HESS) * wi
      }
    }
  },
})
