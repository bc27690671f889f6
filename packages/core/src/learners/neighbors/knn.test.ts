import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import { registerModelKind } from '../registry.js'
import { runLearnerConformance } from '../conformance/conformance.js'
import { numericFrame, syntheticData } from '../conformance/datasets.js'
import { KNN_MODEL_KIND, kNearestNeighbors, loadKnnModel } from './knn.js'

registerModelKind(KNN_MODEL_KIND, loadKnnModel)

const read = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../../test/fixtures/linear/${name}`, import.meta.url), 'utf8'),
  ) as T

interface Split {
  train: number[]
  test: number[]
}
const knnFx = read<{
  classification: Split & {
    cases: { k: number; weights: string; proba: number[][]; predict: number[] }[]
  }
  regression: Split & { cases: { k: number; weights: string; predict: number[] }[] }
}>('knn.json')
const multi = read<{ X: { scaled: number[][] }; y: number[] }>('logistic-multinomial.json')
const reg = read<{ X: number[][]; y: number[] }>('regression.json')

const rows = (X: Frame, idx: number[]): Frame => X.take(idx)

describe('kNN matches scikit-learn', () => {
  const rng = createRng(0)
  const Xc = numericFrame(multi.X.scaled)
  const yc = Float64Array.from(multi.y)
  const cf = knnFx.classification
  for (const c of cf.cases) {
    it(`classifier k=${c.k} ${c.weights}`, () => {
      const m = kNearestNeighbors({ k: c.k, weights: c.weights }).fit(
        {
          X: rows(Xc, cf.train),
          y: Float64Array.from(cf.train, (i) => yc[i]!),
          task: 'multiclass',
          classes: ['0', '1', '2'],
        },
        { rng },
      )
      const Xt = rows(Xc, cf.test)
      const proba = m.predictProba(Xt)
      // Uniform votes are exact fractions. Distance weights: scikit-learn computes distances with
      // the ‖a‖² − 2a·b + ‖b‖² expansion, Keel with exact differences; on these O(10)-scaled rows
      // the two agree to ~1e-14 relative, and so do the weighted shares.
      c.proba.forEach((row, i) =>
        row.forEach((p, k) => expect(Math.abs(proba[i * 3 + k]! - p)).toBeLessThan(1e-12)),
      )
      expect(Array.from(m.predict(Xt))).toEqual(c.predict)
    })
  }
  const Xr = numericFrame(reg.X)
  const rf = knnFx.regression
  for (const c of rf.cases) {
    it(`regressor k=${c.k} ${c.weights}`, () => {
      const m = kNearestNeighbors({ k: c.k, weights: c.weights }).fit(
        {
          X: rows(Xr, rf.train),
          y: Float64Array.from(rf.train, (i) => reg.y[i]!),
          task: 'regression',
        },
        { rng },
      )
      const pred = m.predict(rows(Xr, rf.test))
      // Means of the same neighbours' targets; relative 1e-12 covers summation order.
      c.predict.forEach((v, i) =>
        expect(Math.abs(pred[i]! - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))),
      )
    })
  }
})

describe('kNN behaviour', () => {
  const rng = createRng(1)
  it('an exact match takes all the weight under distance weighting', () => {
    const X = Frame.fromColumns({ a: numericColumn([0, 1, 2, 3]) })
    const m = kNearestNeighbors({ k: 3, weights: 'distance' }).fit(
      { X, y: Float64Array.from([10, 20, 30, 40]), task: 'regression' },
      { rng },
    )
    expect(m.predict(Frame.fromColumns({ a: numericColumn([1]) }))[0]).toBe(20)
  })

  it('breaks distance ties by training-row order', () => {
    const X = Frame.fromColumns({ a: numericColumn([-1, 1, -1, 1]) })
    const m = kNearestNeighbors({ k: 1 }).fit(
      { X, y: Float64Array.from([0, 1, 1, 0]), task: 'binary', classes: ['l', 'r'] },
      { rng },
    )
    expect(m.predict(Frame.fromColumns({ a: numericColumn([0]) }))[0]).toBe(0)
  })

  it('rejects k larger than the training set', () => {
    expect(() => kNearestNeighbors({ k: 10 }).fit(syntheticData.binary({ n: 6 }), { rng })).toThrow(
      /k = 10/,
    )
  })
})

const slots = 'a duplicated row takes a neighbour slot, a weighted row does not'
runLearnerConformance({
  name: 'knn (binary, distance)',
  make: () => kNearestNeighbors({ k: 7, weights: 'distance' }),
  data: () => syntheticData.binary({ weighted: true }),
  skip: { weights: slots },
})
runLearnerConformance({
  name: 'knn (multiclass)',
  make: () => kNearestNeighbors({ k: 5 }),
  data: () => syntheticData.multiclass(),
  skip: { weights: slots },
})
runLearnerConformance({
  name: 'knn (regression)',
  make: () => kNearestNeighbors({ k: 4 }),
  data: () => syntheticData.regression(),
  skip: { weights: slots },
})
