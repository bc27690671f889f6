import type { Loss } from './base.js'
import { weightedMean, weightedMedian } from './base.js'

/** Squared error (XGBoost reg:squarederror): g = raw − y, h = 1. */
export const squaredLoss: Loss = {
  objective: 'squared',
  numOutputs: 1,
  baseScore: (y, w) => Float64Array.of(weightedMean(y, w)),
  gradients(y, raw, w, gh) {
    const n = y.length
    for (let i = 0; i < n; i++) {
      const wi = w === undefined ? 1 : w[i]!
      gh[2 * i] = (raw[i]! - y[i]!) * wi
      gh[2 * i + 1] = wi
    }
  },
}

/**
 * Absolute error. Trees are grown on the sign of the residual; each leaf is then refitted to the
 * weighted median of its residuals (as scikit-learn and XGBoost reg:absoluteerror do), because a
 * Newton step on a unit hessian has no sense of scale.
 */
export const absoluteLoss: Loss = {
  objective: 'absolute',
  numOutputs: 1,
  baseScore: (y, w) => Float64Array.of(weightedMedian(y, w)),
  gradients(y, raw, w, gh) {
    const n = y.length
    for (let i = 0; i < n; i++) {
      const wi = w === undefined ? 1 : w[i]!
      const r = raw[i]! - y[i]!
      gh[2 * i] = (r > 0 ? 1 : r < 0 ? -1 : 0) * wi
      gh[2 * i + 1] = wi
    }
  },
  refitLeaf(rows, start, end, y, raw, w) {
    const m = end - start
    const res = new Float64Array(m)
    const ws = w === undefined ? undefined : new Float64Array(m)
    for (let k = 0; k < m; k++) {
      const i = rows[start + k]!
      res[k] = y[i]! - raw[i]!
      if (ws !== undefined) ws[k] = w![i]!
    }
    return weightedMedian(res, ws)
  },
}

/**
 * Pseudo-Huber loss δ²(√(1 + (r/δ)²) − 1) (XGBoost reg:pseudohubererror): quadratic near zero,
 * linear in the tails, and twice differentiable, so Newton boosting applies directly.
 */
export const huberLoss = (delta: number): Loss => ({
  objective: 'huber',
  numOutputs: 1,
  baseScore: (y, w) => Float64Array.of(weightedMedian(y, w)),
  gradients(y, raw, w, gh) {
    const n = y.length
    for (let i = 0; i < n; i++) {
      const wi = w === undefined ? 1 : w[i]!
      const r = raw[i]! - y[i]!
      const s = 1 + (r / delta) * (r / delta)
      const rs = Math.sqrt(s)
      gh[2 * i] = (r / rs) * wi
      gh[2 * i + 1] = (1 / (s * rs)) * wi
    }
  },
})
