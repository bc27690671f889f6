import { minimizeLbfgs, type OptimizerResult } from './lbfgs.js'
import { minimizeOwlqn } from './owlqn.js'

/** The losses Keel's linear models minimize. */
export type GlmLoss = 'logistic' | 'multinomial' | 'squared'

/** A penalized, weighted linear-model problem in the original feature space. */
export interface GlmProblem {
  /** Feature columns, all finite. */
  readonly cols: readonly Float64Array[]
  /** Targets: 0/1 for logistic, class index for multinomial, value for squared. */
  readonly y: Float64Array
  /** Per-row weights (sample × class weights); only their ratios matter. */
  readonly weight: Float64Array
  readonly loss: GlmLoss
  /** Number of outputs: classes for multinomial, else 1. */
  readonly outputs: number
  readonly fitIntercept: boolean
  /** λ₂ of λ₂/2·‖w‖² added to the weighted-mean loss. */
  readonly l2: number
  /** λ₁ of λ₁·‖w‖₁ added to the weighted-mean loss. */
  readonly l1: number
  readonly gtol: number
  readonly maxIter: number
  readonly signal?: AbortSignal | undefined
}

/** A fitted linear model in the original feature space plus how the optimizer ended. */
export interface GlmSolution {
  /** `coef[k][j]`: output k, feature j. */
  readonly coef: Float64Array[]
  readonly intercept: Float64Array
  readonly result: OptimizerResult
}

/** Weighted mean and scale of each column (scale = std, or RMS without an intercept; 0 → 1). */
const columnStats = (
  cols: readonly Float64Array[],
  w: Float64Array,
  center: boolean,
): { mean: Float64Array; scale: Float64Array } => {
  const d = cols.length
  const mean = new Float64Array(d)
  const scale = new Float64Array(d)
  for (let j = 0; j < d; j++) {
    const c = cols[j]!
    let m = 0
    if (center) for (let i = 0; i < c.length; i++) m += w[i]! * c[i]!
    let v = 0
    for (let i = 0; i < c.length; i++) v += w[i]! * (c[i]! - m) ** 2
    mean[j] = m
    scale[j] = v > 0 ? Math.sqrt(v) : 1
  }
  return { mean, scale }
}

/**
 * Minimize weighted-mean loss + λ₂/2‖w‖² + λ₁‖w‖₁ (intercept unpenalized) with L-BFGS, or OWL-QN
 * when λ₁ > 0.
 *
 * The optimizer works on standardized coordinates vⱼ = wⱼ·sⱼ (and, for squared loss, a target
 * divided by its scale), with the penalties rescaled to match: that is a change of variables, not a
 * change of objective, so the solution is exactly the unstandardized problem's (scikit-learn's) —
 * only far better conditioned, which is what lets the fit reach a 1e-10 gradient tolerance.
 */
