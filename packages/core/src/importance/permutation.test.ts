import { readFileSync } from 'node:fs'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn } from '../frame/index.js'
import { createGbdt } from '../learners/gbdt/index.js'
import { LinearModel, logisticRegression } from '../learners/linear/index.js'
import type { Task } from '../learners/index.js'
import { ModelBundle } from '../bundle/index.js'
import { createRng } from '../random/index.js'
import { permutationImportance } from './permutation.js'
import { bundleFramePredictor, framePredictor } from './predictor.js'

interface Case {
  label: string
  metric: string
  baseline: number
  importances: number[][]
  mean: number[]
  std: number[]
  permutations: number[][]
}
interface Fixture {
  X: number[][]
  features: string[]
  binary: { y: number[]; coef: number[]; intercept: number }
  regression: { y: number[]; coef: number[]; intercept: number }
  cases: Case[]
}

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/importance/permutation.json', import.meta.url),
    'utf8',
  ),
) as Fixture

const FIT = { learner: 'fixed', params: {}, iterations: 0, converged: true, gradientNorm: 0 }

const linear = (
  task: Task,
  features: readonly string[],
  coef: readonly number[],
  intercept: number,
): LinearModel =>
  new LinearModel({
    task,
    features: features.map((name) => ({ name, kind: 'numeric' as const })),
    classes: task === 'binary' ? ['0', '1'] : undefined,
    coef: [Float64Array.from(coef)],
    intercept: Float64Array.of(intercept),
    fit: FIT,
  })

const frameOf = (names: readonly string[], cols: readonly (readonly number[])[]): Frame =>
  Frame.fromColumns(Object.fromEntries(names.map((n, j) => [n, numericColumn(cols[j]!)])))

describe('permutationImportance against scikit-learn', () => {
  const X = frameOf(fixture.features, fixture.X)
  for (const c of fixture.cases) {
    it(c.label, () => {
      const task: Task = c.label.startsWith('binary') ? 'binary' : 'regression'
      const ref = task === 'binary' ? fixture.binary : fixture.regression
      const model = linear(task, fixture.features, ref.coef, ref.intercept)
      const report = permutationImportance({
        predict: model,
        frame: X,
        y: Float64Array.from(ref.y),
        task,
        metric: c.metric,
        rng: createRng(0),
        permutations: c.permutations,
      })
      // scikit-learn sums x·w with BLAS in another order than Keel's column loop, so scores can
      // differ in the last bits; ranking metrics (AUC, accuracy) are exact unless two rows tie.
      const tol = 1e-12
      // scikit-learn scores losses negated (`neg_log_loss`); Keel reports the loss itself.
      expect(report.baseline).toBeCloseTo(report.higherIsBetter ? c.baseline : -c.baseline, 12)
      expect(report.repeats).toBe(c.permutations.length)
      for (const [j, name] of fixture.features.entries()) {
        const got = report.features.find((f) => f.feature === name)!
        got.importances.forEach((v, r) =>
          expect(Math.abs(v - c.importances[j]![r]!)).toBeLessThan(tol),
        )
        expect(Math.abs(got.mean - c.mean[j]!)).toBeLessThan(tol)
        expect(Math.abs(got.std - c.std[j]!)).toBeLessThan(tol)
      }
      // x2 has a zero coefficient: shuffling it cannot change a single prediction.
      const ignored = report.features.find((f) => f.feature === 'x2')!
      expect(ignored.importances.every((v) => v === 0)).toBe(true)
      expect(ignored.ci).toEqual({ lower: 0, upper: 0, level: 0.95 })
    })
  }

  it('sorts features by decreasing mean and reports a Student-t interval', () => {
    const c = fixture.cases[0]!
    const model = linear('binary', fixture.features, fixture.binary.coef, fixture.binary.intercept)
    const report = permutationImportance({
      predict: model,
      frame: X,
      y: Float64Array.from(fixture.binary.y),
      task: 'binary',
      metric: 'auc',
      rng: createRng(0),
      permutations: c.permutations,
      level: 0.9,
    })
    const means = report.features.map((f) => f.mean)
    expect(means).toEqual([...means].sort((a, b) => b - a))
    const top = report.features[0]!
    const s = Math.sqrt(top.std ** 2 * (5 / 4)) // sample std from the population std
    const half = (2.13184678632665 * s) / Math.sqrt(5) // t(0.95, 4)
    expect(top.ci!.lower).toBeCloseTo(top.mean - half, 10)
    expect(top.ci!.upper).toBeCloseTo(top.mean + half, 10)
  })
})

