import { describe, expect, it } from 'vitest'
import { isKeelError } from '../errors/index.js'
import { Frame, categoricalColumn, numericColumn } from '../frame/index.js'
import { fixture } from './test-support/fixtures.js'
import { expectClose, matrixFrame, opts, toMatrix } from './test-support/helpers.js'
import {
  log1pTransform,
  minMaxScaler,
  quantileClipper,
  robustScaler,
  standardScaler,
} from './scale.js'
import { POWER_LAMBDA_LIMIT, powerTransformer } from './power.js'

describe('scalers against scikit-learn', () => {
  const fx = fixture('scalers.json')
  const train = matrixFrame(fx.train, fx.columns)
  const test = matrixFrame(fx.test, fx.columns)

  // Means and variances are compensated sums here and pairwise sums in NumPy: they agree to a few
  // ulps, so 1e-12 relative (plus 1e-12 absolute for values near zero) is ample and still catches
  // any formula difference.
  it('standard scaler', () => {
    const fitted = standardScaler().fit(train, opts())
    expectClose(
      fitted.state.columns.map((c) => c.center),
      fx.standard.mean,
      1e-12,
    )
    expectClose(
      fitted.state.columns.map((c) => c.scale),
      fx.standard.scale,
      1e-12,
    )
    expectClose(toMatrix(fitted.transform(train)), fx.standard.train, 1e-12, 1e-12)
    expectClose(toMatrix(fitted.transform(test)), fx.standard.test, 1e-12, 1e-12)
  })

  // Min and max are exact and the operation order is scikit-learn's, so results are bit-identical.
  it('min-max scaler', () => {
    const fitted = minMaxScaler({ range: [-1, 1] }).fit(train, opts())
    expect(toMatrix(fitted.transform(train))).toEqual(
      fx.minmax.train.map((r: (number | null)[]) => r.map((v) => v ?? NaN)),
    )
    expectClose(toMatrix(fitted.transform(test)), fx.minmax.test, 0)
  })

  // Percentiles follow NumPy's lerp exactly: bit-identical.
  it('robust scaler', () => {
    const fitted = robustScaler().fit(train, opts())
    expectClose(
      fitted.state.columns.map((c) => c.center),
      fx.robust.center,
      0,
    )
    expectClose(
      fitted.state.columns.map((c) => c.scale),
      fx.robust.scale,
      0,
    )
    expectClose(toMatrix(fitted.transform(test)), fx.robust.test, 0)
  })

  it('keeps scale 1 on a constant column', () => {
    const f = Frame.fromColumns({ c: numericColumn([3, 3, 3]) })
    expect(standardScaler().fit(f, opts()).state.columns[0]).toEqual({ center: 3, scale: 1 })
    expect(robustScaler().fit(f, opts()).state.columns[0]).toEqual({ center: 3, scale: 1 })
    expect(Array.from(minMaxScaler().fit(f, opts()).transform(f).numeric('c'))).toEqual([0, 0, 0])
  })
})

