import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { KeelError } from '../../errors/index.js'
import { categoricalColumn, Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import { UNSEEN_CATEGORY } from '../features.js'
import type { TrainingSet } from '../protocol.js'
import { rocAuc } from './eval-metrics.js'
import { createGbdt } from './index.js'
import { syntheticSet } from './synthetic.js'
import { treeDepth } from './tree.js'

const fit = (data: TrainingSet, params: Parameters<typeof createGbdt>[0] = {}, seed = 1) =>
  createGbdt(params).fit(data, { rng: createRng(seed) })

const numLeaves = (feature: Int32Array): number => feature.filter((f) => f < 0).length

describe('categorical features', () => {
  // The label is membership in a set of categories that no ordering of the codes separates.
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
  const inSet = new Set(['a', 'c', 'f'])
  const rng = createRng(7)
  const cats = Array.from({ length: 700 }, () => names[rng.int(7)]!)
  const data: TrainingSet = {
    X: Frame.fromColumns({ c: categoricalColumn(cats, names) }),
    y: Float64Array.from(cats, (c) => (inSet.has(c) ? 1 : 0)),
    task: 'binary',
  }

  it('finds a many-vs-many split in one step', () => {
    const model = fit(data, { nEstimators: 1, maxDepth: 1, learningRate: 1 })
    const left = model.state.trees[0]!.categories[0]!
    const leftNames = new Set(Array.from(left, (c) => names[c]))
    expect(
      leftNames.size === 3 ? leftNames : new Set(names.filter((n) => !leftNames.has(n))),
    ).toEqual(inSet)
    expect(rocAuc(model.predictRaw(data.X), data.y, undefined)).toBe(1)
  })

  it('sends unseen categories the way missing values go', () => {
    const model = fit(data, { nEstimators: 5, maxDepth: 2 })
    const unseen = Frame.fromColumns({ c: categoricalColumn(['zzz', 'a'], ['zzz', 'a']) })
    const missing = Frame.fromColumns({ c: categoricalColumn([null, 'a'], names) })
    expect(model.predictRaw(unseen)).toEqual(model.predictRaw(missing))
    const row = new Float64Array(1)
    expect(model.encodeRow({ c: 'zzz' }, row)[0]).toBe(UNSEEN_CATEGORY)
    expect(model.rawRow(row)).toBe(model.predictRaw(missing)[0])
  })
})

describe('missing values', () => {
  it('learns a default direction: rows missing x go where their label says', () => {
    const rng = createRng(3)
    const n = 600
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const r = rng.float()
      // Missing x behaves like large x (label 1); small x has label 0.
      x[i] = r < 0.2 ? NaN : r * 10
      y[i] = x[i]! !== x[i]! || x[i]! > 6 ? 1 : 0
    }
    const model = fit(
      { X: Frame.fromColumns({ x: numericColumn(x) }), y, task: 'binary' },
      {
        nEstimators: 20,
        maxDepth: 2,
      },
    )
    const p = model.predictProba(Frame.fromColumns({ x: numericColumn([NaN, 1, 9]) }))
    expect(p[1]).toBeGreaterThan(0.8)
    expect(p[3]).toBeLessThan(0.2)
    expect(p[5]).toBeGreaterThan(0.8)
  })
})

describe('monotone constraints', () => {
  const data = syntheticSet({ n: 800, task: 'regression', seed: 12, missing: 0.05 })
  const model = fit(data, { nEstimators: 30, maxDepth: 4, monotone: { x0: 1, x1: -1 } })

  test.prop([
    fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
  ])('predictions rise with x0 and fall with x1, all else fixed', (row) => {
    const x = Float64Array.from(row)
    let prev = -Infinity
    for (let v = -4; v <= 4; v += 0.25) {
      x[0] = v
      const r = model.rawRow(x)
      expect(r).toBeGreaterThanOrEqual(prev)
      prev = r
    }
    x[0] = row[0]!
    prev = Infinity
    for (let v = -4; v <= 4; v += 0.25) {
      x[1] = v
      const r = model.rawRow(x)
      expect(r).toBeLessThanOrEqual(prev)
      prev = r
    }
  })
})

