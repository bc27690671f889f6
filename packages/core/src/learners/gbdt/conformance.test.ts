import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { KeelError } from '../../errors/index.js'
import { categoricalColumn, Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import type { TrainingSet } from '../protocol.js'
import { createLearner, loadModel, registerLearner, registerModelKind } from '../registry.js'
import { createGbdt, gbdtDefinition, loadGbdtModel } from './index.js'
import { syntheticSet } from './synthetic.js'

const TASKS = ['binary', 'multiclass', 'regression'] as const

/** The error a function throws (fails the test when it does not throw a KeelError). */
const keelError = (fn: () => unknown): KeelError => {
  try {
    fn()
  } catch (e) {
    if (e instanceof KeelError) return e
    throw e
  }
  throw new Error('expected a KeelError')
}

const roundTrip = (json: unknown): unknown => JSON.parse(JSON.stringify(json))

describe('GBDT conformance', () => {
  it('fits bit-identical models for the same seed, different ones for another seed', () => {
    const data = syntheticSet({ n: 800, task: 'binary', seed: 2, categorical: true, missing: 0.1 })
    const params = { nEstimators: 8, subsample: 0.7, colsampleByTree: 0.8, colsampleByNode: 0.8 }
    const a = createGbdt(params).fit(data, { rng: createRng(5) })
    const b = createGbdt(params).fit(data, { rng: createRng(5) })
    const c = createGbdt(params).fit(data, { rng: createRng(6) })
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()))
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()))
  })

  for (const task of TASKS) {
    it(`${task}: serialize → load gives identical predictions`, () => {
      const data = syntheticSet({ n: 700, task, seed: 3, categorical: true, missing: 0.15 })
      const model = createGbdt({ nEstimators: 12, maxDepth: 4 }).fit(data, { rng: createRng(1) })
      const loaded = loadGbdtModel(roundTrip(model.toJSON()))
      expect(loaded.predictRaw(data.X)).toEqual(model.predictRaw(data.X))
      expect(loaded.predict(data.X)).toEqual(model.predict(data.X))
      expect(JSON.stringify(loaded.toJSON())).toBe(JSON.stringify(model.toJSON()))
    })
  }

  it('round-trips a missing-vs-present split (threshold +Infinity) and infinite values', () => {
    // x is constant where present, so the only split is missing vs present; z holds ±Infinity.
    const x = Float64Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? NaN : 1))
    const z = Float64Array.from({ length: 200 }, (_, i) =>
      i % 5 === 0 ? Infinity : i % 7 === 0 ? -Infinity : i,
    )
    const y = Float64Array.from(
      { length: 200 },
      (_, i) => (i % 3 === 0 ? 5 : 0) + (i % 5 === 0 ? 2 : 0),
    )
    const X = Frame.fromColumns({ x: numericColumn(x), z: numericColumn(z) })
    const model = createGbdt({ nEstimators: 5, maxDepth: 2 }).fit(
      { X, y, task: 'regression' },
      { rng: createRng(1) },
    )
    expect(model.state.trees[0]!.threshold).toContain(Infinity)
    const loaded = loadGbdtModel(roundTrip(model.toJSON()))
    const raw = loaded.predictRaw(X)
    expect(raw).toEqual(model.predictRaw(X))
    expect(raw.every(Number.isFinite)).toBe(true)
    expect(raw[0]! - raw[1]!).toBeGreaterThan(1)
  })

  it('has no class probabilities for regression', () => {
    const data = syntheticSet({ n: 100, task: 'regression', seed: 1 })
    const model = createGbdt({ nEstimators: 2 }).fit(data, { rng: createRng(1) })
    expect(keelError(() => model.predictProba(data.X)).code).toBe('INVALID_ARGUMENT')
  })

  it('never mutates its inputs', () => {
    const data = syntheticSet({ n: 500, task: 'binary', seed: 4, categorical: true, missing: 0.1 })
    const weight = Float64Array.from({ length: 500 }, (_, i) => 1 + (i % 3))
    const snapshot = (): string =>
      JSON.stringify([
        data.X.entries().map(([n, c]) => [
          n,
          Array.from(c.kind === 'categorical' ? c.codes : (c.values as Float64Array)),
        ]),
        Array.from(data.y),
        Array.from(weight),
      ])
    const before = snapshot()
    const model = createGbdt({ nEstimators: 5, subsample: 0.8 }).fit(
      { ...data, weight },
      { rng: createRng(1), validation: data },
    )
    model.predictProba(data.X)
    model.contributions(data.X)
    model.update({ ...data, weight }, { rng: createRng(2) })
    expect(snapshot()).toBe(before)
  })

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.constantFrom('binary', 'multiclass')], {
    numRuns: 8,
  })('gives probabilities in [0, 1] that sum to 1 per row', (seed, task) => {
    const data = syntheticSet({ n: 200, task, seed, categorical: true, missing: 0.2 })
    const model = createGbdt({ nEstimators: 5, maxDepth: 3 }).fit(data, { rng: createRng(seed) })
    const p = model.predictProba(data.X)
    const K = p.length / 200
    for (let i = 0; i < 200; i++) {
      let s = 0
      for (let k = 0; k < K; k++) {
        const v = p[i * K + k]!
        expect(v >= 0 && v <= 1).toBe(true)
        s += v
      }
      // Sums of K probabilities: float rounding only.
      expect(s).toBeCloseTo(1, 12)
    }
  })

  it('treats weight 2 like a duplicated row (no subsampling, every value its own bin)', () => {
    // Integer features with few distinct values: the bins are the same with or without the copies.
    const rng = createRng(11)
    const n = 300
    const a = Float64Array.from({ length: n }, () => rng.int(20))
    const b = Float64Array.from({ length: n }, () => rng.int(7))
    const y = Float64Array.from({ length: n }, (_, i) => a[i]! * 0.3 - b[i]! + rng.normal())
    const w = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 2 : 1))
    const dup = Array.from({ length: n }, (_, i) => i).flatMap((i) => (w[i] === 2 ? [i, i] : [i]))
    const X = Frame.fromColumns({ a: numericColumn(a), b: numericColumn(b) })
    const weighted: TrainingSet = { X, y, task: 'regression', weight: w }
    const duplicated: TrainingSet = {
      X: X.take(dup),
      y: Float64Array.from(dup, (i) => y[i]!),
      task: 'regression',
    }
    const params = { nEstimators: 10, maxDepth: 3, minHessianLeaf: 0 }
    const m1 = createGbdt(params).fit(weighted, { rng: createRng(1) })
    const m2 = createGbdt(params).fit(duplicated, { rng: createRng(1) })
    const p1 = m1.predictRaw(X)
    const p2 = m2.predictRaw(X)
    // Same trees; sums over a row twice vs a row times 2 differ only in float rounding.
    for (let i = 0; i < n; i++) expect(p1[i]).toBeCloseTo(p2[i]!, 9)
    expect(m1.state.trees.map((t) => Array.from(t.feature))).toEqual(
      m2.state.trees.map((t) => Array.from(t.feature)),
    )
  })

  it('answers a schema mismatch with SCHEMA_MISMATCH', () => {
    const data = syntheticSet({ n: 200, task: 'binary', seed: 5, categorical: true })
    const model = createGbdt({ nEstimators: 3 }).fit(data, { rng: createRng(1) })
    expect(keelError(() => model.predict(data.X.drop(['x1']))).code).toBe('SCHEMA_MISMATCH')
    const wrongKind = data.X.withColumns({ c: numericColumn(new Float64Array(200)) })
    expect(keelError(() => model.predictRaw(wrongKind)).code).toBe('SCHEMA_MISMATCH')
    // Column order and extra columns do not matter.
    const shuffled = data.X.select(['c', 'x3', 'x2', 'x1', 'x0']).withColumns({
      extra: numericColumn(new Float64Array(200)),
    })
    expect(model.predictRaw(shuffled)).toEqual(model.predictRaw(data.X))
  })
})

