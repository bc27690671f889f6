import { KeelError } from '../../errors/index.js'
import { throwIfAborted } from '../shared/abort.js'
import { wolfeLineSearch } from './line-search.js'

/**
 * A smooth objective: returns f(x) and writes ∇f(x) into `grad` (same length as `x`). It must not
 * keep `x` or `grad`: the optimizer reuses both buffers.
 */
export type SmoothObjective = (x: Float64Array, grad: Float64Array) => number

/** Options shared by {@link minimizeLbfgs} and `minimizeOwlqn`. */
export interface OptimizerOptions {
  /** Stop when the largest |gradient| (pseudo-gradient for OWL-QN) is at most this. */
  readonly gtol: number
  readonly maxIter: number
  /** Number of correction pairs kept (default 10). */
  readonly memory?: number
  readonly signal?: AbortSignal | undefined
}

/** Where a minimization stopped and why. */
export interface OptimizerResult {
  readonly x: Float64Array
  readonly f: number
  /** Largest |gradient| (or pseudo-gradient) at `x`. */
  readonly gradNorm: number
  readonly iterations: number
  readonly evaluations: number
  /** True when `gradNorm ≤ gtol`. */
  readonly converged: boolean
}

export const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

export const maxAbs = (a: Float64Array): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!))
  return m
}

/**
 * The limited-memory inverse-Hessian approximation: the last m pairs (s, y) and the two-loop
 * recursion (Nocedal & Wright, Algorithm 7.4) with the usual s·y / y·y initial scaling.
 */
export class LbfgsMemory {
  readonly #m: number
  readonly #s: Float64Array[] = []
  readonly #y: Float64Array[] = []
  readonly #rho: number[] = []
  readonly #alpha: Float64Array

  constructor(memory: number) {
    this.#m = memory
    this.#alpha = new Float64Array(memory)
  }

  get size(): number {
    return this.#s.length
  }

  clear(): void {
    this.#s.length = 0
    this.#y.length = 0
    this.#rho.length = 0
  }

  /** Add a pair when it keeps the approximation positive definite (s·y > 0); else skip it. */
  push(s: Float64Array, y: Float64Array): void {
    const sy = dot(s, y)
    if (!(sy > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y)))) return
    if (this.#s.length === this.#m) {
      this.#s.shift()
      this.#y.shift()
      this.#rho.shift()
    }
    this.#s.push(s)
    this.#y.push(y)
    this.#rho.push(1 / sy)
  }

  /** `out = -H·g` (the quasi-Newton direction). */
  direction(g: Float64Array, out: Float64Array): void {
    const k = this.#s.length
    for (let i = 0; i < g.length; i++) out[i] = -g[i]!
    for (let j = k - 1; j >= 0; j--) {
      const a = this.#rho[j]! * dot(this.#s[j]!, out)
      this.#alpha[j] = a
      const y = this.#y[j]!
      for (let i = 0; i < out.length; i++) out[i] = out[i]! - a * y[i]!
    }
    if (k > 0) {
      const y = this.#y[k - 1]!
      const gamma = 1 / (this.#rho[k - 1]! * dot(y, y))
      for (let i = 0; i < out.length; i++) out[i] = out[i]! * gamma
    }
    for (let j = 0; j < k; j++) {
      const b = this.#rho[j]! * dot(this.#y[j]!, out)
      const s = this.#s[j]!
      const a = this.#alpha[j]!
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + (a - b) * s[i]!
    }
  }
}

/**
 * Minimize a smooth function with L-BFGS and a strong-Wolfe line search. Stops when the largest
 * |gradient| is at most `gtol`, after `maxIter` iterations, or when no step decreases f any more
 * (the precision limit); `converged` says which. Deterministic: no randomness, fixed arithmetic
 * order.
 */
export const minimizeLbfgs = (
  fg: SmoothObjective,
  x0: Float64Array,
  options: OptimizerOptions,
): OptimizerResult => {
  const n = x0.length
  const memory = new LbfgsMemory(options.memory ?? 10)
  let x: Float64Array = Float64Array.from(x0)
  let g: Float64Array = new Float64Array(n)
  let f = fg(x, g)
  let evaluations = 1
  if (!Number.isFinite(f)) {
    throw new KeelError('INTERNAL', 'the objective is not finite at the starting point')
  }
  const d = new Float64Array(n)
  const trial = new Float64Array(n)
  const gTrial = new Float64Array(n)
  let iterations = 0
  let restarted = false
  while (iterations < options.maxIter) {
    if (maxAbs(g) <= options.gtol) break
    throwIfAborted(options.signal)
    memory.direction(g, d)
    let df0 = dot(d, g)
    if (!(df0 < 0)) {
      memory.clear()
      memory.direction(g, d)
      df0 = dot(d, g)
    }
    // Without curvature information the first step is scaled to unit length.
    const alpha0 = memory.size === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1
    let lastAlpha = NaN
    let lastF = NaN
    const phi = (a: number): { f: number; df: number } => {
      for (let i = 0; i < n; i++) trial[i] = x[i]! + a * d[i]!
      lastAlpha = a
      lastF = fg(trial, gTrial)
      return { f: lastF, df: dot(gTrial, d) }
    }
    const ls = wolfeLineSearch(phi, f, df0, alpha0)
    evaluations += ls.evaluations
    if (ls.alpha === 0) {
      // A stale memory can give a poor direction: retry once along the steepest descent.
      if (!restarted && memory.size > 0) {
        memory.clear()
        restarted = true
        continue
      }
      break
    }
    restarted = false
    const xNew = new Float64Array(n)
    for (let i = 0; i < n; i++) xNew[i] = x[i]! + ls.alpha * d[i]!
    let gNew: Float64Array
    if (lastAlpha === ls.alpha) {
      gNew = Float64Array.from(gTrial)
      f = lastF
    } else {
      // The line search's last evaluation was another trial: evaluate at the accepted point.
      gNew = new Float64Array(n)
      f = fg(xNew, gNew)
      evaluations++
    }
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!
      y[i] = gNew[i]! - g[i]!
    }
    memory.push(s, y)
    x = xNew
    g = gNew
    iterations++
  }
  const gradNorm = maxAbs(g)
  return { x, f, gradNorm, iterations, evaluations, converged: gradNorm <= options.gtol }
}