describe('tree shape limits', () => {
  const data = syntheticSet({ n: 1500, task: 'regression', seed: 5 })

  it('respects maxLeaves (best-first) and maxDepth', () => {
    const leafy = fit(data, { nEstimators: 5, maxDepth: 0, maxLeaves: 7 })
    for (const t of leafy.state.trees) expect(numLeaves(t.feature)).toBeLessThanOrEqual(7)
    expect(numLeaves(leafy.state.trees[0]!.feature)).toBe(7)
    const deep = fit(data, { nEstimators: 5, maxDepth: 3 })
    for (const t of deep.state.trees) expect(treeDepth(t)).toBeLessThanOrEqual(3)
  })

  it('respects minSamplesLeaf (cover counts rows under squared loss)', () => {
    const model = fit(data, { nEstimators: 5, maxDepth: 6, minSamplesLeaf: 40 })
    for (const t of model.state.trees) {
      t.feature.forEach((f, i) => f < 0 && expect(t.cover[i]).toBeGreaterThanOrEqual(40))
    }
  })

  it('grows the same trees leaf-wise without a leaf limit as level-wise to the same depth', () => {
    const a = fit(data, { nEstimators: 3, maxDepth: 3 })
    const b = fit(data, { nEstimators: 3, maxDepth: 3, maxLeaves: 8 })
    expect(a.predictRaw(data.X)).toEqual(b.predictRaw(data.X))
  })
})

describe('early stopping and history', () => {
  const train = syntheticSet({ n: 600, task: 'binary', seed: 21 })
  const valid = syntheticSet({ n: 400, task: 'binary', seed: 22 })

  for (const metric of ['logloss', 'auc'] as const) {
    it(`stops when ${metric} stops improving and keeps the best round`, () => {
      const model = createGbdt({
        nEstimators: 400,
        learningRate: 0.5,
        maxDepth: 5,
        earlyStoppingRounds: 5,
        earlyStoppingMetric: metric,
      }).fit(train, { rng: createRng(1), validation: valid })
      const h = model.state.history
      expect(h.length).toBeLessThan(400)
      expect(h.length - model.state.rounds).toBe(5)
      const best = metric === 'auc' ? Math.max(...h) : Math.min(...h)
      expect(h[model.state.rounds - 1]).toBe(best)
      expect(model.numTrees).toBe(model.state.rounds)
    })
  }

  it('lets a model fitted with early stopping be updated without validation data', () => {
    const model = createGbdt({ nEstimators: 30, earlyStoppingRounds: 3 }).fit(train, {
      rng: createRng(1),
      validation: valid,
    })
    const next = model.update(valid, { rng: createRng(2) })
    expect(next.numTrees).toBe(model.numTrees + 30)
  })
})

describe('warm start (update)', () => {
  const first = syntheticSet({ n: 800, task: 'binary', seed: 31, categorical: true })
  const second = syntheticSet({ n: 800, task: 'binary', seed: 32, categorical: true })
  const model = fit(first, { nEstimators: 10, maxDepth: 3 })

  it('keeps the existing trees and adds new ones fitted to the new data', () => {
    const next = model.update(second, { rng: createRng(2) })
    expect(next.numTrees).toBe(20)
    const old = model.toJSON() as unknown as { gbdt: { trees: unknown[] } }
    const upd = next.toJSON() as unknown as { gbdt: { trees: unknown[] } }
    expect(upd.gbdt.trees.slice(0, 10)).toEqual(old.gbdt.trees)
    const ll = (raw: Float64Array, y: Float64Array): number =>
      raw.reduce((s, z, i) => s + Math.log1p(Math.exp(-z)) + (1 - y[i]!) * z, 0) / y.length
    expect(ll(next.predictRaw(second.X), second.y)).toBeLessThan(
      ll(model.predictRaw(second.X), second.y),
    )
    expect(next.update(second, { rng: createRng(3) }).numTrees).toBe(30)
  })

  it('refuses data of another task or class set', () => {
    const reg = syntheticSet({ n: 100, task: 'regression', seed: 1, categorical: true })
    expect(() => model.update(reg, { rng: createRng(1) })).toThrow(KeelError)
    expect(() => model.update({ ...second, classes: ['p', 'q'] }, { rng: createRng(1) })).toThrow(
      /classes/,
    )
  })
})