describe('GBDT bad input', () => {
  const X = Frame.fromColumns({
    a: numericColumn([1, 2, 3, 4]),
    c: categoricalColumn(['x', 'y', 'x', 'y']),
  })
  const fit = (data: Partial<TrainingSet>, params = {}) =>
    keelError(() =>
      createGbdt(params).fit(
        { X, y: Float64Array.of(0, 1, 0, 1), task: 'binary', ...data },
        {
          rng: createRng(1),
        },
      ),
    )

  it('rejects bad data with INVALID_DATA and a path', () => {
    expect(fit({ y: Float64Array.of(0, 1, NaN, 1) }).issues[0]!.path).toEqual(['y', 2])
    expect(fit({ y: Float64Array.of(0, 0, 0, 0) }).issues[0]!.code).toBe('single_class')
    expect(fit({ y: Float64Array.of(0, 1, 2, 1) }).code).toBe('INVALID_DATA')
    expect(fit({ y: Float64Array.of(0, 1) }).issues[0]!.code).toBe('length_mismatch')
    expect(fit({ weight: Float64Array.of(1, -1, 1, 1) }).issues[0]!.path).toEqual(['weight', 1])
    expect(fit({ weight: Float64Array.of(0, 0, 0, 0) }).issues[0]!.code).toBe('zero_weight')
    expect(fit({ weight: Float64Array.of(1) }).code).toBe('INVALID_DATA')
    expect(fit({ X: X.take([]), y: new Float64Array(0) }).issues[0]!.code).toBe('empty')
    expect(fit({ X: Frame.empty(), y: new Float64Array(0) }).code).toBe('INVALID_DATA')
    expect(fit({ y: Float64Array.of(1, 2, Infinity, 0), task: 'regression' }).code).toBe(
      'INVALID_DATA',
    )
  })

  it('rejects unknown and out-of-range hyperparameters with INVALID_PARAMS', () => {
    for (const p of [
      { nEstimatorz: 10 },
      { learningRate: 0 },
      { maxBins: 300 },
      { maxDepth: 0, maxLeaves: 0 },
      { maxLeaves: 1 },
      { subsample: 1.5 },
      { objective: 'hinge' },
    ]) {
      expect(keelError(() => createGbdt(p as never)).code).toBe('INVALID_PARAMS')
    }
    expect(fit({}, { objective: 'squared' }).code).toBe('INVALID_PARAMS')
    expect(fit({}, { monotone: { nope: 1 } }).code).toBe('INVALID_PARAMS')
    expect(fit({}, { monotone: { c: 1 } }).code).toBe('INVALID_PARAMS')
    expect(fit({}, { classWeight: { z: 2 } }).code).toBe('INVALID_PARAMS')
    expect(fit({}, { costMatrix: [[0, 1]] }).code).toBe('INVALID_PARAMS')
    expect(fit({}, { earlyStoppingMetric: 'rmse' }).code).toBe('INVALID_PARAMS')
    expect(fit({}, { earlyStoppingRounds: 3 }).code).toBe('INVALID_ARGUMENT')
  })

  it('registers as the gbdt kind, strict about unknown keys', () => {
    registerLearner(gbdtDefinition)
    expect(createLearner('gbdt', { nEstimators: 3 }).kind).toBe('gbdt')
    expect(keelError(() => createLearner('gbdt', { depth: 3 })).code).toBe('INVALID_PARAMS')
  })
})

