import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, textColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { crossFitEncoding, fitEncoding } from './internal/target-stats.js'
import { assignFolds, targetEncoder } from './target-encoder.js'
import { fixture } from './test-support/fixtures.js'
import { expectClose, opts } from './test-support/helpers.js'

const fx = fixture('target_encoder.json')
const categories: string[] = [...new Set<string>(fx.values)].sort()
const codes = Int32Array.from(fx.values as string[], (v) => categories.indexOf(v))
const folds = Int32Array.from(fx.folds as number[])

describe('target encoding against the scikit-learn 1.3 definition', () => {
  for (const c of fx.cases) {
    // Keel accumulates shifted sums (Σ(y−ȳ), Σ(y−ȳ)²) where the reference takes two passes per
    // category; the results agree to ~1e-15 relative. 1e-12 leaves room without hiding a wrong formula.
    it(`${c.target} target, smooth=${c.smooth}`, () => {
      const y = Float64Array.from(c.y as number[])
      expect(c.categories).toEqual(categories)
      const { encodings, mean } = fitEncoding(codes, y, categories.length, c.smooth)
      expectClose(Array.from(encodings), c.encodings, 1e-12, 1e-12)
      expectClose([mean], [c.target_mean], 1e-15)
      const oof = crossFitEncoding(
        codes,
        y,
        categories.length,
        folds,
        5,
        c.smooth,
        new Float64Array(y.length),
      )
      expectClose(Array.from(oof), c.oof, 1e-12, 1e-12)
    })
  }

  it('the transformer uses the same whole-data encodings', () => {
    const c = fx.cases[0]
    const frame = Frame.fromColumns({ airport: categoricalColumn(fx.values) })
    const fitted = targetEncoder().fit(frame, opts({ y: Float64Array.from(c.y), task: 'binary' }))
    expect(fitted.state.columns[0]!.categories).toEqual(categories)
    expectClose(fitted.state.columns[0]!.encodings[0]!, c.encodings, 1e-12, 1e-12)
  })
})

describe('target encoder behaviour', () => {
  const frame = Frame.fromColumns({
    c: categoricalColumn(['a', 'a', 'b', 'b', 'b', 'c', null, 'a', 'c', 'b']),
  })
  const y = Float64Array.from([1, 0, 1, 1, 0, 0, 1, 1, 0, 1])

  it('fitTransform is out-of-fold: differs from transform of the same rows', () => {
    const { fitted, output } = targetEncoder({ folds: 2 }).fitTransform(
      frame,
      opts({ y, task: 'binary' }),
    )
    const again = fitted.transform(frame).numeric('c')
    expect(Array.from(output.numeric('c'))).not.toEqual(Array.from(again))
  })

  it('is deterministic for a seed and draws folds from the generator', () => {
    const a = targetEncoder({ folds: 3 }).fitTransform(frame, {
      rng: createRng(1),
      y,
      task: 'binary',
    }).output
    const b = targetEncoder({ folds: 3 }).fitTransform(frame, {
      rng: createRng(1),
      y,
      task: 'binary',
    }).output
    expect(Array.from(a.numeric('c'))).toEqual(Array.from(b.numeric('c')))
  })

  it('encodes unseen categories as the training mean and missing as its own category', () => {
    const fitted = targetEncoder().fit(frame, opts({ y, task: 'binary' }))
    const out = fitted.transform(Frame.fromColumns({ c: textColumn(['zzz', null]) })).numeric('c')
    expect(out[0]).toBe(0.6)
    expect(out[1]).toBe(fitted.state.columns[0]!.missing![0])
  })

  it('gives one column per class for multiclass targets', () => {
    const yk = Float64Array.from([0, 1, 2, 2, 1, 0, 0, 1, 2, 2])
    const fitted = targetEncoder().fit(frame, opts({ y: yk, task: 'multiclass' }))
    expect(fitted.outputs.map((o) => o.name)).toEqual(['c__0', 'c__1', 'c__2'])
  })

  it('needs the target and checks it', () => {
    expect(() => targetEncoder().fit(frame, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() => targetEncoder().fit(frame, opts({ y: new Float64Array(3) }))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    const bad = y.slice()
    bad[2] = NaN
    expect(() => targetEncoder().fit(frame, opts({ y: bad }))).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['y', 2] }),
    )
  })

  it('stratifies folds by class', () => {
    const yy = Float64Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0))
    const f = assignFolds(createRng(3), yy, 5, true)
    for (let k = 0; k < 5; k++) {
      const rows = [...f.keys()].filter((i) => f[i] === k)
      expect(rows.length).toBe(200)
      expect(rows.filter((i) => yy[i] === 1).length).toBe(40)
    }
  })
})