describe('weights and costs', () => {
  const base = syntheticSet({ n: 1000, task: 'binary', seed: 41 })
  // Keep one positive in five to make the classes unequal.
  const keep = Array.from({ length: 1000 }, (_, i) => i).filter(
    (i) => base.y[i] === 0 || i % 5 === 0,
  )
  const data: TrainingSet = {
    X: base.X.take(keep),
    y: Float64Array.from(keep, (i) => base.y[i]!),
    task: 'binary',
    classes: ['no', 'yes'],
  }
  const meanP = (raw: Float64Array): number =>
    raw.reduce((s, z) => s + 1 / (1 + Math.exp(-z)), 0) / raw.length

  it('raises the predicted rate of a class given more weight', () => {
    const plain = fit(data, { nEstimators: 20 })
    const balanced = fit(data, { nEstimators: 20, classWeight: 'balanced' })
    expect(meanP(balanced.predictRaw(data.X))).toBeGreaterThan(
      meanP(plain.predictRaw(data.X)) + 0.05,
    )
  })

  it('turns a cost matrix into per-class weights (row cost of each true class)', () => {
    const byCost = fit(data, {
      nEstimators: 10,
      costMatrix: [
        [0, 1],
        [5, 0],
      ],
    })
    const byWeight = fit(data, { nEstimators: 10, classWeight: { no: 1, yes: 5 } })
    expect(JSON.stringify(byCost.state.trees)).toBe(JSON.stringify(byWeight.state.trees))
  })
})

describe('objectives', () => {
  const reg = syntheticSet({ n: 800, task: 'regression', seed: 51 })
  const mae = (raw: Float64Array, y: Float64Array): number =>
    raw.reduce((s, v, i) => s + Math.abs(v - y[i]!), 0) / y.length

  for (const objective of ['absolute', 'huber'] as const) {
    it(`${objective} beats the constant median on MAE`, () => {
      const model = fit(reg, { objective, nEstimators: 30 })
      const sorted = Float64Array.from(reg.y).sort()
      const median = sorted[400]!
      expect(mae(model.predictRaw(reg.X), reg.y)).toBeLessThan(
        0.6 * mae(new Float64Array(800).fill(median), reg.y),
      )
    })
  }

  it('focal loss with γ = 0 is log loss', () => {
    const bin = syntheticSet({ n: 500, task: 'binary', seed: 52 })
    const a = fit(bin, { objective: 'focal', focalGamma: 0, nEstimators: 5 })
    const b = fit(bin, { objective: 'logloss', nEstimators: 5 })
    const ra = a.predictRaw(bin.X)
    const rb = b.predictRaw(bin.X)
    // Same trees; the focal path computes the same derivatives by another formula.
    for (let i = 0; i < 500; i++) expect(ra[i]).toBeCloseTo(rb[i]!, 6)
  })
})

describe('fit options', () => {
  const data = syntheticSet({ n: 300, task: 'binary', seed: 61 })

  it('reports progress once per round', () => {
    const seen: number[] = []
    createGbdt({ nEstimators: 4 }).fit(data, {
      rng: createRng(1),
      onProgress: (p) => seen.push(p.done),
    })
    expect(seen).toEqual([1, 2, 3, 4])
  })

  it('stops with CANCELLED when the signal aborts', () => {
    const controller = new AbortController()
    const run = () =>
      createGbdt({ nEstimators: 50 }).fit(data, {
        rng: createRng(1),
        signal: controller.signal,
        onProgress: (p) => p.done === 2 && controller.abort(),
      })
    expect(run).toThrow(expect.objectContaining({ code: 'CANCELLED' }) as Error)
  })
})

describe('features that cannot split', () => {
  const rng = createRng(11)
  const n = 600
  const x = Float64Array.from({ length: n }, () => rng.normal())
  // One value, missing on the rows where the label is 1 most of the time: only "missing or not".
  const y = Float64Array.from(x, (v) => (v + rng.normal() * 0.3 > 0 ? 1 : 0))
  const m = Float64Array.from(y, (v) => (rng.float() < (v === 1 ? 0.8 : 0.1) ? NaN : 5))
  const trees = (X: Frame): string =>
    JSON.stringify(fit({ X, y, task: 'binary' }, { nEstimators: 5 }).state.trees)

  it('leaves a constant column out without changing any tree', () => {
    const plain = Frame.fromColumns({ x: numericColumn(x) })
    const withConstant = Frame.fromColumns({
      x: numericColumn(x),
      k: numericColumn(new Float64Array(n).fill(3)),
    })
    expect(trees(withConstant)).toBe(trees(plain))
  })

  it('still splits a one-value column on its missing values', () => {
    const model = fit({ X: Frame.fromColumns({ m: numericColumn(m) }), y, task: 'binary' })
    expect(model.state.trees[0]!.feature[0]).toBe(0)
    expect(model.state.trees[0]!.threshold[0]).toBe(Infinity)
  })
})
