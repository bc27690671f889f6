import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { Frame, categoricalColumn, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import { isKeelError } from '../../errors/index.js'
import { loadModel, registerModelKind } from '../registry.js'
import { runLearnerConformance } from '../conformance/conformance.js'
import { syntheticData } from '../conformance/datasets.js'
import { ZERO_RULE_MODEL_KIND, loadZeroRuleModel, zeroRule } from './zero-rule.js'
import {
  RANDOM_BASELINE_MODEL_KIND,
  loadRandomBaselineModel,
  randomBaseline,
} from './random-baseline.js'
import {
  HEURISTIC_MODEL_KIND,
  heuristicLearner,
  loadHeuristicModel,
  registerHeuristic,
} from './heuristic.js'
import { weightedMedian, weightedQuantiles } from './distribution.js'

registerModelKind(ZERO_RULE_MODEL_KIND, loadZeroRuleModel)
registerModelKind(RANDOM_BASELINE_MODEL_KIND, loadRandomBaselineModel)
registerModelKind(HEURISTIC_MODEL_KIND, loadHeuristicModel)

registerHeuristic('x0-positive', (row) => (row.x0 as number) > 0)
registerHeuristic('first-feature-score', (row) => 1 / (1 + Math.exp(-(row.x0 as number))))
registerHeuristic('argmax-label', (row) => {
  const s = [row.x0 as number, row.x1 as number, 0.3]
  return ['a', 'b', 'c'][s.indexOf(Math.max(...s))]!
})
registerHeuristic('linear-guess', (row) => 2 + (row.x0 as number) - 2 * (row.x1 as number))

// Class frequencies and weighted quantiles are sums of weights: weight 2 and a duplicated row give
// the same numbers up to summation order (a few ulps).
const sumsTolerance = 1e-12
const positional = 'draws depend on row position by design (documented)'

for (const task of ['binary', 'multiclass', 'regression'] as const) {
  runLearnerConformance({
    name: `zero-rule (${task})`,
    make: () => zeroRule({ regression: 'median' }),
    data: () => syntheticData[task]({ categorical: true }),
    weightTolerance: sumsTolerance,
  })
  runLearnerConformance({
    name: `random-baseline (${task}, prior)`,
    make: () => randomBaseline(),
    data: () => syntheticData[task]({ categorical: true, weighted: true }),
    weightTolerance: sumsTolerance,
    skip: { rowIndependence: positional },
  })
}
runLearnerConformance({
  name: 'random-baseline (binary, uniform)',
  make: () => randomBaseline({ strategy: 'uniform' }),
  data: () => syntheticData.binary(),
  skip: { rowIndependence: positional },
})
runLearnerConformance({
  name: 'heuristic (binary, boolean rule)',
  make: () => heuristicLearner({ name: 'x0-positive' }),
  data: () => syntheticData.binary(),
})
runLearnerConformance({
  name: 'heuristic (binary, score rule)',
  make: () => heuristicLearner({ name: 'first-feature-score' }),
  data: () => syntheticData.binary(),
})
runLearnerConformance({
  name: 'heuristic (multiclass, label rule)',
  make: () => heuristicLearner({ name: 'argmax-label' }),
  data: () => syntheticData.multiclass(),
})
runLearnerConformance({
  name: 'heuristic (regression)',
  make: () => heuristicLearner({ name: 'linear-guess' }),
  data: () => syntheticData.regression(),
})

describe('baselines', () => {
  const rng = createRng(5)
  const X = Frame.fromColumns({ f: numericColumn([1, 2, 3, 4, 5, 6]) })
  const cls = {
    X,
    y: Float64Array.from([0, 1, 1, 1, 0, 1]),
    task: 'binary' as const,
    classes: ['n', 'y'],
  }

  it('zero-rule predicts the majority class with the class frequencies as probabilities', () => {
    const m = zeroRule().fit(cls, { rng })
    expect(Array.from(m.predict(X))).toEqual([1, 1, 1, 1, 1, 1])
    expect(Array.from(m.predictProba(X.slice(0, 1)))).toEqual([2 / 6, 4 / 6])
  })

  it('zero-rule regression predicts the weighted mean or median', () => {
    const reg = { X, y: Float64Array.from([1, 2, 3, 4, 5, 100]), task: 'regression' as const }
    expect(zeroRule().fit(reg, { rng }).predict(X)[0]).toBeCloseTo(115 / 6, 12)
    expect(zeroRule({ regression: 'median' }).fit(reg, { rng }).predict(X)[0]).toBe(3.5)
    const w = Float64Array.from([1, 1, 1, 1, 1, 10])
    expect(
      zeroRule({ regression: 'median' })
        .fit({ ...reg, weight: w }, { rng })
        .predict(X)[0],
    ).toBe(100)
  })

  test.prop([fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 30 })])(
    'the weighted median with unit weights is the ordinary median',
    (values) => {
      const y = Float64Array.from(values)
      const sorted = [...values].sort((a, b) => a - b)
      const m = sorted.length
      const median = m % 2 ? sorted[(m - 1) / 2]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2
      expect(weightedMedian(y, new Float64Array(m).fill(1))).toBe(median)
      const q = weightedQuantiles(y, new Float64Array(m).fill(1))
      expect(q[0]).toBe(sorted[0])
      expect(q[100]).toBe(sorted[m - 1])
    },
  )

  it('random baseline draws follow the class priors and are reproducible', () => {
    const big = syntheticData.binary({ n: 4000 })
    const m = randomBaseline().fit(big, { rng: createRng(9) })
    const p = m.predict(big.X)
    const share = p.reduce((a, b) => a + b, 0) / p.length
    const prior = big.y.reduce((a, b) => a + b, 0) / big.y.length
    // Binomial standard error at n = 4000 is ≤ 0.008; 4 of them.
    expect(Math.abs(share - prior)).toBeLessThan(0.032)
    expect(Array.from(loadModel(JSON.parse(JSON.stringify(m.toJSON()))).predict(big.X))).toEqual(
      Array.from(p),
    )
    const other = randomBaseline()
      .fit(big, { rng: createRng(10) })
      .predict(big.X)
    expect(Array.from(other)).not.toEqual(Array.from(p))
  })

  it('random regression baseline draws within the training range', () => {
    const d = syntheticData.regression()
    let [lo, hi] = [Infinity, -Infinity]
    for (const v of d.y) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
    for (const strategy of ['uniform', 'prior']) {
      const p = randomBaseline({ strategy }).fit(d, { rng }).predict(d.X)
      for (const v of p) expect(v >= lo && v <= hi).toBe(true)
    }
  })

  it('a heuristic sees missing values as null and categorical values as labels', () => {
    const seen: unknown[] = []
    registerHeuristic('spy', (row) => {
      seen.push(row.origin, row.d)
      return row.origin === 'SFO'
    })
    const Xc = Frame.fromColumns({
      origin: categoricalColumn(['SFO', 'JFK', null]),
      d: numericColumn([1, null, 3]),
    })
    const m = heuristicLearner({ name: 'spy' }).fit(
      { X: Xc, y: Float64Array.from([1, 0, 0]), task: 'binary', classes: ['ok', 'late'] },
      { rng },
    )
    expect(seen.slice(0, 6)).toEqual(['SFO', 1, 'JFK', null, null, 3])
    expect(Array.from(m.predict(Xc))).toEqual([1, 0, 0])
  })

  it('a heuristic model stores only the name; loading needs the registered rule', () => {
    registerHeuristic('temp-rule', () => 'ok', { version: '1' })
    const data = {
      X,
      y: Float64Array.from([0, 1, 0, 1, 0, 1]),
      task: 'binary' as const,
      classes: ['ok', 'late'],
    }
    const json = heuristicLearner({ name: 'temp-rule' }).fit(data, { rng }).toJSON()
    expect(json).toMatchObject({ heuristic: 'temp-rule', version: '1' })
    expect(JSON.stringify(json)).not.toContain('=>')
    registerHeuristic('temp-rule', () => 'late', { version: '2' })
    try {
      loadModel(json)
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('CONFLICT')
    }
    try {
      loadModel({ ...json, heuristic: 'never-registered' })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('MISSING_DEPENDENCY')
      expect(isKeelError(e) && e.hint).toContain('registerHeuristic')
    }
  })

  it('a heuristic that returns garbage fails at fit with the row', () => {
    registerHeuristic('garbage', (row) => ((row.f as number) > 3 ? 'maybe' : 'ok'))
    const data = {
      X,
      y: Float64Array.from([0, 1, 0, 1, 0, 1]),
      task: 'binary' as const,
      classes: ['ok', 'late'],
    }
    expect(() => heuristicLearner({ name: 'garbage' }).fit(data, { rng })).toThrow(
      /"maybe" for row 3/,
    )
    registerHeuristic('nan', () => NaN)
    expect(() =>
      heuristicLearner({ name: 'nan' }).fit(
        { X, y: Float64Array.from([1, 2, 3, 4, 5, 6]), task: 'regression' },
        { rng },
      ),
    ).toThrow(/finite number/)
  })
})
