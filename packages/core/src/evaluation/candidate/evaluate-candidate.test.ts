import { describe, expect, it } from 'vitest'
import { computeMetric } from '../../metrics/index.js'
import { createRng } from '../../random/index.js'
import { isKeelError } from '../../errors/index.js'
import type { Task } from '../../learners/index.js'
import { applyEvaluation, evaluationDigest, gateOutcomeOf } from './bundle-evaluation.js'
import { evaluateCandidate } from './evaluate-candidate.js'
import { toyBundle, toyData } from '../../testing/toy-model.js'

/** Fewer resamples keep the suite fast; the intervals are not what these tests check. */
const FAST = { bootstrap: { resamples: 100 } }

const setup = (task: Task) => {
  const train = toyData(task, 900, 1)
  return {
    bundle: toyBundle(task, train),
    validation: toyData(task, 400, 2),
    test: toyData(task, 400, 3),
  }
}

describe('evaluateCandidate', () => {
  const binary = setup('binary')

  it('is deterministic for a seed and differs only in timing fields', () => {
    const run = () =>
      evaluateCandidate({
        ...binary,
        rng: createRng(5),
        timestampColumn: 't',
        config: { ...FAST, slices: [{ column: 'region' }] },
      }).report
    const a = run()
    const b = run()
    expect(JSON.stringify({ ...a, createdAt: '' })).toBe(JSON.stringify({ ...b, createdAt: '' }))
  })

  it('reports served metrics that match a direct computation with the chosen post-processing', () => {
    const out = evaluateCandidate({
      ...binary,
      rng: createRng(5),
      config: { ...FAST, calibration: { method: 'platt' } },
    })
    const served = applyEvaluation(binary.bundle, out)
    const p = served.predict(binary.test.frame)
    const pred = Float64Array.from(p.prediction, (c) => (c === 'yes' ? 1 : 0))
    const set = { task: 'binary' as const, y: binary.test.y, proba: p.proba!, pred, numClasses: 2 }
    // The report and the bundle share one code path: equal to the last bit.
    expect(out.report.metrics['log_loss']!.value).toBe(computeMetric('log_loss', set))
    expect(out.report.metrics['f1']!.value).toBe(computeMetric('f1', set))
    expect(served.postprocess.threshold).toBe(out.threshold)
    expect(out.report.calibration?.method).toBe('platt')
    expect(out.report.calibration?.calibrated).not.toBeNull()
  })

  it('keeps a bundle’s own post-processing when re-evaluating', () => {
    const fitted = evaluateCandidate({
      ...binary,
      rng: createRng(5),
      config: { ...FAST, threshold: { strategy: { fixed: 0.3 } }, deferBelow: 0.7 },
    })
    const bundle = applyEvaluation(binary.bundle, fitted)
    const kept = evaluateCandidate({
      ...binary,
      bundle,
      rng: createRng(5),
      postprocess: 'keep',
      config: { ...FAST, threshold: { strategy: { fixed: 0.9 } } },
    })
    expect(kept.report.threshold).toMatchObject({ source: 'bundle', threshold: 0.3 })
    expect(kept.report.confidence?.deferBelow).toBe(0.7)
    expect(kept.report.metrics['f1']!.value).toBe(fitted.report.metrics['f1']!.value)
  })

  it('finds the noisy region and refuses at a slice floor, with a reason', () => {
    const out = evaluateCandidate({
      ...binary,
      rng: createRng(5),
      config: {
        ...FAST,
        slices: [{ column: 'region' }],
        gate: { sliceFloors: [{ slice: '*', metric: 'roc_auc', min: 0.75 }] },
      },
    })
    expect(out.report.slices.discovered?.discovery.slices[0]).toMatchObject({
      name: 'region = D',
      significant: true,
    })
    expect(out.report.gate.blessed).toBe(false)
    expect(out.report.gate.reasons).toEqual([expect.stringContaining('region = D')])
    for (const s of out.report.slices.declared) {
      const m = s.metrics['roc_auc']!
      if (s.slice !== 'all') expect(m.lower!).toBeLessThanOrEqual(m.value!)
    }
    const digest = evaluationDigest(out.report)
    expect(gateOutcomeOf(digest)).toEqual({ state: 'refused', reasons: out.report.gate.reasons })
    expect(JSON.parse(JSON.stringify(digest))).toEqual(digest)
  })

  it('compares with a champion and judges regression with the paired interval', () => {
    const weak = toyBundle('binary', toyData('binary', 60, 9))
    const out = evaluateCandidate({
      ...binary,
      champion: { name: 'toy:production', version: 1, bundle: weak },
      rng: createRng(5),
      config: { ...FAST, gate: { maxRegression: { roc_auc: 0.01, log_loss: 0.05 } } },
    })
    const cmp = out.report.champion!.comparisons
    expect(cmp.map((c) => [c.metric, c.method])).toEqual([
      ['roc_auc', 'delong'],
      ['log_loss', 'paired-bootstrap'],
    ])
    expect(cmp[0]!.difference).toBeGreaterThan(0)
    expect(
      out.report.gate.checks.filter((c) => c.check === 'regression').every((c) => c.passed),
    ).toBe(true)
  })

  it('evaluates multiclass and regression tasks', () => {
    const mc = setup('multiclass')
    const m = evaluateCandidate({ ...mc, rng: createRng(1), config: FAST }).report
    expect(m.metrics['accuracy']!.value).toBeGreaterThan(0.5)
    expect(m.calibration?.topLabel).toBe(true)
    expect(m.threshold).toBeNull()
    const rg = setup('regression')
    const r = evaluateCandidate({
      ...rg,
      rng: createRng(1),
      timestampColumn: 't',
      config: FAST,
    }).report
    expect(r.metrics['rmse']!.method).toBe('bootstrap')
    // The worst decile of absolute error: 10% of 400 test rows, fewer only on ties at the cut.
    expect(r.errorAnalysis!.errors).toBeGreaterThanOrEqual(36)
    expect(r.errorAnalysis!.errors).toBeLessThanOrEqual(40)
    expect(r.backtest?.windows.length).toBeGreaterThanOrEqual(3)
  })

  it('rejects metrics that do not apply to the task, and unknown slice columns, as config errors', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f()
      } catch (e) {
        return isKeelError(e) ? e.code : 'other'
      }
      return undefined
    }
    expect(
      code(() =>
        evaluateCandidate({ ...binary, rng: createRng(1), config: { ...FAST, metrics: ['rmse'] } }),
      ),
    ).toBe('INVALID_CONFIG')
    expect(
      code(() =>
        evaluateCandidate({
          ...binary,
          rng: createRng(1),
          config: { ...FAST, slices: [{ column: 'nope' }] },
        }),
      ),
    ).toBe('INVALID_CONFIG')
    expect(
      code(() =>
        evaluateCandidate({
          ...binary,
          rng: createRng(1),
          config: { ...FAST, gate: { minimum: { nonsense: 1 } } },
        }),
      ),
    ).toBe('INVALID_CONFIG')
  })
})
