import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn, textColumn } from '../frame/index.js'
import { discretizer } from './discretize.js'
import { frequencyEncoder } from './frequency.js'
import { oneHotEncoder } from './one-hot.js'
import { ordinalEncoder } from './ordinal.js'
import { fixture } from './test-support/fixtures.js'
import { columnData, matrixFrame, opts, toMatrix } from './test-support/helpers.js'

const strings = (rows: string[][], names: string[]): Frame =>
  Frame.fromColumns(
    Object.fromEntries(names.map((n, j) => [n, categoricalColumn(rows.map((r) => r[j]!))])),
  )

describe('discretizer against scikit-learn KBinsDiscretizer(encode="ordinal")', () => {
  const fx = fixture('discretizer.json')
  const names = ['a', 'b', 'c']
  for (const c of fx.cases) {
    // Edges follow NumPy's linspace and percentile lerp exactly and binning is a comparison, so the
    // edges and codes are bit-identical (including the merged narrow bins of column c).
    it(`${c.strategy} with ${c.n_bins} bins`, () => {
      const fitted = discretizer({ strategy: c.strategy, bins: c.n_bins }).fit(
        matrixFrame(fx.train, names),
        opts(),
      )
      expect(fitted.state.columns.map((s) => s.edges)).toEqual(
        c.edges.map((e: number[]) => e.slice(1, -1)),
      )
      expect(toMatrix(fitted.transform(matrixFrame(fx.train, names)))).toEqual(c.train_out)
      expect(toMatrix(fitted.transform(matrixFrame(fx.test, names)))).toEqual(c.test_out)
    })
  }

  it('uses custom edges and labels categorical bins by their intervals', () => {
    const f = Frame.fromColumns({ age: numericColumn([5, 18, 21, 64, 90, null]) })
    const fitted = discretizer({
      strategy: 'custom',
      edges: [18, 22, 65],
      output: 'categorical',
    }).fit(f, opts())
    const out = fitted.transform(f)
    expect(columnData(out.column('age'))).toEqual([
      '(-inf, 18)',
      '[18, 22)',
      '[18, 22)',
      '[22, 65)',
      '[65, inf)',
      null,
    ])
    expect(out.categorical('age').dictionary).toBe(fitted.outputs[0]!.categories)
  })

  it('gives a constant column a single bin', () => {
    const f = Frame.fromColumns({ x: numericColumn([2, 2, 2]) })
    const out = discretizer()
      .fit(f, opts())
      .transform(Frame.fromColumns({ x: numericColumn([-1, 2, 9]) }))
    expect(Array.from(out.numeric('x'))).toEqual([0, 0, 0])
  })
})

describe('one-hot encoder against scikit-learn (handle_unknown="infrequent_if_exist")', () => {
  const fx = fixture('onehot.json')
  for (const c of fx.cases) {
    it(`min_frequency=${c.min_frequency} max_categories=${c.max_categories}`, () => {
      const fitted = oneHotEncoder({
        unknown: 'infrequent-if-exist',
        ...(c.min_frequency === null ? {} : { minFrequency: c.min_frequency }),
        ...(c.max_categories === null ? {} : { maxCategories: c.max_categories }),
      }).fit(strings(fx.train, fx.columns), opts())
      // scikit-learn names the infrequent column `<name>_infrequent_sklearn`; Keel `<name>=__UNKNOWN__`.
      const names = c.feature_names.map((n: string) =>
        n.endsWith('_infrequent_sklearn') ? `${n.split('_')[0]}=__UNKNOWN__` : n.replace('_', '='),
      )
      expect(fitted.outputs.map((o) => o.name)).toEqual(names)
      expect(fitted.state.columns.map((s) => s.infrequent)).toEqual(
        c.infrequent.map((x: string[] | null) => x ?? []),
      )
      expect(toMatrix(fitted.transform(strings(fx.train, fx.columns)))).toEqual(c.train_out)
      expect(toMatrix(fitted.transform(strings(fx.test, fx.columns)))).toEqual(c.test_out)
    })
  }

  it('keeps an __UNKNOWN__ column by default and sends unseen categories there', () => {
    const f = Frame.fromColumns({ c: categoricalColumn(['a', 'b', 'a']) })
    const fitted = oneHotEncoder().fit(f, opts())
    expect(fitted.outputs.map((o) => o.name)).toEqual(['c=a', 'c=b', 'c=__UNKNOWN__'])
    const out = fitted.transform(Frame.fromColumns({ c: textColumn(['z', 'b']) }))
    expect(toMatrix(out)).toEqual([
      [0, 0, 1],
      [0, 1, 0],
    ])
  })

  it('gives missing values their own column when they occurred at fit', () => {
    const f = Frame.fromColumns({ c: categoricalColumn(['a', null, 'a']) })
    const fitted = oneHotEncoder({ unknown: 'ignore' }).fit(f, opts())
    expect(fitted.outputs.map((o) => o.name)).toEqual(['c=a', 'c=__MISSING__'])
    expect(
      toMatrix(fitted.transform(Frame.fromColumns({ c: categoricalColumn([null, 'q']) }))),
    ).toEqual([
      [0, 1],
      [0, 0],
    ])
  })

  it('refuses unseen categories under unknown: error', () => {
    const f = Frame.fromColumns({ c: categoricalColumn(['a', 'b']) })
    expect(() =>
      oneHotEncoder({ unknown: 'error' })
        .fit(f, opts())
        .transform(Frame.fromColumns({ c: categoricalColumn(['b', 'zz']) })),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA', path: ['c', 1] }))
  })
})

describe('ordinal and frequency encoders', () => {
  const f = Frame.fromColumns({ c: categoricalColumn(['b', 'a', 'b', null, 'c']) })
  const unseen = Frame.fromColumns({ c: categoricalColumn(['c', 'zz', null]) })

  it('codes categories in sorted order, unseen as the unknown value', () => {
    const fitted = ordinalEncoder().fit(f, opts())
    expect(Array.from(fitted.transform(unseen).numeric('c'))).toEqual([2, -1, NaN])
  })

  it('pins the training dictionary for categorical output', () => {
    const fitted = ordinalEncoder({ output: 'categorical' }).fit(f, opts())
    const out = fitted.transform(unseen).categorical('c')
    expect(out.dictionary).toEqual(['a', 'b', 'c', '__UNKNOWN__'])
    expect(Array.from(out.codes)).toEqual([2, 3, -1])
  })

  it('encodes frequencies, 0 for unseen and the missing share for missing', () => {
    const fitted = frequencyEncoder().fit(f, opts())
    expect(Array.from(fitted.transform(unseen).numeric('c'))).toEqual([0.2, 0, 0.2])
    expect(
      Array.from(frequencyEncoder({ scale: 'count' }).fit(f, opts()).transform(f).numeric('c')),
    ).toEqual([2, 1, 2, 1, 1])
  })

  it('encodes numeric columns by their string form', () => {
    const g = Frame.fromColumns({ n: numericColumn([3, 1, 3]) })
    const fitted = oneHotEncoder({ unknown: 'ignore' }).fit(g, opts())
    expect(fitted.outputs.map((o) => o.name)).toEqual(['n=1', 'n=3'])
  })
})
