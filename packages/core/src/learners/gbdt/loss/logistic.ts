import { fastExp } from './fast-exp.js'
import type { Loss } from './base.js'
import { weightedMean } from './base.js'

const EPS = 1e-15
/** Hessians are floored so a confident row never yields a zero denominator. */
const MIN_HESS = 1e-16

/** Logistic sigmoid, stable for large |z|. */
export const sigmoid = (z: number): number => {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

const priorLogit = (y: Float64Array, w: Float64Array | undefined): Float64Array => {
  const p = Math.min(1 - EPS, Math.max(EPS, weightedMean(y, w)))
  return Float64Array.of(Math.log(p / (1 - p)))
}

/** Binary log loss on the logit (XGBoost binary:logistic). */
export const logLoss: Loss = {
  objective: 'logloss',
  numOutputs: 1,
  baseScore: priorLogit,
  gradients(y, raw, w, gh) {
    const n = y.length
    // 1 / (1 + e^-z) is exact enough here (it saturates to 0 or 1 without NaN) and branch-free;
    // fastExp because this pass runs every round over every row.
    if (w === undefined) {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + fastExp(-raw[i]!))
        gh[2 * i] = p - y[i]!
        gh[2 * i + 1] = Math.max(p * (1 - p), MIN_HESS)
      }
      return
    }
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + fastExp(-raw[i]!))
      const wi = w[i]!
      gh[2 * i] = (p - y[i]!) * wi
      gh[2 * i + 1] = Math.max(p * (1 - p), MIN_HESS) * wi
    }
  },
}

/**
 * Binary focal loss (Lin et al. 2017), FL = -(1 - p_t)^γ log p_t, on the logit. It down-weights
 * easy rows so training focuses on the hard ones; γ = 0 is log loss. The paper's class-balancing
 * α is a class weight here (`classWeight`). The exact hessian can be negative far from the
 * optimum; it is floored at a small positive value so Newton steps stay well defined.
 */
export const focalLoss = (gamma: number): Loss => ({
  objective: 'focal',
  numOutputs: 1,
  baseScore: priorLogit,
  gradients(y, raw, w, gh) {
    const n = y.length
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]!)
      const pos = y[i]! > 0.5
      // p_t is the probability of the true class; s flips the sign for negatives.
      const pt = Math.min(1 - EPS, Math.max(EPS, pos ? p : 1 - p))
      const s = pos ? 1 : -1
      const q = 1 - pt
      const logPt = Math.log(pt)
      const qg = q ** gamma
      const u = gamma * pt * qg * logPt - q * qg
      const qg1 = gamma === 0 ? 0 : q ** (gamma - 1)
      const du =
        gamma * qg * logPt - gamma * gamma * pt * qg1 * logPt + gamma * qg + (gamma + 1) * qg
      const wi = w === undefined ? 1 : w[i]!
      gh[2 * i] = s * u * wi
      gh[2 * i + 1] = Math.max(du * pt * q, MIN_HESS) * wi
    }
  },
})