describe('GBDT model files', () => {
  const data = syntheticSet({ n: 300, task: 'binary', seed: 6, categorical: true, missing: 0.1 })
  const json = createGbdt({ nEstimators: 4, maxDepth: 3 })
    .fit(data, { rng: createRng(1) })
    .toJSON()
  type Doc = { gbdt: { trees: Record<string, unknown>[]; version: number }; formatVersion: number }
  const tampered = (edit: (d: Doc) => void): unknown => {
    const d = roundTrip(json) as Doc
    edit(d)
    return d
  }

  it('loads through the registry by kind', () => {
    registerModelKind('gbdt', loadGbdtModel)
    expect(loadModel(roundTrip(json)).predictRaw(data.X)).toEqual(
      loadGbdtModel(roundTrip(json)).predictRaw(data.X),
    )
  })

  it('rejects corrupted and newer files with UNSUPPORTED_FORMAT, never a half-loaded model', () => {
    const bad: unknown[] = [
      null,
      { format: 'keel-model' },
      tampered((d) => (d.formatVersion = 99)),
      tampered((d) => (d.gbdt.version = 2)),
      tampered((d) => ((d.gbdt.trees[0]!.left as number[])[0] = 0)),
      tampered((d) => ((d.gbdt.trees[0]!.right as number[])[0] = 99999)),
      tampered((d) => ((d.gbdt.trees[0]!.feature as number[])[0] = 42)),
      tampered((d) => (d.gbdt.trees[0]!.value = 'x')),
      tampered((d) => delete d.gbdt.trees[0]!.cover),
      tampered((d) => ((d.gbdt.trees[0]!.gain as number[]).length = 1)),
      tampered((d) => (d.gbdt.trees[0]!.output = 3)),
      tampered((d) => (d.gbdt.trees[0]!.extra = 1)),
    ]
    for (const doc of bad)
      expect(keelError(() => loadGbdtModel(doc)).code).toBe('UNSUPPORTED_FORMAT')
    const tree = (json as unknown as Doc).gbdt.trees[0]!
    const shared = tampered((d) => {
      // Point both children of the root at the same node: a DAG, not a tree.
      const t = d.gbdt.trees[0]!
      ;(t.right as number[])[0] = (t.left as number[])[0]!
    })
    expect(keelError(() => loadGbdtModel(shared)).code).toBe('UNSUPPORTED_FORMAT')
    expect(tree).toBeDefined()
  })
})
