import { describe, expect, it } from 'vitest'
import { createRng } from '../../random/index.js'
import { isKeelError } from '../../errors/index.js'
import { loadModel, registerModelKind } from '../registry.js'
import { subsetTrainingSet } from '../shared/training-set.js'
import { syntheticData } from '../conformance/datasets.js'
import { sgdLinear } from './sgd-linear.js'
import { SGD_LINEAR_MODEL_KIND, loadSgdLinearModel } from './sgd-model.js'
import { logisticRegression } from './logistic-regression.js'
import { ridgeRegression } from './linear-regression.js'

registerModelKind(SGD_LINEAR_MODEL_KIND, loadSgdLinearModel)

const logLoss = (proba: Float64Array, y: Float64Array): number =>
  -y.reduce((s, c, i) => s + Math.log(proba[i * 2 + c]!), 0) / y.length

const accuracy = (pred: Float64Array, y: Float64Array): number =>
  pred.reduce((s, p, i) => s + (p === y[i] ? 1 : 0), 0) / y.length

describe('sgd-linear', () => {
  it('approaches the batch ridge solution on regression', () => {
    const data = syntheticData.regression({ n: 400, features: 4 })
    const batch = ridgeRegression({ alpha: 0 }).fit(data, { rng: createRng(1) })
    const sgd = sgdLinear({ epochs: 60, learningRate: 0.05, alpha: 0, batchSize: 16 }).fit(data, {
      rng: createRng(1),
    })
    // Adam with a constant step hovers around the optimum; on unit-scale features with noise 0.3 it
    // settles within a few 1e-2 of the exact least-squares coefficients.
    sgd.coef[0]!.forEach((w, j) => expect(Math.abs(w - batch.coef[0]![j]!)).toBeLessThan(0.05))
  })

  it('reaches the accuracy of batch logistic regression', () => {
    const train = syntheticData.multiclass({ n: 400, seed: 31 })
    const test = syntheticData.multiclass({ n: 400, seed: 32 })
    const sgd = sgdLinear({ epochs: 20 }).fit(train, { rng: createRng(2) })
    const batch = logisticRegression().fit(train, { rng: createRng(2) })
    const a = accuracy(sgd.predict(test.X), test.y)
    const b = accuracy(batch.predict(test.X), test.y)
    expect(a).toBeGreaterThan(b - 0.05)
  })

  it('keeps learning through update(), one day of data at a time', () => {
    const all = syntheticData.binary({ n: 600, seed: 40 })
    const test = syntheticData.binary({ n: 600, seed: 41 })
    const day = (d: number) =>
      subsetTrainingSet(
        all,
        Int32Array.from({ length: 100 }, (_, i) => d * 100 + i),
      )
    let model = sgdLinear({ epochs: 1, learningRate: 0.01 }).fit(day(0), { rng: createRng(3) })
    const first = logLoss(model.predictProba(test.X), test.y)
    for (let d = 1; d < 6; d++) {
      // Reload between days, as a retraining job would: the optimizer state travels in the JSON.
      const reloaded = loadModel(JSON.parse(JSON.stringify(model.toJSON())))
      model = (reloaded as typeof model).update(day(d), { rng: createRng(100 + d) })
    }
    expect(model.rowsSeen).toBe(600)
    // Held-out log loss (less noisy than accuracy) falls as the days accumulate.
    expect(logLoss(model.predictProba(test.X), test.y)).toBeLessThan(first - 0.03)
  })

  it('accepts a single-class batch and an empty one in update()', () => {
    const data = syntheticData.binary()
    const m = sgdLinear().fit(data, { rng: createRng(4) })
    const ones = subsetTrainingSet(
      data,
      Array.from(data.y.keys()).filter((i) => data.y[i] === 1),
    )
    const u = m.update(ones, { rng: createRng(5) })
    expect(u.rowsSeen).toBe(m.rowsSeen + ones.y.length)
    expect(m.update(subsetTrainingSet(data, []), { rng: createRng(5) })).toBe(m)
  })

  it('refuses an update with other classes or another task', () => {
    const data = syntheticData.binary()
    const m = sgdLinear().fit(data, { rng: createRng(4) })
    for (const bad of [
      { ...data, classes: ['a', 'b'] },
      { ...data, task: 'regression' as const },
    ]) {
      try {
        m.update(bad, { rng: createRng(1) })
        expect.unreachable()
      } catch (e) {
        expect(isKeelError(e) && e.code).toBe('SCHEMA_MISMATCH')
      }
    }
  })

  it('reports divergence instead of returning a NaN model', () => {
    const data = syntheticData.regression({ n: 200 })
    const y = data.y.map((v) => v * 1e300)
    expect(() =>
      sgdLinear({ optimizer: 'sgd', learningRate: 10, momentum: 0.99 }).fit(
        { ...data, y },
        { rng: createRng(1) },
      ),
    ).toThrow(/diverged/)
  })
})
