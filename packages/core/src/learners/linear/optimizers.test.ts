import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isKeelError } from '../../errors/index.js'
import { minimizeLbfgs, type SmoothObjective } from './lbfgs.js'
import { minimizeOwlqn } from './owlqn.js'
import { wolfeLineSearch } from './line-search.js'

const rosenbrock: SmoothObjective = (x, g) => {
  let f = 0
  g.fill(0)
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1]! - x[i]! ** 2
    const b = 1 - x[i]!
    f += 100 * a * a + b * b
    g[i] = g[i]! - 400 * x[i]! * a - 2 * b
    g[i + 1] = g[i + 1]! + 200 * a
  }
  return f
}

/** ½ Σ hᵢ (xᵢ − cᵢ)²: a separable quadratic with known minimizer. */
const quadratic =
  (h: Float64Array, c: Float64Array): SmoothObjective =>
  (x, g) => {
    let f = 0
    for (let i = 0; i < x.length; i++) {
      const d = x[i]! - c[i]!
      f += 0.5 * h[i]! * d * d
      g[i] = h[i]! * d
    }
    return f
  }

describe('L-BFGS', () => {
  it('solves the 10-dimensional Rosenbrock function to a 1e-10 gradient', () => {
    const r = minimizeLbfgs(rosenbrock, new Float64Array(10).fill(-1.2), {
      gtol: 1e-10,
      maxIter: 500,
    })
    expect(r.converged).toBe(true)
    // At a 1e-10 gradient the error is bounded by gradient / smallest curvature (≈ 0.4 here).
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-8)
  })

  test.prop(
    [
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: 3 }),
    ],
    {
      numRuns: 30,
    },
  )('finds the minimizer of a quadratic with condition number up to 1e3', (c, spread) => {
    const n = c.length
    const h = Float64Array.from({ length: n }, (_, i) => 10 ** ((spread * i) / Math.max(1, n - 1)))
    const r = minimizeLbfgs(quadratic(h, Float64Array.from(c)), new Float64Array(n), {
      gtol: 1e-10,
      maxIter: 1000,
    })
    expect(r.converged).toBe(true)
    r.x.forEach((v, i) => expect(Math.abs(v - c[i]!)).toBeLessThanOrEqual(1e-10 / h[i]! + 1e-12))
  })

  it('stops on an aborted signal with CANCELLED', () => {
    const ctrl = new AbortController()
    ctrl.abort()
    try {
      minimizeLbfgs(rosenbrock, new Float64Array(4), {
        gtol: 1e-10,
        maxIter: 10,
        signal: ctrl.signal,
      })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('CANCELLED')
    }
  })

  it('reports non-convergence instead of pretending', () => {
    const r = minimizeLbfgs(rosenbrock, new Float64Array(10).fill(-1.2), {
      gtol: 1e-10,
      maxIter: 3,
    })
    expect(r.converged).toBe(false)
    expect(r.iterations).toBe(3)
  })
})

describe('strong-Wolfe line search', () => {
  it('returns a step meeting both Wolfe conditions on a 1-D quadratic', () => {
    // φ(α) = (α − 3)², φ(0) = 9, φ'(0) = −6.
    const phi = (a: number) => ({ f: (a - 3) ** 2, df: 2 * (a - 3) })
    const r = wolfeLineSearch(phi, 9, -6, 1)
    expect(r.f).toBeLessThanOrEqual(9 + 1e-4 * r.alpha * -6)
    expect(Math.abs(r.df)).toBeLessThanOrEqual(0.9 * 6)
  })

  it('accepts steps by slope once values drown in rounding (approximate Wolfe)', () => {
    // A flat-valued function where only the derivative carries information near α = 1.
    const phi = (a: number) => ({ f: 1, df: -1e-12 * (1 - a) })
    const r = wolfeLineSearch(phi, 1, -1e-12, 1)
    expect(r.alpha).toBeGreaterThan(0)
  })
})

describe('OWL-QN', () => {
  test.prop(
    [
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 10 }),
      fc.double({ min: 0.01, max: 3, noNaN: true }),
    ],
    {
      numRuns: 30,
    },
  )('solves ½h(x−c)² + λ|x| by soft thresholding, with exact zeros', (c, lam) => {
    const n = c.length
    const h = Float64Array.from({ length: n }, (_, i) => 1 + i)
    const l1 = new Float64Array(n).fill(lam)
    const r = minimizeOwlqn(quadratic(h, Float64Array.from(c)), l1, new Float64Array(n), {
      gtol: 1e-10,
      maxIter: 1000,
    })
    expect(r.converged).toBe(true)
    c.forEach((ci, i) => {
      const t = Math.sign(ci) * Math.max(0, Math.abs(ci) - lam / h[i]!)
      if (t === 0) expect(r.x[i]).toBe(0)
      else expect(Math.abs(r.x[i]! - t)).toBeLessThan(1e-9)
    })
  })

  it('leaves coordinates with a zero L1 weight unpenalized', () => {
    const r = minimizeOwlqn(
      quadratic(Float64Array.of(1, 1), Float64Array.of(0.5, 0.5)),
      Float64Array.of(0, 1),
      new Float64Array(2),
      {
        gtol: 1e-10,
        maxIter: 100,
      },
    )
    expect(r.x[0]).toBeCloseTo(0.5, 10)
    expect(r.x[1]).toBe(0)
  })
})
