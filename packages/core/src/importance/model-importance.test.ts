import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn } from '../frame/index.js'
import { createGbdt } from '../learners/gbdt/index.js'
import { LinearModel } from '../learners/linear/index.js'
import { createRng } from '../random/index.js'
import { explainPredictions } from './explain.js'
import { meanAbsShap, rankImportance, treeImportance } from './model-importance.js'

const data = (seed: number, n: number, classes = 2) => {
  const rng = createRng(seed)
  const a = new Float64Array(n)
  const b = new Float64Array(n)
  const constant = new Float64Array(n).fill(3)
  const color: string[] = []
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    a[i] = rng.normal()
    b[i] = rng.normal()
    color.push(['red', 'green', 'blue'][rng.int(3)]!)
    const z = 2 * a[i]! + (color[i] === 'red' ? 1 : 0) + 0.3 * b[i]! + 0.5 * rng.normal()
    y[i] = classes === 2 ? (z > 0.5 ? 1 : 0) : z < -0.5 ? 0 : z < 1 ? 1 : 2
  }
  const X = Frame.fromColumns({
    a: numericColumn(a),
    b: numericColumn(b),
    color: categoricalColumn(color),
    constant: numericColumn(constant),
  })
  return { X, y }
}

describe('tree importance and mean |SHAP|', () => {
  const { X, y } = data(1, 1500)
  const model = createGbdt({ nEstimators: 30, maxDepth: 3 }).fit(
    { X, y, task: 'binary', classes: ['0', '1'] },
    { rng: createRng(1) },
  )

  it('ranks gain and split counts with shares that sum to 1', () => {
    for (const type of ['gain', 'split'] as const) {
      const ranked = treeImportance(model, type)
      expect(ranked.map((r) => r.feature)).toContain('constant')
      expect(ranked[0]!.feature).toBe('a')
      expect(ranked.find((r) => r.feature === 'constant')!.importance).toBe(0)
      expect(ranked.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12)
      const raw = model.featureImportance(type)
      for (const r of ranked) expect(r.importance).toBe(raw[r.feature])
    }
  })

  it('mean |SHAP| equals the mean of |contributions| and orders features sensibly', () => {
    const { X: V } = data(2, 400)
    const ranked = meanAbsShap(model, V)
    const c = model.contributions(V)
    const F = 4
    let sumA = 0
    for (let i = 0; i < 400; i++) sumA += Math.abs(c[i * (F + 1)]!)
    expect(ranked.find((r) => r.feature === 'a')!.importance).toBeCloseTo(sumA / 400, 12)
    expect(ranked[0]!.feature).toBe('a')
    expect(ranked.find((r) => r.feature === 'constant')!.importance).toBe(0)
    const sampled = meanAbsShap(model, V, { maxRows: 100, rng: createRng(3) })
    expect(sampled).toEqual(meanAbsShap(model, V, { maxRows: 100, rng: createRng(3) }))
    expect(() => meanAbsShap(model, V, { maxRows: 100 })).toThrow(/rng/)
  })

  it('rankImportance handles an all-zero table', () => {
    expect(rankImportance({ b: 0, a: 0 })).toEqual([
      { feature: 'a', importance: 0, share: 0 },
      { feature: 'b', importance: 0, share: 0 },
    ])
  })
})

describe('explainPredictions', () => {
  it('splits each raw output into sorted additive contributions', () => {
    const { X, y } = data(3, 800)
    const model = createGbdt({ nEstimators: 20, maxDepth: 3 }).fit(
      { X, y, task: 'binary', classes: ['0', '1'] },
      { rng: createRng(1) },
    )
    const V = data(4, 20).X
    const raw = model.predictRaw(V)
    const explained = explainPredictions(model, V)
    explained.forEach((e, i) => {
      // TreeSHAP is exact: the parts sum to the prediction up to float summation order.
      expect(e.raw).toBeCloseTo(raw[i]!, 10)
      const total = e.bias + e.contributions.reduce((s, c) => s + c.contribution, 0)
      expect(total).toBeCloseTo(raw[i]!, 10)
      const mags = e.contributions.map((c) => Math.abs(c.contribution))
      expect(mags).toEqual([...mags].sort((p, q) => q - p))
      expect(e.contributions.find((c) => c.feature === 'color')!.value).toBe(V.row(i)['color'])
    })
    const top2 = explainPredictions(model, V, { top: 2 })
    expect(top2[0]!.contributions).toEqual(explained[0]!.contributions.slice(0, 2))
  })

  it('explains the predicted class of a multiclass model, or a chosen one', () => {
    const { X, y } = data(5, 900, 3)
    const model = createGbdt({ nEstimators: 15, maxDepth: 3 }).fit(
      { X, y, task: 'multiclass', classes: ['low', 'mid', 'high'] },
      { rng: createRng(2) },
    )
    const V = data(6, 30, 3).X
    const pred = model.predict(V)
    const raw = model.predictRaw(V)
    explainPredictions(model, V).forEach((e, i) => {
      expect(e.output).toBe(pred[i])
      expect(e.raw).toBeCloseTo(raw[i * 3 + e.output]!, 10)
    })
    for (const e of explainPredictions(model, V, { output: 2 })) expect(e.output).toBe(2)
    expect(() => explainPredictions(model, V, { output: 3 })).toThrow(/output/)
  })

  it('refuses a model that cannot attribute its outputs', () => {
    const linear = new LinearModel({
      task: 'regression',
      features: [{ name: 'a', kind: 'numeric' }],
      classes: undefined,
      coef: [Float64Array.of(1)],
      intercept: Float64Array.of(0),
      fit: { learner: 'x', params: {}, iterations: 0, converged: true, gradientNorm: 0 },
    })
    expect(() => explainPredictions(linear, data(1, 3).X)).toThrow(/cannot explain/)
  })
})