/** Two informative features, one pure-noise feature, one constant at fit time. */
const noisyData = (seed: number, n: number) => {
  const rng = createRng(seed)
  const a = new Float64Array(n)
  const b = new Float64Array(n)
  const noise = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    a[i] = rng.normal()
    b[i] = rng.normal()
    noise[i] = rng.normal()
    y[i] = rng.float() < 1 / (1 + Math.exp(-(2 * a[i]! - b[i]!))) ? 1 : 0
  }
  return {
    X: Frame.fromColumns({ a: numericColumn(a), b: numericColumn(b), noise: numericColumn(noise) }),
    y,
  }
}

describe('permutationImportance properties', () => {
  test.prop([fc.integer({ min: 1, max: 1_000_000 })], { numRuns: 4 })(
    'a pure-noise feature scores about 0, informative ones clearly above',
    (seed) => {
      const train = noisyData(seed, 1500)
      const valid = noisyData(seed + 1, 1500)
      const model = logisticRegression().fit(
        { X: train.X, y: train.y, task: 'binary', classes: ['0', '1'] },
        { rng: createRng(seed) },
      )
      const report = permutationImportance({
        predict: model,
        frame: valid.X,
        y: valid.y,
        task: 'binary',
        metric: 'roc_auc',
        repeats: 8,
        rng: createRng(seed),
      })
      const byName = Object.fromEntries(report.features.map((f) => [f.feature, f]))
      // The fitted noise coefficient is O(1/√n) ≈ 0.03 against 2 and 1: its AUC effect on 1500
      // validation rows is a few thousandths; 0.01 is several standard errors away.
      expect(Math.abs(byName['noise']!.mean)).toBeLessThan(0.01)
      expect(byName['a']!.mean).toBeGreaterThan(0.1)
      expect(byName['b']!.mean).toBeGreaterThan(0.02)
      expect(byName['a']!.ci!.lower).toBeGreaterThan(byName['noise']!.ci!.upper)
    },
  )

  test.prop(
    [fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('roc_auc', 'log_loss', 'brier')],
    {
      numRuns: 3,
    },
  )('a feature a tree model never splits on has exactly 0 importance', (seed, metric) => {
    const train = noisyData(seed, 600)
    // Constant at fit time: no split can use it; it varies at scoring time.
    const trainX = train.X.withColumns({ noise: numericColumn(new Float64Array(600).fill(1)) })
    const model = createGbdt({ nEstimators: 10, maxDepth: 3 }).fit(
      { X: trainX, y: train.y, task: 'binary', classes: ['0', '1'] },
      { rng: createRng(seed) },
    )
    const valid = noisyData(seed + 7, 400)
    const report = permutationImportance({
      predict: model,
      frame: valid.X,
      y: valid.y,
      task: 'binary',
      metric,
      repeats: 3,
      rng: createRng(seed),
    })
    const noise = report.features.find((f) => f.feature === 'noise')!
    expect(noise.importances).toEqual([0, 0, 0])
  })

  it('is deterministic, leaves its input alone and samples rows when asked', () => {
    const v = noisyData(3, 2000)
    const model = linear('binary', ['a', 'b', 'noise'], [2, -1, 0], 0)
    const before = Float64Array.from(v.X.numeric('a'))
    const run = () =>
      permutationImportance({
        predict: model,
        frame: v.X,
        y: v.y,
        task: 'binary',
        metric: 'log_loss',
        rng: createRng(11),
        maxRows: 500,
      })
    const r1 = run()
    expect(run()).toEqual(r1)
    expect(v.X.numeric('a')).toEqual(before)
    expect(r1.rows).toBe(500)
    expect(r1.totalRows).toBe(2000)
    expect(r1.higherIsBetter).toBe(false)
    // A loss: importance is permuted − baseline, so the informative feature is positive.
    expect(r1.features[0]!.feature).toBe('a')
    expect(r1.features[0]!.mean).toBeGreaterThan(0)
  })

  it('permutes categorical codes and whole feature sets through a pipeline-like predictor', () => {
    const rng = createRng(5)
    const n = 1200
    const cities = ['a', 'b', 'c', 'd']
    const city: string[] = []
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      city.push(cities[rng.int(4)]!)
      x[i] = rng.normal()
      y[i] = (city[i] === 'a' || city[i] === 'b' ? 1 : 0) ^ (rng.float() < 0.1 ? 1 : 0)
    }
    const X = Frame.fromColumns({ city: categoricalColumn(city), x: numericColumn(x) })
    const model = createGbdt({ nEstimators: 20, maxDepth: 2 }).fit(
      { X, y, task: 'binary', classes: ['0', '1'] },
      { rng: createRng(1) },
    )
    // The "pipeline" renames a raw column: importance is reported for the raw name.
    const raw = X.rename({ city: 'town' })
    const predict = framePredictor(model, { transform: (F) => F.rename({ town: 'city' }) })
    const report = permutationImportance({
      predict,
      frame: raw,
      y,
      task: 'binary',
      metric: 'accuracy',
      rng: createRng(2),
      features: ['town'],
      featureSets: { both: ['town', 'x'] },
    })
    expect(report.features.map((f) => f.feature).sort()).toEqual(['both', 'town'])
    const town = report.features.find((f) => f.feature === 'town')!
    expect(town.mean).toBeGreaterThan(0.3)
  })

  it('measures a model bundle exactly as its model behind the same pipeline', () => {
    const train = noisyData(9, 800)
    const model = createGbdt({ nEstimators: 15, maxDepth: 3 }).fit(
      { X: train.X, y: train.y, task: 'binary', classes: ['no', 'yes'] },
      { rng: createRng(1) },
    )
    const pipeline = { transform: (F: Frame) => F.rename({ raw_a: 'a' }), toJSON: () => ({}) }
    const bundle = ModelBundle.create({
      name: 'b',
      task: 'binary',
      label: { column: 'y', classes: ['no', 'yes'] },
      inputs: [],
      pipeline,
      model,
    })
    const valid = noisyData(10, 500)
    const raw = valid.X.rename({ a: 'raw_a' })
    const options = { frame: raw, y: valid.y, task: 'binary' as const, metric: 'roc_auc' }
    const viaBundle = permutationImportance({
      ...options,
      predict: bundleFramePredictor(bundle),
      rng: createRng(4),
    })
    const viaModel = permutationImportance({
      ...options,
      predict: framePredictor(model, pipeline),
      rng: createRng(4),
    })
    expect(viaBundle).toEqual(viaModel)
    expect(viaBundle.features[0]!.feature).toBe('raw_a')
  })

  it('rejects bad input with structured errors', () => {
    const v = noisyData(1, 50)
    const model = linear('binary', ['a', 'b', 'noise'], [1, 1, 1], 0)
    const base = {
      predict: model,
      frame: v.X,
      y: v.y,
      task: 'binary' as const,
      metric: 'auc',
      rng: createRng(1),
    }
    expect(() => permutationImportance({ ...base, features: ['zzz'] })).toThrow(/not in the frame/)
    expect(() => permutationImportance({ ...base, repeats: 0 })).toThrow(/repeats/)
    expect(() => permutationImportance({ ...base, permutations: [[0, 0, 1]] })).toThrow(
      /permutation/,
    )
    expect(() => permutationImportance({ ...base, y: new Float64Array(3) })).toThrow(/y has/)
  })
})