describe('power transformer against scikit-learn', () => {
  const fx = fixture('power.json')
  // Lambda comes from the same bracket + Brent iteration as SciPy, but near the optimum the
  // log-likelihood is flat to within rounding, so a 1e-16 difference in summation order (NumPy
  // sums pairwise) can change Brent's last comparisons. Both runs stop within ~2 tolerances
  // (1.48e-8·|λ| + 1e-11) of the optimum, so lambdas agree to 1e-7 (measured: ≤ 2.3e-8). Outputs
  // move by dy/dλ·Δλ, with dy/dλ of order one on these data: 1e-6 relative / 1e-7 absolute.
  for (const c of fx.cases) {
    it(`${c.method} standardize=${c.standardize}`, () => {
      const names = ['a', 'b', 'c']
      const fitted = powerTransformer({ method: c.method, standardize: c.standardize }).fit(
        matrixFrame(c.train, names),
        opts(),
      )
      expectClose(
        fitted.state.columns.map((s) => s.lambda),
        c.lambdas,
        0,
        1e-7,
      )
      expectClose(toMatrix(fitted.transform(matrixFrame(c.train, names))), c.train_out, 1e-6, 1e-7)
      expectClose(toMatrix(fitted.transform(matrixFrame(c.test, names))), c.test_out, 1e-6, 1e-7)
    })
  }

  it('refuses non-positive values for Box-Cox at fit and at transform', () => {
    const f = Frame.fromColumns({ x: numericColumn([1, 2, 0.5, 4]) })
    const fitted = powerTransformer({ method: 'box-cox' }).fit(f, opts())
    const bad = Frame.fromColumns({ x: numericColumn([1, -2]) })
    expect(() => fitted.transform(bad)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['x', 1] }),
    )
    expect(() => powerTransformer({ method: 'box-cox' }).fit(bad, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    )
  })
  it('bounds lambda on a degenerate column, so values just outside training stay finite', () => {
    // Zeros and one 4e-9: the unbounded likelihood search runs to lambda ~ -1e9, where -9e-7
    // would transform to -Infinity.
    const train = Frame.fromColumns({ x: numericColumn([4.461601865735077e-9, 0, 0, 0, 0]) })
    const fitted = powerTransformer().fit(train, opts())
    const { lambda } = (fitted.toJSON() as { state: { columns: { lambda: number }[] } }).state
      .columns[0]!
    expect(Math.abs(lambda)).toBe(POWER_LAMBDA_LIMIT)
    const out = fitted
      .transform(Frame.fromColumns({ x: numericColumn([-8.801724690199464e-7, 1e-3, 5]) }))
      .numeric('x')
    for (const v of out) expect(Number.isFinite(v)).toBe(true)
  })
})

describe('numeric steps on bad input', () => {
  const f = Frame.fromColumns({ x: numericColumn([1, 2, null, 8]) })

  it('keeps missing values missing by default and refuses them on request', () => {
    const out = standardScaler().fit(f, opts()).transform(f).numeric('x')
    expect(Number.isNaN(out[2]!)).toBe(true)
    expect(Number.isNaN(out[0]!)).toBe(false)
    expect(() => standardScaler({ missing: 'error' }).fit(f, opts()).transform(f)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['x', 2] }),
    )
  })

  it('refuses infinities at fit and at transform', () => {
    const inf = Frame.fromColumns({ x: numericColumn([1, Infinity]) })
    expect(() => standardScaler().fit(inf, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    )
    expect(() => standardScaler().fit(f, opts()).transform(inf)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['x', 1] }),
    )
  })

  it('refuses an all-missing column at fit', () => {
    const empty = Frame.fromColumns({ x: numericColumn([null, null]) })
    for (const t of [
      standardScaler(),
      robustScaler(),
      minMaxScaler(),
      quantileClipper(),
      powerTransformer(),
    ]) {
      expect(() => t.fit(empty, opts()), t.kind).toThrow(
        expect.objectContaining({ code: 'INVALID_DATA' }),
      )
    }
  })

  it('answers text in a numeric column with SCHEMA_MISMATCH', () => {
    const fitted = standardScaler().fit(f, opts())
    const text = Frame.fromColumns({ x: categoricalColumn(['1', '2', '3', '4']) })
    try {
      fitted.transform(text)
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('SCHEMA_MISMATCH')
      expect(isKeelError(e) && e.issues[0]?.path).toEqual(['x'])
    }
    expect(() => standardScaler().fit(text, opts())).toThrow(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH' }),
    )
  })

  it('log1p refuses values at or below -1 instead of producing NaN', () => {
    const fitted = log1pTransform().fit(f, opts())
    expect(() => fitted.transform(Frame.fromColumns({ x: numericColumn([0, -1.5]) }))).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['x', 1] }),
    )
    expect(
      Array.from(
        fitted.transform(Frame.fromColumns({ x: numericColumn([0, Math.E - 1]) })).numeric('x'),
      ),
    ).toEqual([0, 1])
  })

  it('clips to training quantiles', () => {
    const g = Frame.fromColumns({ x: numericColumn(Array.from({ length: 101 }, (_, i) => i)) })
    const fitted = quantileClipper({ lower: 0.1, upper: 0.9 }).fit(g, opts())
    expect(fitted.state.columns[0]).toEqual({ low: 10, high: 90 })
    expect(
      Array.from(
        fitted.transform(Frame.fromColumns({ x: numericColumn([-5, 50, 500]) })).numeric('x'),
      ),
    ).toEqual([10, 50, 90])
  })
})
