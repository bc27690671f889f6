import {
  LbfgsMemory,
  dot,
  maxAbs,
  type OptimizerOptions,
  type OptimizerResult,
  type SmoothObjective,
} from './lbfgs.js'
import { throwIfAborted } from '../shared/abort.js'

const C1 = 1e-4
/** Relative noise level of F below which the slope decides whether a step is acceptable. */
const NOISE = 1e-10
const MAX_BACKTRACKS = 60

/**
 * The pseudo-gradient of F = f + Σ l1ⱼ·|xⱼ| (Andrew & Gao 2007): the gradient where F is
 * differentiable, and at xⱼ = 0 the one-sided derivative that points downhill, or 0 when neither
 * does (then xⱼ = 0 is optimal for that coordinate).
 */
const pseudoGradient = (
  x: Float64Array,
  g: Float64Array,
  l1: Float64Array,
  out: Float64Array,
): void => {
  for (let j = 0; j < x.length; j++) {
    const lam = l1[j]!
    const xj = x[j]!
    const gj = g[j]!
    if (lam === 0) out[j] = gj
    else if (xj > 0) out[j] = gj + lam
    else if (xj < 0) out[j] = gj - lam
    else if (gj + lam < 0) out[j] = gj + lam
    else if (gj - lam > 0) out[j] = gj - lam
    else out[j] = 0
  }
}

const l1Norm = (x: Float64Array, l1: Float64Array): number => {
  let s = 0
  for (let j = 0; j < x.length; j++) s += l1[j]! * Math.abs(x[j]!)
  return s
}

/**
 * Minimize f(x) + Σ l1ⱼ·|xⱼ| with OWL-QN: L-BFGS on the smooth part, steps kept inside the orthant
 * of the current point (coordinates that would cross zero are set to zero, which is how exact zeros
 * appear), and a backtracking line search on F. `l1ⱼ = 0` leaves a coordinate unpenalized (the
 * intercept). Near the optimum, where F's decrease drowns in rounding, a step is also accepted when
 * F stays within the noise level and the directional derivative shows no overshoot.
 */
export const minimizeOwlqn = (
  fg: SmoothObjective,
  l1: Float64Array,
  x0: Float64Array,
  options: OptimizerOptions,
): OptimizerResult => {
  const n = x0.length
  const memory = new LbfgsMemory(options.memory ?? 10)
  let x = Float64Array.from(x0)
  let g = new Float64Array(n)
  let F = fg(x, g) + l1Norm(x, l1)
  let evaluations = 1
  const pg = new Float64Array(n)
  const d = new Float64Array(n)
  const orthant = new Float64Array(n)
  const trial = new Float64Array(n)
  const gTrial = new Float64Array(n)
  const pgTrial = new Float64Array(n)
  pseudoGradient(x, g, l1, pg)
  let iterations = 0
  let restarted = false
  while (iterations < options.maxIter) {
    if (maxAbs(pg) <= options.gtol) break
    throwIfAborted(options.signal)
    memory.direction(pg, d)
    // Keep only components that agree with the steepest-descent sign.
    for (let j = 0; j < n; j++) if (d[j]! * pg[j]! >= 0) d[j] = 0
    for (let j = 0; j < n; j++) orthant[j] = x[j]! !== 0 ? Math.sign(x[j]!) : -Math.sign(pg[j]!)
    const eps = NOISE * Math.max(1, Math.abs(F))
    let alpha = memory.size === 0 ? Math.min(1, 1 / Math.sqrt(dot(pg, pg))) : 1
    let accepted = false
    let Ft = F
    for (let b = 0; b < MAX_BACKTRACKS; b++) {
      for (let j = 0; j < n; j++) {
        const v = x[j]! + alpha * d[j]!
        trial[j] = v * orthant[j]! > 0 ? v : 0
      }
      Ft = fg(trial, gTrial) + l1Norm(trial, l1)
      evaluations++
      let slope0 = 0
      for (let j = 0; j < n; j++) slope0 += pg[j]! * (trial[j]! - x[j]!)
      if (Number.isFinite(Ft)) {
        if (Ft <= F + C1 * slope0) {
          accepted = true
          break
        }
        if (Ft <= F + eps) {
          pseudoGradient(trial, gTrial, l1, pgTrial)
          let slope1 = 0
          for (let j = 0; j < n; j++) slope1 += pgTrial[j]! * (trial[j]! - x[j]!)
          if (slope0 < 0 && slope1 <= (2 * C1 - 1) * slope0) {
            accepted = true
            break
          }
        }
      }
      alpha *= 0.5
    }
    if (!accepted) {
      if (!restarted && memory.size > 0) {
        memory.clear()
        restarted = true
        continue
      }
      break
    }
    restarted = false
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    for (let j = 0; j < n; j++) {
      s[j] = trial[j]! - x[j]!
      y[j] = gTrial[j]! - g[j]!
    }
    memory.push(s, y)
    x = Float64Array.from(trial)
    g = Float64Array.from(gTrial)
    F = Ft
    pseudoGradient(x, g, l1, pg)
    iterations++
  }
  const gradNorm = maxAbs(pg)
  return { x, f: F, gradNorm, iterations, evaluations, converged: gradNorm <= options.gtol }
}
