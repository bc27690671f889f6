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

  it('use DeLong for ROC-AUC and a plain bootstrap otherwise, reproducibly', () => {
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
    const direct = bootstrapMetric('log_loss', d, { rng: createRng(1).fork('ci'), resamples: 500 })
    expect([ll.lower, ll.upper]).toEqual([direct.lower, direct.upper])
    expect(metricIntervals(d, ['brier', 'log_loss'], bootstrap, createRng(1))['log_loss']).toEqual(
      ll,
    )
    expect(ll.lower!).toBeLessThan(ll.value!)
    expect(ll.upper!).toBeGreaterThan(ll.value!)
  })

  it('default to a plain percentile bootstrap, as a scikit-learn user computes it by hand', () => {
    // Imbalanced three-class labels: 80 % / 15 % / 5 %, a model right 70 % of the time.
    const n = 400
    const rng = createRng(11)
    const y = new Float64Array(n)
    const pred = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const u = rng.float()
      y[i] = u < 0.8 ? 0 : u < 0.95 ? 1 : 2
      pred[i] = rng.float() < 0.7 ? y[i]! : rng.int(3)
    }
    const d: PredictionSet = { task: 'multiclass', y, pred, numClasses: 3 }
    const ours = metricInterval('accuracy', d, bootstrap, createRng(5))
    // Independent: n draws with replacement per resample from the same stream, NumPy's
    // linear-interpolation percentile. No strata, no core bootstrap code.
    const stream = createRng(5).fork('ci')
    const values: number[] = []
    for (let b = 0; b < 500; b++) {
      let correct = 0
      for (let j = 0; j < n; j++) {
        const i = stream.int(n)
        if (y[i] === pred[i]) correct++
      }
      values.push(correct / n)
    }
    values.sort((a, b) => a - b)
    const pct = (q: number): number => {
      const pos = q * (values.length - 1)
      const lo = Math.floor(pos)
      return values[lo]! + (pos - lo) * (values[Math.min(lo + 1, values.length - 1)]! - values[lo]!)
    }
    expect(ours).toMatchObject({ method: 'bootstrap', resampling: 'plain', resamples: 500 })
    // Exact: the same draws and the same arithmetic.
    expect(ours.lower).toBe(pct(0.025))
    expect(ours.upper).toBe(pct(0.975))
    const stratified = metricInterval('accuracy', d, { ...bootstrap, stratify: true }, createRng(5))
    expect(stratified.resampling).toBe('stratified')
    expect([stratified.lower, stratified.upper]).not.toEqual([ours.lower, ours.upper])
  })

  it('never report a zero-width interval at the boundary', () => {
    // 86 rows, every one right, perfectly separated: the bootstrap and DeLong both say [1, 1].
    const n = 86
    const y = Float64Array.from({ length: n }, (_, i) => (i < 30 ? 1 : 0))
    const proba = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) {
      const p = y[i] ? 0.9 - i / 1000 : 0.1 + i / 1000
      proba[2 * i] = 1 - p
      proba[2 * i + 1] = p
    }
    const d: PredictionSet = { task: 'binary', y, proba, pred: y, numClasses: 2 }
    const out = metricIntervals(d, ['accuracy', 'roc_auc', 'f1'], bootstrap, createRng(3))
    // Wilson for 86 of 86 at 95 % (statsmodels: 0.957241802714), one-sided exact bound from 30
    // disjoint pairs for the AUC: 0.05^(1/30).
    expect(out['accuracy']).toMatchObject({ value: 1, method: 'wilson', upper: 1 })
    expect(out['accuracy']!.lower).toBeCloseTo(0.957241802714, 10)
    expect(out['accuracy']!.note).toMatch(/1 distinct value.*86 of 86/)
    expect(out['roc_auc']).toMatchObject({ value: 1, method: 'one-sided', upper: 1 })
    expect(out['roc_auc']!.lower).toBeCloseTo(0.05 ** (1 / 30), 12)
    // F1 is not a proportion of rows: no interval, and the report says why.
    expect(out['f1']).toMatchObject({ value: 1, method: 'none' })
    expect(out['f1']!.note).toMatch(/too small/)
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
    })
    expect(ours.comparisons.map((c) => c.metric)).toEqual(['log_loss', 'roc_auc'])
    const ll = ours.comparisons[0]!
    expect([ll.lower, ll.upper, ll.pValue]).toEqual([ref.lower, ref.upper, ref.pValue])
    // The point difference is computed on the full data, not as the replicates' estimate.
    expect(ll.difference).toBeCloseTo(ref.difference, 12)
    expect(ours.comparisons[1]!.method).toBe('delong')
  })

  it('bound a zero-width DeLong difference by the two models’ own intervals', async () => {
    const { pairedComparisons } = await import('./intervals.js')
    const n = 86
    const y = Float64Array.from({ length: n }, (_, i) => (i < 30 ? 1 : 0))
    const perfect = new Float64Array(2 * n)
    const constant = new Float64Array(2 * n).fill(0.5)
    for (let i = 0; i < n; i++) {
      perfect[2 * i + 1] = y[i] ? 0.9 : 0.1
      perfect[2 * i] = 1 - perfect[2 * i + 1]!
    }
    const a: PredictionSet = { task: 'binary', y, proba: perfect, numClasses: 2 }
    const b: PredictionSet = { task: 'binary', y, proba: constant, numClasses: 2 }
    const [auc] = pairedComparisons(a, b, ['roc_auc'], bootstrap, createRng(1)).comparisons
    // The candidate's AUC 1 has the one-sided bound 0.05^(1/30); the constant scorer's AUC is 0.5
    // on every sample (DeLong's variance is truly zero), so the difference is [bound − 0.5, 0.5].
    expect(auc).toMatchObject({ difference: 0.5, upper: 0.5 })
    expect(auc!.lower).toBeCloseTo(0.05 ** (1 / 30) - 0.5, 12)
    expect(auc!.note).toMatch(/zero width/)
    // Two identical scorers inside (0, 1): the difference is 0 on every sample, and says so.
    const inside: PredictionSet = { ...set(86, 9), y }
    const [same] = pairedComparisons(
      inside,
      inside,
      ['roc_auc'],
      bootstrap,
      createRng(1),
    ).comparisons
    expect(same).toMatchObject({ difference: 0, lower: 0, upper: 0 })
    expect(same!.note).toBeUndefined()
  })
})
