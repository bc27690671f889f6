import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn, textColumn } from '../frame/index.js'
import { imputer } from './impute.js'
import { fixture } from './test-support/fixtures.js'
import { columnData, expectClose, matrixFrame, opts, toMatrix } from './test-support/helpers.js'

describe('imputer against scikit-learn SimpleImputer(add_indicator=True)', () => {
  const fx = fixture('imputer.json')
  const names = ['a', 'b']
  for (const c of fx.cases) {
    it(c.strategy, () => {
      const strategy = c.strategy as 'mean' | 'median' | 'most_frequent'
      const fitted = imputer({ strategy, indicator: true }).fit(
        matrixFrame(fx.train, names),
        opts(),
      )
      expect(fitted.outputs.map((o) => o.name)).toEqual(['a', 'b', 'a__missing', 'b__missing'])
      // Means are compensated sums vs NumPy's pairwise sums: equal to a few ulps (1e-12 relative).
      expectClose(
        fitted.state.columns.map((s) => s.fill as number),
        c.statistics,
        1e-12,
      )
      expectClose(toMatrix(fitted.transform(matrixFrame(fx.train, names))), c.train_out, 1e-12)
      expectClose(toMatrix(fitted.transform(matrixFrame(fx.test, names))), c.test_out, 1e-12)
    })
  }
})

describe('imputer policies', () => {
  it('fills categorical and text columns with the most frequent value (ties: smallest)', () => {
    const f = Frame.fromColumns({
      c: categoricalColumn(['b', 'a', null, 'b', 'a']),
      t: textColumn(['x', null, 'y', 'y', 'x']),
    })
    const out = imputer({ indicator: true }).fit(f, opts()).transform(f)
    expect(columnData(out.column('c'))).toEqual(['b', 'a', 'a', 'b', 'a'])
    expect(columnData(out.column('t'))).toEqual(['x', 'x', 'y', 'y', 'x'])
    expect(Array.from(out.numeric('c__missing'))).toEqual([0, 0, 1, 0, 0])
  })

  it('applies per-column overrides', () => {
    const f = Frame.fromColumns({
      x: numericColumn([1, null, 3]),
      y: numericColumn([null, 10, 20]),
    })
    const fitted = imputer({
      strategy: 'median',
      perColumn: { y: { strategy: 'constant', fillValue: -1 } },
    }).fit(f, opts())
    expect(Array.from(fitted.transform(f).numeric('x'))).toEqual([1, 2, 3])
    expect(Array.from(fitted.transform(f).numeric('y'))).toEqual([-1, 10, 20])
  })

  it('refuses an all-missing column unless told to fill it', () => {
    const f = Frame.fromColumns({
      x: numericColumn([null, null]),
      c: categoricalColumn([null, null]),
    })
    expect(() => imputer().fit(f.select(['x']), opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['x'] }),
    )
    expect(() => imputer().fit(f.select(['c']), opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['c'] }),
    )
    const out = imputer({ empty: 'fill', fillValue: 7 }).fit(f, opts()).transform(f)
    expect(Array.from(out.numeric('x'))).toEqual([7, 7])
    expect(columnData(out.column('c'))).toEqual(['__MISSING__', '__MISSING__'])
  })

  it('treats infinities as an error, or as missing on request', () => {
    const f = Frame.fromColumns({ x: numericColumn([1, Infinity, 3]) })
    expect(() => imputer().fit(f, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['x', 1] }),
    )
    const out = imputer({ infinity: 'missing' }).fit(f, opts()).transform(f)
    expect(Array.from(out.numeric('x'))).toEqual([1, 2, 3])
  })

  it('rejects a mean for a categorical column as a parameter error', () => {
    const f = Frame.fromColumns({ c: categoricalColumn(['a', null]) })
    expect(() => imputer({ perColumn: { c: { strategy: 'mean' } } }).fit(f, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS' }),
    )
  })

  it('keeps a boolean column boolean only when its fill is 0 or 1', () => {
    const f = Frame.fromRows([{ b: true }, { b: false }, { b: null }, { b: true }], {
      b: 'boolean',
    })
    expect(imputer({ strategy: 'most_frequent' }).fit(f, opts()).outputs[0]?.kind).toBe('boolean')
    expect(imputer({ strategy: 'mean' }).fit(f, opts()).outputs[0]?.kind).toBe('numeric')
  })
})
