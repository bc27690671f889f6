import { describe, expect, it } from 'vitest'
import { bootstrapMetric } from '../bootstrap.js'
import { createRng } from '../../random/index.js'
import { delongInterval } from '../delong.js'
import type { PredictionSet } from '../../metrics/index.js'
import { evaluationConfigSchema } from './config-schema.js'
import {
  budgetedResamples,
  metricInterval,
  metricIntervals,
  MIN_RESAMPLES,
  RESAMPLE_BUDGET,
} from './intervals.js'

const set = (n: number, seed: number): PredictionSet => {
  const rng = createRng(seed)
  const y = new Float64Array(n)
  const proba = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    y[i] = rng.float() < 0.3 ? 1 : 0
    const p = Math.min(0.99, Math.max(0.01, 0.3 + 0.3 * (y[i]! - 0.3) + 0.2 * rng.normal()))
    proba[2 * i] = 1 - p
    proba[2 * i + 1] = p
  }
  return { task: 'binary', y, proba, numClasses: 2 }
}

const bootstrap = evaluationConfigSchema.parse({}).bootstrap

describe('metric intervals', () => {
  it('budget resamples by rows, never below the floor', () => {
    expect(budgetedResamples(1000, 500)).toBe(500)
    expect(budgetedResamples(RESAMPLE_BUDGET / 250, 500)).toBe(250)
    expect(budgetedResamples(1e9, 500)).toBe(MIN_RESAMPLES)
  })

  it('use DeLong for ROC-AUC and a stratified bootstrap otherwise, reproducibly', () => {
    const d = set(800, 1)
    const auc = metricInterval('auc', d, bootstrap, createRng(1))
    const pos = Float64Array.from({ length: 800 }, (_, i) => d.proba![2 * i + 1]!)
    const ref = delongInterval(d.y, pos, 0.95)
    expect(auc).toMatchObject({ method: 'delong', lower: ref.lower, upper: ref.upper })
    const ll = metricInterval('log_loss', d, bootstrap, createRng(1))
    const again = metricInterval('log_loss', d, bootstrap, createRng(1))
    expect(ll).toEqual(again)
    // Shared resamples: each metric's interval is exactly core's single-metric bootstrap on the
    // same stream, whatever other metrics are scored alongside (no hidden randomness).
    const direct = bootstrapMetric('log_loss', d, {
      rng: createRng(1).fork('ci'),
      resamples: 500,
      strata: d.y,
    })
    expect([ll.lower, ll.upper]).toEqual([direct.lower, direct.upper])
    expect(metricIntervals(d, ['brier', 'log_loss'], bootstrap, createRng(1))['log_loss']).toEqual(
      ll,
    )
    expect(ll.lower!).toBeLessThan(ll.value!)
    expect(ll.upper!).toBeGreaterThan(ll.value!)
  })

  it('report an undefined metric as a null value, not an error', () => {
    const d = set(50, 2)
    const oneClass = { ...d, y: new Float64Array(50) }
    expect(metricInterval('roc_auc', oneClass, bootstrap, createRng(1))).toEqual({
      value: null,
      method: 'none',
    })
  })
})

describe('paired comparisons', () => {
  it('match core’s compareModels on the same stream for a bootstrapped metric', async () => {
    const { compareModels } = await import('../paired.js')
    const { pairedComparisons } = await import('./intervals.js')
    const a = set(600, 3)
    const b = set(600, 4)
    const bb = { ...b, y: a.y }
    const ours = pairedComparisons(a, bb, ['log_loss', 'auc'], bootstrap, createRng(2))
    const ref = compareModels('log_loss', a, bb, {
      rng: createRng(2).fork('paired'),
      resamples: 500,
      strata: a.y,
    })
    expect(ours.comparisons.map((c) => c.metric)).toEqual(['log_loss', 'roc_auc'])
    const ll = ours.comparisons[0]!
    expect([ll.lower, ll.upper, ll.pValue]).toEqual([ref.lower, ref.upper, ref.pValue])
    // The point difference is computed on the full data, not as the replicates' estimate.
    expect(ll.difference).toBeCloseTo(ref.difference, 12)
    expect(ours.comparisons[1]!.method).toBe('delong')
  })
})
