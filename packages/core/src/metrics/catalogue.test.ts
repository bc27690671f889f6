import { describe, expect, it } from 'vitest'
import { isKeelError } from '../errors/index.js'
import { createRng } from '../random/index.js'
import {
  computeMetric,
  metricByName,
  metricNames,
  metricsForTask,
  registerMetric,
} from './metric-registry.js'
import type { PredictionSet } from './types.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

const rng = createRng(3)
const n = 200
const y = Float64Array.from({ length: n }, () => (rng.float() < 0.4 ? 1 : 0))
const p1 = Float64Array.from(y, (v) =>
  Math.min(1, Math.max(0, 0.3 * v + 0.35 + 0.3 * rng.normal())),
)
const binary: PredictionSet = {
  task: 'binary',
  y,
  proba: Float64Array.from({ length: 2 * n }, (_, j) =>
    j % 2 === 1 ? p1[j >> 1]! : 1 - p1[j >> 1]!,
  ),
  weight: Float64Array.from({ length: n }, () => 0.5 + rng.float()),
}
const regression: PredictionSet = {
  task: 'regression',
  y: Float64Array.from({ length: n }, () => 10 + rng.normal()),
  pred: Float64Array.from({ length: n }, () => 10 + rng.normal()),
}
const multiclass: PredictionSet = (() => {
  const k = 3
  const proba = new Float64Array(n * k)
  const yy = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let c = 0; c < k; c++) s += proba[i * k + c] = rng.float() + 0.01
    for (let c = 0; c < k; c++) proba[i * k + c]! /= s
    yy[i] = i % k
  }
  return { task: 'multiclass', y: yy, proba }
})()

describe('metric catalogue', () => {
  it('resolves canonical names, aliases and parametrised forms', () => {
    expect(metricByName('auc').name).toBe('roc_auc')
    expect(metricByName('PR-AUC').name).toBe('average_precision')
    expect(metricByName('ndcg@10').name).toBe('ndcg@10')
    expect(metricByName('pinball@0.9').name).toBe('pinball@0.9')
    expect(metricByName('precision@5').tasks).toEqual(['ranking'])
    expect(metricByName('precision').tasks).toEqual(['binary'])
    expect(metricByName('log_loss').higherIsBetter).toBe(false)
    expect(metricNames()).toContain('f1_macro')
  })

  it('rejects unknown names and bad parameters with INVALID_ARGUMENT', () => {
    for (const bad of ['aucc', 'ndcg@0', 'pinball@1.5', 'ndcg@']) {
      try {
        metricByName(bad)
        expect.fail(`"${bad}" should not resolve`)
      } catch (e) {
        expect(isKeelError(e) && e.code).toBe('INVALID_ARGUMENT')
      }
    }
  })

  it('computes every metric of each task on a prediction set, in its declared range', () => {
    for (const data of [binary, regression, multiclass]) {
      for (const def of metricsForTask(data.task)) {
        if (
          def.tasks.includes('binary') &&
          !def.tasks.includes('multiclass') &&
          data.task !== 'binary'
        ) {
          continue
        }
        const v = def.compute(data)
        expect(Number.isFinite(v), def.name).toBe(true)
        expect(v, def.name).toBeGreaterThanOrEqual(def.range[0])
        expect(v, def.name).toBeLessThanOrEqual(def.range[1])
      }
    }
  })

  it('pointwise values average to the metric (weighted)', () => {
    for (const data of [binary, regression, multiclass]) {
      for (const def of metricsForTask(data.task)) {
        if (!def.pointwise) continue
        const per = def.pointwise(data)
        let s = 0
        let ws = 0
        per.forEach((v, i) => {
          const wi = data.weight ? data.weight[i]! : 1
          s += wi * v
          ws += wi
        })
        // Same terms, same order of summation up to per-row evaluation: 1e-12 relative.
        expect(s / ws, def.name).toBeCloseTo(def.compute(data), 10)
      }
    }
  })

  it('ranking metrics read queries from `group`', () => {
    const data: PredictionSet = {
      task: 'ranking',
      y: Float64Array.from([1, 0, 0, 0, 2, 0]),
      pred: Float64Array.from([0.9, 0.1, 0.5, 0.2, 0.8, 0.3]),
      group: [1, 1, 1, 2, 2, 2],
    }
    expect(computeMetric('mrr', data)).toBe(1)
    expect(computeMetric('precision@1', data)).toBe(1)
    expect(computeMetric('ndcg@2', data)).toBeCloseTo(1, 14)
    const { group: _g, ...ungrouped } = data
    expect(() => computeMetric('ndcg', ungrouped)).toThrow(/group/)
  })

  it('refuses a metric for the wrong task and duplicate registrations', () => {
    expect(() => computeMetric('mae', binary)).toThrow(/does not apply/)
    expect(() => computeMetric('f1', multiclass)).toThrow(/does not apply/)
    const custom = {
      name: 'cost_per_row',
      description: 'business cost',
      tasks: ['binary'] as const,
      higherIsBetter: false,
      needs: 'label' as const,
      range: [0, Infinity] as const,
      compute: () => 1,
    }
    registerMetric(custom)
    expect(computeMetric('cost_per_row', binary)).toBe(1)
    expect(() => registerMetric(custom)).toThrow(/already registered/)
  })
})