export const solveGlm = (p: GlmProblem): GlmSolution => {
  const { cols, loss, fitIntercept } = p
  const d = cols.length
  const n = p.y.length
  const K = p.outputs
  let wsum = 0
  for (let i = 0; i < n; i++) wsum += p.weight[i]!
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = p.weight[i]! / wsum
  const { mean, scale } = columnStats(cols, w, fitIntercept)
  // Squared loss: work on y / σ_y so that the gradient tolerance is relative to the target's scale.
  let yScale = 1
  let y = p.y
  if (loss === 'squared') {
    let m = 0
    for (let i = 0; i < n; i++) m += w[i]! * y[i]!
    let v = 0
    for (let i = 0; i < n; i++) v += w[i]! * (y[i]! - (fitIntercept ? m : 0)) ** 2
    yScale = v > 0 ? Math.sqrt(v) : 1
    y = new Float64Array(n)
    for (let i = 0; i < n; i++) y[i] = p.y[i]! / yScale
  }
  const l1 = p.l1 / yScale
  const l2 = p.l2
  const nb = fitIntercept ? K : 0
  const theta0 = new Float64Array(K * d + nb)
  if (fitIntercept) initIntercept(theta0, K * d, loss, y, w, K)
  const margins = new Float64Array(n * K)
  const resid = new Float64Array(n * K)

  const fg = (theta: Float64Array, grad: Float64Array): number => {
    // Margins m_ik = b'_k + Σ_j (v_kj / s_j)·x_ij with b'_k = b_k − Σ_j (v_kj / s_j)·μ_j.
    for (let k = 0; k < K; k++) {
      let b = fitIntercept ? theta[K * d + k]! : 0
      for (let j = 0; j < d; j++) b -= (theta[k * d + j]! / scale[j]!) * mean[j]!
      for (let i = 0; i < n; i++) margins[i * K + k] = b
      for (let j = 0; j < d; j++) {
        const wj = theta[k * d + j]! / scale[j]!
        if (wj === 0) continue
        const c = cols[j]!
        for (let i = 0; i < n; i++) margins[i * K + k] = margins[i * K + k]! + wj * c[i]!
      }
    }
    let f = lossAndResidual(loss, margins, y, w, K, resid)
    grad.fill(0)
    for (let k = 0; k < K; k++) {
      let rsum = 0
      for (let i = 0; i < n; i++) rsum += resid[i * K + k]!
      if (fitIntercept) grad[K * d + k] = rsum
      for (let j = 0; j < d; j++) {
        const c = cols[j]!
        let s = 0
        for (let i = 0; i < n; i++) s += resid[i * K + k]! * c[i]!
        const v = theta[k * d + j]!
        const sj = scale[j]!
        grad[k * d + j] = (s - mean[j]! * rsum) / sj + (l2 * v) / (sj * sj)
        f += (0.5 * l2 * v * v) / (sj * sj)
      }
    }
    return f
  }

  const options = { gtol: p.gtol, maxIter: p.maxIter, signal: p.signal }
  let result: OptimizerResult
  if (l1 > 0) {
    const l1w = new Float64Array(theta0.length)
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) l1w[k * d + j] = l1 / scale[j]!
    result = minimizeOwlqn(fg, l1w, theta0, options)
  } else {
    result = minimizeLbfgs(fg, theta0, options)
  }
  const theta = result.x
  const coef: Float64Array[] = []
  const intercept = new Float64Array(K)
  for (let k = 0; k < K; k++) {
    const row = new Float64Array(d)
    let b = fitIntercept ? theta[K * d + k]! : 0
    for (let j = 0; j < d; j++) {
      row[j] = (theta[k * d + j]! / scale[j]!) * yScale
      b -= (theta[k * d + j]! / scale[j]!) * mean[j]!
    }
    intercept[k] = b * yScale
    coef.push(row)
  }
  if (loss === 'multinomial' && fitIntercept) {
    // Softmax is invariant to a common shift of the intercepts; report the centered ones.
    let m = 0
    for (let k = 0; k < K; k++) m += intercept[k]!
    for (let k = 0; k < K; k++) intercept[k] = intercept[k]! - m / K
  }
  return { coef, intercept, result }
}

/** Start the intercepts at the intercept-only optimum, which saves iterations. */
const initIntercept = (
  theta: Float64Array,
  at: number,
  loss: GlmLoss,
  y: Float64Array,
  w: Float64Array,
  K: number,
): void => {
  if (loss === 'squared') {
    let m = 0
    for (let i = 0; i < y.length; i++) m += w[i]! * y[i]!
    theta[at] = m
    return
  }
  const prior = new Float64Array(loss === 'logistic' ? 2 : K)
  for (let i = 0; i < y.length; i++) prior[y[i]!] = prior[y[i]!]! + w[i]!
  const logp = Array.from(prior, (p) => Math.log(Math.max(p, 1e-12)))
  if (loss === 'logistic') {
    theta[at] = logp[1]! - logp[0]!
    return
  }
  const mean = logp.reduce((a, b) => a + b, 0) / K
  for (let k = 0; k < K; k++) theta[at + k] = logp[k]! - mean
}

/** Weighted-mean loss at `margins`; writes dLoss/dmargin × weight into `resid`. */
const lossAndResidual = (
  loss: GlmLoss,
  margins: Float64Array,
  y: Float64Array,
  w: Float64Array,
  K: number,
  resid: Float64Array,
): number => {
  const n = y.length
  let f = 0
  if (loss === 'logistic') {
    for (let i = 0; i < n; i++) {
      const m = margins[i]!
      const yi = y[i]!
      // One exp serves both softplus(m) = max(m, 0) + log1p(e^−|m|) and the sigmoid.
      const e = Math.exp(-Math.abs(m))
      const p = m >= 0 ? 1 / (1 + e) : e / (1 + e)
      f += w[i]! * (Math.max(m, 0) + Math.log1p(e) - yi * m)
      resid[i] = w[i]! * (p - yi)
    }
  } else if (loss === 'squared') {
    for (let i = 0; i < n; i++) {
      const r = margins[i]! - y[i]!
      f += 0.5 * w[i]! * r * r
      resid[i] = w[i]! * r
    }
  } else {
    for (let i = 0; i < n; i++) {
      let max = -Infinity
      for (let k = 0; k < K; k++) max = Math.max(max, margins[i * K + k]!)
      let sum = 0
      for (let k = 0; k < K; k++) sum += Math.exp(margins[i * K + k]! - max)
      const lse = max + Math.log(sum)
      const yi = y[i]!
      f += w[i]! * (lse - margins[i * K + yi]!)
      for (let k = 0; k < K; k++) {
        const pk = Math.exp(margins[i * K + k]! - lse)
        resid[i * K + k] = w[i]! * (pk - (k === yi ? 1 : 0))
      }
    }
  }
  return f
}
