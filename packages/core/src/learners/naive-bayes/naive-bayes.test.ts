import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import { registerModelKind } from '../registry.js'
import { runLearnerConformance } from '../conformance/conformance.js'
import { numericFrame, syntheticData } from '../conformance/datasets.js'
import { NAIVE_BAYES_MODEL_KIND, loadNaiveBayesModel, naiveBayes } from './naive-bayes.js'

registerModelKind(NAIVE_BAYES_MODEL_KIND, loadNaiveBayesModel)

interface NbFixture {
  gaussian: {
    X: number[][]
    y: number[]
    sampleWeight: number[]
    cases: { varSmoothing: number; sampleWeight: boolean; proba: number[][]; predict: number[] }[]
  }
  categorical: { X: number[][]; y: number[]; cases: { alpha: number; proba: number[][] }[] }
}
const fx = JSON.parse(
  readFileSync(
    new URL('../../../../../test/fixtures/linear/naive-bayes.json', import.meta.url),
    'utf8',
  ),
) as NbFixture

describe('naive Bayes matches scikit-learn', () => {
  const rng = createRng(0)
  const g = fx.gaussian
  for (const c of g.cases) {
    it(`GaussianNB var_smoothing=${c.varSmoothing} weighted=${c.sampleWeight}`, () => {
      const X = numericFrame(g.X)
      const m = naiveBayes({ varSmoothing: c.varSmoothing }).fit(
        {
          X,
          y: Float64Array.from(g.y),
          task: 'multiclass',
          classes: ['0', '1', '2'],
          ...(c.sampleWeight ? { weight: Float64Array.from(g.sampleWeight) } : {}),
        },
        { rng },
      )
      const proba = m.predictProba(X)
      // Same formulas in the same summation order; what remains is libm's log/exp and the final
      // softmax written differently (a few ulps): 1e-12 absolute on probabilities.
      c.proba.forEach((row, i) =>
        row.forEach((p, k) => expect(Math.abs(proba[i * 3 + k]! - p)).toBeLessThan(1e-12)),
      )
      expect(Array.from(m.predict(X))).toEqual(c.predict)
    })
  }
  for (const c of fx.categorical.cases) {
    it(`CategoricalNB alpha=${c.alpha}`, () => {
      const X = Frame.fromColumns(
        Object.fromEntries(
          fx.categorical.X.map((col, j) => [`c${j}`, categoricalColumn(col.map(String))]),
        ),
      )
      const m = naiveBayes({ alpha: c.alpha }).fit(
        { X, y: Float64Array.from(fx.categorical.y), task: 'multiclass', classes: ['0', '1', '2'] },
        { rng },
      )
      const proba = m.predictProba(X)
      // Log-count differences and one softmax: a few ulps.
      c.proba.forEach((row, i) =>
        row.forEach((p, k) => expect(Math.abs(proba[i * 3 + k]! - p)).toBeLessThan(1e-12)),
      )
    })
  }
})

describe('naive Bayes behaviour', () => {
  const rng = createRng(1)
  const X = Frame.fromColumns({
    d: numericColumn([1, 2, 3, 10, 11, 12]),
    o: categoricalColumn(['a', 'a', 'b', 'b', 'c', 'c']),
  })
  const data = {
    X,
    y: Float64Array.from([0, 0, 0, 1, 1, 1]),
    task: 'binary' as const,
    classes: ['n', 'y'],
  }

  it('marginalizes missing values out instead of failing', () => {
    const m = naiveBayes().fit(data, { rng })
    const q = Frame.fromColumns({ d: numericColumn([null, 11]), o: categoricalColumn(['a', null]) })
    const onlyCat = m.predictProba(q.slice(0, 1))
    const onlyNum = m.predictProba(q.slice(1, 2))
    const catModel = naiveBayes().fit({ ...data, X: X.select(['o']) }, { rng })
    const numModel = naiveBayes().fit({ ...data, X: X.select(['d']) }, { rng })
    expect(onlyCat[1]).toBeCloseTo(catModel.predictProba(q.select(['o']).slice(0, 1))[1]!, 12)
    expect(onlyNum[1]).toBeCloseTo(numModel.predictProba(q.select(['d']).slice(1, 2))[1]!, 12)
  })

  it('gives an unseen category the smoothed zero-count probability', () => {
    const m = naiveBayes({ alpha: 1 }).fit({ ...data, X: X.select(['o']) }, { rng })
    const q = Frame.fromColumns({ o: categoricalColumn(['zzz']) })
    // Each class saw 3 rows over 3 categories: P(unseen | c) = 1 / (3 + 3) for both → the prior.
    expect(m.predictProba(q)[1]).toBeCloseTo(0.5, 12)
  })
})

const nbWeights =
  'var_smoothing scales by the unweighted feature variance (as scikit-learn), which a duplicated row changes by ~1e-9 relative'
runLearnerConformance({
  name: 'naive-bayes (binary, mixed features)',
  make: () => naiveBayes(),
  data: () => syntheticData.binary({ categorical: true, weighted: true }),
  // The epsilon term shifts variances by ~1e-9·max variance; log-likelihoods move by less than 1e-8.
  weightTolerance: 1e-8,
})
runLearnerConformance({
  name: 'naive-bayes (multiclass)',
  make: () => naiveBayes({ varSmoothing: 1e-3, alpha: 0.5 }),
  data: () => syntheticData.multiclass({ categorical: true }),
  skip: { weights: nbWeights },
})
