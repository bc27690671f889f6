import { readFileSync } from 'node:fs'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../random/index.js'
import type { FeatureSpec } from '../protocol.js'
import { createGbdt } from './index.js'
import type { GbdtModel } from './model.js'
import { Forest } from './predictor.js'
import { shapValues } from './shap.js'
import { syntheticSet } from './synthetic.js'
import type { Tree } from './tree.js'

/** A node of XGBoost's JSON dump (`get_dump(dump_format='json', with_stats=True)`). */
interface DumpNode {
  nodeid: number
  split?: string
  split_condition?: number
  yes?: number
  no?: number
  missing?: number
  gain?: number
  cover: number
  leaf?: number
  children?: DumpNode[]
}

interface ShapFixture {
  baseMargin: number
  rows: (number | null)[][]
  trees: DumpNode[]
  contribs: number[][]
  margin: number[]
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../../../test/fixtures/gbdt/shap.json', import.meta.url), 'utf8'),
) as ShapFixture

/** The largest double below x: XGBoost's `x < c` is Keel's `x <= nextDown(c)`. */
const nextDown = (x: number): number => {
  if (x === 0) return -Number.MIN_VALUE
  const v = new DataView(new ArrayBuffer(8))
  v.setFloat64(0, x)
  v.setBigInt64(0, v.getBigInt64(0) + (x > 0 ? -1n : 1n))
  return v.getFloat64(0)
}

/** An XGBoost dump tree in Keel's tree form (nodes renumbered breadth-first). */
const fromDump = (root: DumpNode): Tree => {
  const order: DumpNode[] = [root]
  const index = new Map<number, number>([[root.nodeid, 0]])
  for (let i = 0; i < order.length; i++) {
    for (const c of order[i]!.children ?? []) {
      index.set(c.nodeid, order.length)
      order.push(c)
    }
  }
  const L = order.length
  const t = {
    feature: new Int32Array(L).fill(-1),
    threshold: new Float64Array(L),
    left: new Int32Array(L).fill(-1),
    right: new Int32Array(L).fill(-1),
    defaultLeft: new Uint8Array(L),
    value: new Float64Array(L),
    cover: new Float64Array(L),
    gain: new Float64Array(L),
    categories: new Array<Int32Array | null>(L).fill(null),
  }
  order.forEach((d, i) => {
    t.cover[i] = d.cover
    if (d.leaf !== undefined) {
      t.value[i] = d.leaf
      return
    }
    t.feature[i] = Number(d.split!.slice(1))
    t.threshold[i] = nextDown(d.split_condition!)
    t.left[i] = index.get(d.yes!)!
    t.right[i] = index.get(d.no!)!
    t.defaultLeft[i] = d.missing === d.yes ? 1 : 0
    t.gain[i] = d.gain!
  })
  return t
}

describe('TreeSHAP against XGBoost 1.7 pred_contribs', () => {
  const F = fixture.rows[0]!.length
  const features: FeatureSpec[] = Array.from({ length: F }, (_, f) => ({
    name: `f${f}`,
    kind: 'numeric',
  }))
  const trees = fixture.trees.map(fromDump)
  const model = {
    features,
    base: Float64Array.of(fixture.baseMargin),
    trees,
    outputs: new Int32Array(trees.length),
  }
  const x = Float64Array.from(fixture.rows.flat(), (v) => (v === null ? NaN : v))
  const n = fixture.rows.length

  it('the converted trees reproduce XGBoost margins', () => {
    const forest = new Forest(trees, model.outputs, model.base, new Array<number>(F).fill(0))
    for (let r = 0; r < n; r++) {
      // XGBoost sums leaf values in float32: about 1e-7 relative per tree.
      expect(forest.rawRow(x, r * F)).toBeCloseTo(fixture.margin[r]!, 5)
    }
  })

  it('gives the same per-feature contributions and bias', () => {
    const phi = shapValues(model, x, n)
    for (let r = 0; r < n; r++) {
      for (let j = 0; j <= F; j++) {
        // XGBoost runs the recursion in float32 (covers, path weights); 1e-5 absolute is a few
        // float32 ulps of contributions of order 1.
        expect(Math.abs(phi[r * (F + 1) + j]! - fixture.contribs[r]![j]!)).toBeLessThan(1e-5)
      }
    }
  })
})

const rawSum = (phi: Float64Array, off: number, len: number): number => {
  let s = 0
  for (let j = 0; j < len; j++) s += phi[off + j]!
  return s
}

describe('TreeSHAP properties', () => {
  const fits: Record<string, GbdtModel> = {}
  for (const task of ['binary', 'multiclass', 'regression'] as const) {
    const data = syntheticSet({ n: 600, task, seed: 4, categorical: true, missing: 0.1 })
    fits[task] = createGbdt({ nEstimators: 15, maxDepth: 4 }).fit(data, { rng: createRng(3) })
  }
  const row = fc.tuple(
    fc.array(fc.oneof(fc.double({ min: -4, max: 4, noNaN: true }), fc.constant(NaN)), {
      minLength: 4,
      maxLength: 4,
    }),
    fc.integer({ min: -2, max: 7 }),
  )

  test.prop([row, fc.constantFrom('binary', 'multiclass', 'regression')])(
    'contributions plus bias sum to the raw score, per output',
    ([nums, code], task) => {
      const model = fits[task]!
      const x = Float64Array.from([...nums, code])
      const F = 5
      const K = model.numOutputs
      const phi = shapValues(model.state, x, 1)
      const raw = new Float64Array(K)
      model.rawRowInto(x, raw)
      for (let k = 0; k < K; k++) {
        // Exact in real arithmetic; 1e-9 covers float64 rounding over ~100 path terms.
        expect(rawSum(phi, k * (F + 1), F + 1)).toBeCloseTo(raw[k]!, 9)
      }
    },
  )

  it('gives the bias as the mean training prediction for squared loss (cover = row count)', () => {
    const data = syntheticSet({ n: 500, task: 'regression', seed: 8 })
    const model = createGbdt({ nEstimators: 10, maxDepth: 3 }).fit(data, { rng: createRng(1) })
    const raw = model.predictRaw(data.X)
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length
    const phi = model.contributions(data.X.take([0]))
    expect(phi[4]).toBeCloseTo(mean, 9)
  })

  it('gives zero contribution to a feature no split uses', () => {
    const data = syntheticSet({ n: 400, task: 'regression', seed: 9 })
    const model = createGbdt({ nEstimators: 5, maxDepth: 2 }).fit(data, { rng: createRng(1) })
    const unused = model.features.findIndex((f) => model.featureImportance('split')[f.name] === 0)
    expect(unused).toBeGreaterThanOrEqual(0)
    const phi = model.contributions(data.X)
    for (let r = 0; r < 400; r++) expect(phi[r * 5 + unused]).toBe(0)
  })
})
