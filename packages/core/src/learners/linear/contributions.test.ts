import { describe, expect, it } from 'vitest'
import { createRng } from '../../random/index.js'
import { isKeelError } from '../../errors/index.js'
import { numericFeatureColumns } from '../shared/numeric-features.js'
import { naiveBayes } from '../naive-bayes/index.js'
import { syntheticData } from '../conformance/datasets.js'
import { linearContributions } from './contributions.js'
import { logisticRegression } from './logistic-regression.js'
import { ridgeRegression } from './linear-regression.js'
import { sgdLinear } from './sgd-linear.js'

// Tolerance 1e-12 (relative to scores of order 1–10): the contributions are a re-association of the
// same products the model sums, so they agree with predictRaw up to floating-point rounding.

describe('exact contributions of linear models', () => {
  it('are coef × (x − reference) with the intercept as base, computed by hand (ridge)', () => {
    const data = syntheticData.regression({ n: 60, features: 3, seed: 4 })
    const model = ridgeRegression({ alpha: 0.5 }).fit(data, { rng: createRng(1) })
    const c = linearContributions(model, data.X)
    expect(c).toMatchObject({ features: ['x0', 'x1', 'x2'], outputs: ['score'], rows: 60 })
    expect(c.base).toEqual([model.intercept[0]])
    const x = numericFeatureColumns(data.X, model.features, 'test')
    for (const i of [0, 17, 59]) {
      for (let j = 0; j < 3; j++) expect(c.values[i * 3 + j]).toBe(model.coef[0]![j]! * x[j]![i]!)
    }
  })

  it('add up to the raw score from any reference (binary, multiclass, sgd)', () => {
    const binary = syntheticData.binary({ n: 120, seed: 2 })
    const multi = syntheticData.multiclass({ n: 150, seed: 3 })
    const cases = [
      { model: logisticRegression().fit(binary, { rng: createRng(1) }), X: binary.X },
      { model: logisticRegression().fit(multi, { rng: createRng(1) }), X: multi.X },
      { model: sgdLinear({ epochs: 10 }).fit(multi, { rng: createRng(1) }), X: multi.X },
    ]
    for (const { model, X } of cases) {
      const reference = { x0: 0.3, x2: -1.2 }
      const c = linearContributions(model, X, reference)
      const raw = model.predictRaw(X)
      const K = c.outputs.length
      const d = c.features.length
      expect(K).toBe(model.task === 'multiclass' ? model.classes!.length : 1)
      expect(c.reference).toEqual([0.3, 0, -1.2])
      for (let i = 0; i < X.numRows; i++) {
        for (let k = 0; k < K; k++) {
          let s = c.base[k]!
          for (let j = 0; j < d; j++) s += c.values[(i * K + k) * d + j]!
          expect(s).toBeCloseTo(raw[i * K + k]!, 12)
        }
      }
    }
  })

  it('refuse a non-linear model and a bad reference with structured errors', () => {
    const data = syntheticData.binary({ n: 60 })
    const other = naiveBayes().fit(data, { rng: createRng(1) })
    const linear = logisticRegression().fit(data, { rng: createRng(1) })
    const code = (f: () => unknown): unknown => {
      try {
        f()
      } catch (e) {
        if (isKeelError(e)) return { code: e.code, path: e.path.join('.') }
        throw e
      }
      return 'ok'
    }
    expect(code(() => linearContributions(other, data.X))).toEqual({
      code: 'INVALID_ARGUMENT',
      path: 'model',
    })
    expect(code(() => linearContributions(linear, data.X, { nope: 1 }))).toEqual({
      code: 'INVALID_ARGUMENT',
      path: 'reference.nope',
    })
    expect(code(() => linearContributions(linear, data.X, { x0: NaN }))).toEqual({
      code: 'INVALID_ARGUMENT',
      path: 'reference.x0',
    })
  })
})
