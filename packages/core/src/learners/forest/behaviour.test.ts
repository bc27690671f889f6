import { describe, expect, it } from 'vitest'
import { expectKeelError } from '../conformance/conformance.js'
import { categoricalColumn, Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import { syntheticSet } from '../gbdt/synthetic.js'
import { treeDepth } from '../gbdt/tree.js'
import type { TrainingSet } from '../protocol.js'
import { extraTrees, loadRandomForestModel, randomForest } from './index.js'

const rng = () => ({ rng: createRng(3) })

const accuracy = (pred: Float64Array, y: Float64Array): number => {
  let hit = 0
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hit++
  return hit / y.length
}

describe('random forest and extra trees', () => {
  it('estimates held-out accuracy out of bag', () => {
    const train = syntheticSet({ n: 1500, task: 'binary', seed: 11, categorical: true })
    const test = syntheticSet({ n: 1500, task: 'binary', seed: 12, categorical: true })
    const model = randomForest({ nTrees: 60, oobScore: true }).fit(train, rng())
    const oob = model.oobScore!
    expect(oob.scoring).toBe('accuracy')
    // With 60 trees a row is out of bag for ~22 of them; none is left without a prediction.
    expect(oob.rows).toBe(1500)
    const p = model.oobPredictions!
    expect(p.length).toBe(3000)
    for (let i = 0; i < 1500; i++) expect(p[2 * i]! + p[2 * i + 1]!).toBeCloseTo(1, 12)
    // OOB is an unbiased estimate of accuracy on fresh data from the same distribution; on
    // 1,500 test rows the binomial standard error is ~0.01, so 0.04 is four of them.
    expect(Math.abs(oob.score - accuracy(model.predict(test.X), test.y))).toBeLessThan(0.04)
    // The score is kept in JSON, the training-sized predictions are not.
    const back = loadRandomForestModel(JSON.parse(JSON.stringify(model.toJSON())))
    expect(back.oobScore).toEqual(oob)
    expect(back.oobPredictions).toBeUndefined()
  })

  it('learns from missingness; unseen categories go the missing way', () => {
    const n = 600
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    const cats: string[] = []
    for (let i = 0; i < n; i++) {
      const missing = i % 3 === 0
      x[i] = missing ? NaN : (i * 7919) % 101
      cats.push(['a', 'b', 'c'][i % 5 === 0 ? 2 : i % 2]!)
      y[i] = missing || cats[i] === 'c' ? 1 : 0
    }
    const data: TrainingSet = {
      X: Frame.fromColumns({ x: numericColumn(x), c: categoricalColumn(cats, ['a', 'b', 'c']) }),
      y,
      task: 'binary',
      classes: ['no', 'yes'],
    }
    for (const make of [randomForest, extraTrees]) {
      const model = make({ nTrees: 20, maxFeatures: 'all' }).fit(data, rng())
      expect(accuracy(model.predict(data.X), y)).toBe(1)
      const probe = Frame.fromColumns({
        x: numericColumn([NaN, 50, 50, 50]),
        c: categoricalColumn(['a', 'a', 'zz', null], ['a', 'zz']),
      })
      const proba = model.predictProba(probe)
      expect(proba[1]).toBe(1)
      expect(proba[3]).toBe(0)
      // A category never seen at fit goes wherever a missing category goes, split by split.
      expect(proba[5]).toBe(proba[7])
    }
  })

  it('ranks an informative feature above noise; MDI sums to 1', () => {
    const data = syntheticSet({ n: 800, task: 'regression', seed: 5 })
    const model = randomForest({ nTrees: 30 }).fit(data, rng())
    const mdi = model.featureImportance()
    expect(Object.values(mdi).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    // x3 is pure noise in the synthetic set; x0, x1 and x2 carry the signal.
    for (const f of ['x0', 'x1', 'x2']) expect(mdi[f]!).toBeGreaterThan(mdi.x3!)
    const splits = model.featureImportance('split')
    for (const v of Object.values(splits)) expect(Number.isInteger(v)).toBe(true)
  })

  it('TreeSHAP blocks sum to the averaged output', () => {
    for (const task of ['binary', 'multiclass', 'regression'] as const) {
      const data = syntheticSet({ n: 300, task, seed: 6, categorical: true, missing: 0.1 })
      const model = extraTrees({ nTrees: 8, maxDepth: 6 }).fit(data, rng())
      const X = data.X.slice(0, 20)
      const phi = model.outputContributions(X)
      const avg = task === 'regression' ? model.predict(X) : model.predictProba(X)
      const F = model.features.length
      const m = task === 'multiclass' ? 3 : 1
      for (let r = 0; r < 20; r++) {
        for (let k = 0; k < m; k++) {
          let s = 0
          for (let j = 0; j <= F; j++) s += phi[(r * m + k) * (F + 1) + j]!
          const want =
            task === 'binary' ? avg[2 * r + 1]! : task === 'multiclass' ? avg[r * 3 + k]! : avg[r]!
          // Sums of F + 1 terms per tree over 8 trees, each exact to a few ulps of values ≤ |y|.
          expect(Math.abs(s - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)))
        }
      }
    }
  })

  it('respects maxDepth and maxLeaves', () => {
    const data = syntheticSet({ n: 1000, task: 'binary', seed: 7 })
    for (const t of randomForest({ nTrees: 5, maxDepth: 3 }).fit(data, rng()).state.trees) {
      expect(treeDepth({ ...t, value: t.values })).toBeLessThanOrEqual(3)
    }
    for (const t of extraTrees({ nTrees: 5, maxLeaves: 9 }).fit(data, rng()).state.trees) {
      expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(9)
    }
  })

  it('balanced class weights raise the minority class probability', () => {
    const data = syntheticSet({ n: 1000, task: 'binary', seed: 8 })
    let positives = 0
    for (const v of data.y) positives += v
    const minority = positives < 500 ? 1 : 0
    const mean = (classWeight?: 'balanced' | 'balancedSubsample'): number => {
      const p = randomForest({
        nTrees: 20,
        minSamplesLeaf: 5,
        ...(classWeight ? { classWeight } : {}),
      })
        .fit(data, rng())
        .predictProba(data.X)
      let s = 0
      for (let i = 0; i < 1000; i++) s += p[2 * i + minority]!
      return s / 1000
    }
    const plain = mean()
    expect(mean('balanced')).toBeGreaterThan(plain)
    expect(mean('balancedSubsample')).toBeGreaterThan(plain)
  })

  it('answers bad requests with structured errors', () => {
    const reg = syntheticSet({ n: 100, task: 'regression', seed: 9 })
    expectKeelError(
      () => randomForest({ maxFeatures: 9 }).fit(reg, rng()),
      'INVALID_PARAMS',
      'maxFeatures > F',
    )
    expectKeelError(
      () => randomForest({ classWeight: 'balanced' }).fit(reg, rng()),
      'INVALID_PARAMS',
      'class weights on regression',
    )
    const model = extraTrees({ nTrees: 2 }).fit(reg, rng())
    expectKeelError(() => model.predictProba(reg.X), 'INVALID_ARGUMENT', 'regression probabilities')
    const ac = new AbortController()
    ac.abort()
    expectKeelError(
      () => randomForest({ nTrees: 3 }).fit(reg, { ...rng(), signal: ac.signal }),
      'CANCELLED',
      'aborted fit',
    )
    const json = JSON.parse(JSON.stringify(model.toJSON())) as {
      forest: { trees: { left: number[]; values: number[] }[] }
    }
    const bad = structuredClone(json)
    bad.forest.trees[0]!.left[0] = 0
    expectKeelError(
      () => loadRandomForestModel({ ...bad, kind: 'random-forest' }),
      'UNSUPPORTED_FORMAT',
      'cyclic tree',
    )
    const short = structuredClone(json)
    short.forest.trees[1]!.values.pop()
    expectKeelError(
      () => loadRandomForestModel({ ...short, kind: 'random-forest' }),
      'UNSUPPORTED_FORMAT',
      'values',
    )
  })

  it('different seeds and splitters give different forests', () => {
    const data = syntheticSet({ n: 300, task: 'binary', seed: 10 })
    const a = JSON.stringify(
      randomForest({ nTrees: 3 })
        .fit(data, { rng: createRng(1) })
        .toJSON(),
    )
    const b = JSON.stringify(
      randomForest({ nTrees: 3 })
        .fit(data, { rng: createRng(2) })
        .toJSON(),
    )
    const c = JSON.stringify(
      extraTrees({ nTrees: 3 })
        .fit(data, { rng: createRng(1) })
        .toJSON(),
    )
    expect(a).not.toBe(b)
    expect(a).not.toBe(c)
  })
})
