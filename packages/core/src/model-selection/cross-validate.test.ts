import { describe, expect, it } from 'vitest'
import { createRng } from '../random/index.js'
import { isKeelError } from '../errors/index.js'
import { syntheticData } from '../learners/conformance/datasets.js'
import { logisticRegression } from '../learners/linear/logistic-regression.js'
import { ridgeRegression } from '../learners/linear/linear-regression.js'
import { kNearestNeighbors } from '../learners/neighbors/knn.js'
import { zeroRule } from '../learners/baseline/zero-rule.js'
import { crossValidate } from './cross-validate.js'
import { learningCurve } from './learning-curve.js'
import { overfitSmallBatch } from './overfit-small-batch.js'
import { cvAccuracy, cvR2 } from './scorers.js'
import { kFoldSplitter, stratifiedKFoldSplitter, timeSeriesSplitter } from './splitters.js'

describe('crossValidate', () => {
  const data = syntheticData.multiclass({ n: 120 })

  it('scores each fold on rows its model never saw and returns out-of-fold probabilities', () => {
    const cv = crossValidate(logisticRegression(), data, {
      splitter: stratifiedKFoldSplitter({ k: 4 }),
      scoring: { accuracy: cvAccuracy },
      rng: createRng(3),
      returnModels: true,
    })
    expect(cv.folds).toHaveLength(4)
    expect(cv.width).toBe(3)
    expect(cv.covered.every((c) => c === 1)).toBe(true)
    for (let i = 0; i < 120; i++) {
      const s = cv.oof[i * 3]! + cv.oof[i * 3 + 1]! + cv.oof[i * 3 + 2]!
      expect(s).toBeCloseTo(1, 12)
    }
    // The mean of fold accuracies ≈ accuracy of the out-of-fold predictions (equal-size folds).
    expect(cv.mean.accuracy).toBeCloseTo(cvAccuracy(data.y, cv.oof, 'multiclass'), 2)
    expect(cv.mean.accuracy).toBeGreaterThan(0.5)
    expect(cv.models).toHaveLength(4)
    expect(cv.folds.reduce((s, f) => s + f.testSize, 0)).toBe(120)
  })

  it('is deterministic for a seed and different across seeds', () => {
    const run = (seed: number) =>
      crossValidate(logisticRegression(), data, {
        splitter: kFoldSplitter({ k: 3 }),
        scoring: cvAccuracy,
        rng: createRng(seed),
      })
    expect(Array.from(run(1).oof)).toEqual(Array.from(run(1).oof))
    expect(Array.from(run(1).oof)).not.toEqual(Array.from(run(2).oof))
    expect(Object.keys(run(1).scores)).toEqual(['score'])
  })

  it('marks rows no time-series fold tested as uncovered (NaN)', () => {
    const reg = syntheticData.regression({ n: 60 })
    const cv = crossValidate(ridgeRegression(), reg, {
      splitter: timeSeriesSplitter({ k: 3, gap: 2 }),
      scoring: { r2: cvR2 },
      rng: createRng(1),
    })
    expect(cv.covered[0]).toBe(0)
    expect(Number.isNaN(cv.oof[0]!)).toBe(true)
    expect(cv.covered[59]).toBe(1)
    expect(cv.mean.r2).toBeGreaterThan(0.9)
  })

  it('refuses stratification of a regression target', () => {
    expect(() =>
      crossValidate(ridgeRegression(), syntheticData.regression(), {
        splitter: stratifiedKFoldSplitter(),
        scoring: cvR2,
        rng: createRng(1),
      }),
    ).toThrow(/classification/)
  })
})

describe('learningCurve', () => {
  it('test score improves with more data and train score falls toward it', () => {
    const data = syntheticData.binary({ n: 300 })
    const curve = learningCurve(logisticRegression(), data, {
      splitter: stratifiedKFoldSplitter({ k: 3 }),
      sizes: [0.1, 1],
      rng: createRng(4),
    })
    expect(curve.map((p) => p.size)).toEqual([20, 200])
    expect(curve[1]!.test.mean).toBeGreaterThanOrEqual(curve[0]!.test.mean - 0.02)
    expect(curve[0]!.train.mean).toBeGreaterThanOrEqual(curve[1]!.train.mean)
  })

  it('explains a subset too small to hold two classes', () => {
    const d = syntheticData.binary({ n: 60 })
    const y = d.y.map((_, i) => (i < 6 ? 1 : 0))
    try {
      // Two rows out of 40 with 4 positives: for this seed a subset holds a single class.
      learningCurve(
        logisticRegression(),
        { ...d, y },
        {
          splitter: kFoldSplitter({ k: 3 }),
          sizes: [2],
          rng: createRng(4),
        },
      )
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_DATA')
      expect(isKeelError(e) && e.hint).toMatch(/stratified/)
    }
  })
})

describe('overfitSmallBatch', () => {
  const data = syntheticData.multiclass({ n: 200 })

  it('passes for a learner that can memorize, with every class in the batch', () => {
    const r = overfitSmallBatch(kNearestNeighbors({ k: 1 }), data, { rng: createRng(2), size: 12 })
    expect(r.passed).toBe(true)
    expect(r.score).toBe(1)
    expect(new Set(Array.from(r.rows, (i) => data.y[i])).size).toBe(3)
  })

  it('fails, with advice, for a learner that cannot', () => {
    const r = overfitSmallBatch(zeroRule(), data, { rng: createRng(2) })
    expect(r.passed).toBe(false)
    expect(r.message).toMatch(/cannot fit 16 training rows/)
  })

  it('checks a regression learner with R²', () => {
    const r = overfitSmallBatch(ridgeRegression({ alpha: 1e-6 }), syntheticData.regression(), {
      rng: createRng(2),
    })
    expect(r.scoring).toBe('r2')
    expect(r.passed).toBe(true)
  })
})
