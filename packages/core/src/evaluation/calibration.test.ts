import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isKeelError } from '../errors/index.js'
import { expectAllClose, loadMetricsFixture } from '../metrics/test-support/fixtures.js'
import { logLoss } from '../metrics/index.js'
import { calibrationReport, calibratorFromJSON, topLabelCalibrationReport } from './calibration.js'
import { fitIsotonicCalibrator, isotonicRegression } from './isotonic.js'
import { fitPlattCalibrator, plattCalibrator } from './platt.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

interface CalFixture {
  y: number[]
  prob: number[]
  logit: number[]
  weight: number[]
  isoScores: number[]
  isoWeight: number[]
  curves: {
    strategy: 'uniform' | 'quantile'
    bins: number
    probTrue: number[]
    probPred: number[]
    edges: number[]
    counts: number[]
    ece: number
    mce: number
  }[]
  platt: {
    weighted: boolean
    sklearn: [number, number]
    tight: [number, number]
    grid: number[]
    applied: number[]
  }[]
  isotonic: { weighted: boolean; x: number[]; y: number[]; test: number[]; predicted: number[] }[]
}

const f = loadMetricsFixture<CalFixture>(readFileSync, 'calibration.json')

describe('reliability curves and calibration error', () => {
  for (const c of f.curves) {
    it(`match scikit-learn's calibration_curve (${c.strategy}, ${c.bins} bins)`, () => {
      const r = calibrationReport(f.y, f.prob, { bins: c.bins, strategy: c.strategy })
      // Bin membership is exact (same edges, same searchsorted rule); the means are sums of the same
      // terms in the same order: 1e-12.
      expectAllClose(r.edges, c.edges, 1e-15)
      expectAllClose(
        r.bins.map((b) => b.count),
        c.counts,
        0,
      )
      expectAllClose(
        r.bins.map((b) => b.fractionPositive),
        c.probTrue,
        1e-12,
      )
      expectAllClose(
        r.bins.map((b) => b.meanPredicted),
        c.probPred,
        1e-12,
      )
      expect(r.ece).toBeCloseTo(c.ece, 12)
      expect(r.mce).toBeCloseTo(c.mce, 12)
    })
  }

  it('leaves bins with too few rows out of the MCE, and says how many', () => {
    // 20 rows at 0.15 with 3 positives (gap 0), one row at 0.95 that is negative (gap 0.95).
    const prob = [...Array<number>(20).fill(0.15), 0.95]
    const y = [1, 1, 1, ...Array<number>(18).fill(0)]
    expect(calibrationReport(y, prob).mce).toBeCloseTo(0.95, 15)
    const r = calibrationReport(y, prob, { minBinCount: 10 })
    expect(r.mce).toBeCloseTo(0, 15)
    expect(r).toMatchObject({ mceMinCount: 10, mceExcludedBins: 1 })
    expect(r.bins.map((b) => b.count)).toEqual([20, 1])
    expect(calibrationReport([0, 1], [0.9, 0.9], { minBinCount: 10 }).mce).toBeNull()
    expect(() => calibrationReport(y, prob, { minBinCount: 0 })).toThrow(/minBinCount/)
  })

  it('is zero for a perfectly calibrated bin structure and flags bad inputs', () => {
    const r = calibrationReport([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])
    expect(r.ece).toBe(0)
    expect(r.bins).toHaveLength(1)
    expect(() => calibrationReport([0, 1], [0.5, 1.2])).toThrow(/probability/)
  })

  it('top-label calibration scores the confidence of the predicted class', () => {
    // Two rows predicted class 2 with 0.8 confidence, one right: gap |0.5 − 0.8| = 0.3.
    const r = topLabelCalibrationReport([2, 0], [0.1, 0.1, 0.8, 0.1, 0.1, 0.8])
    expect(r.ece).toBeCloseTo(0.3, 14)
  })
})

describe('Platt scaling', () => {
  for (const p of f.platt) {
    it(`matches scikit-learn's _sigmoid_calibration (${p.weighted ? 'weighted' : 'unweighted'})`, () => {
      const cal = fitPlattCalibrator(
        f.logit,
        f.y,
        p.weighted ? { weight: Float64Array.from(f.weight) } : {},
      )
      // Against the tight optimum of the same objective (scipy BFGS, gtol 1e-11): 1e-7. The
      // objective is flat near its optimum, so parameters are only determined to ~√(gtol·cond).
      expect(cal.a).toBeCloseTo(p.tight[0], 7)
      expect(cal.b).toBeCloseTo(p.tight[1], 7)
      // Against scikit-learn's own answer: its BFGS stops at gradient norm 1e-5, which leaves the
      // parameters ~1e-6 from the optimum; 1e-5 absolute.
      expect(Math.abs(cal.a - p.sklearn[0])).toBeLessThan(1e-5)
      expect(Math.abs(cal.b - p.sklearn[1])).toBeLessThan(1e-5)
      expectAllClose(cal.apply(p.grid), p.applied, 1e-7)
    })
  }

  it('improves log loss on the data it is fitted on and survives a JSON round trip', () => {
    const cal = fitPlattCalibrator(f.logit, f.y)
    const raw = f.logit.map((s) => 1 / (1 + Math.exp(-s)))
    const before = logLoss(
      f.y,
      raw.flatMap((p) => [1 - p, p]),
    )
    const after = logLoss(
      f.y,
      Array.from(cal.apply(f.logit)).flatMap((p) => [1 - p, p]),
    )
    expect(after).toBeLessThan(before)
    const loaded = calibratorFromJSON(JSON.parse(JSON.stringify(cal)))
    expect(Array.from(loaded.apply(f.logit))).toEqual(Array.from(cal.apply(f.logit)))
  })

  it('stays finite on perfectly separable data (prior correction)', () => {
    const cal = fitPlattCalibrator([-2, -1, 1, 2], [0, 0, 1, 1])
    expect(Number.isFinite(cal.a) && Number.isFinite(cal.b)).toBe(true)
    const p = cal.apply([-2, 2])
    // Targets are smoothed to 1/4 and 3/4 with two rows per class, so the fit stays well inside.
    expect(p[0]).toBeGreaterThan(0.05)
    expect(p[1]).toBeLessThan(0.95)
  })
})

describe('isotonic calibration', () => {
  for (const iso of f.isotonic) {
    it(`matches scikit-learn's IsotonicRegression(out_of_bounds='clip') (${iso.weighted ? 'weighted, zero weights' : 'unweighted'})`, () => {
      const cal = fitIsotonicCalibrator(
        f.isoScores,
        f.y,
        iso.weighted ? { weight: Float64Array.from(f.isoWeight) } : {},
      )
      // PAVA block means are weighted averages in a different association order: 1e-12.
      expectAllClose(cal.x, iso.x, 0)
      expectAllClose(cal.y, iso.y, 1e-12)
      expectAllClose(cal.apply(iso.test), iso.predicted, 1e-12)
    })
  }

  test.prop([
    fc.array(
      fc.tuple(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
      ),
      {
        minLength: 1,
        maxLength: 40,
      },
    ),
  ])('PAVA output is non-decreasing, keeps the weighted mean, and is idempotent', (rows) => {
    const y = rows.map((r) => r[0])
    const w = rows.map((r) => r[1])
    const fit = isotonicRegression(y, w)
    for (let i = 1; i < fit.length; i++) expect(fit[i]!).toBeGreaterThanOrEqual(fit[i - 1]!)
    const mean = (v: ArrayLike<number>): number =>
      Array.from(v).reduce((s, x, i) => s + x * w[i]!, 0) / w.reduce((s, x) => s + x, 0)
    // Pooling re-associates weighted sums over ≤ 40 values ≤ 5 in size: 1e-9 absolute is generous.
    expect(mean(fit)).toBeCloseTo(mean(y), 9)
    expectAllClose(isotonicRegression(fit, w), fit, 1e-12)
  })

  test.prop([
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 50 }),
  ])('calibrated probabilities are monotone in the score and stay in [0, 1]', (scores) => {
    const y = scores.map((s, i) => (s + ((i * 37) % 10) / 20 > 0.7 ? 1 : 0))
    const cal = fitIsotonicCalibrator(scores, y)
    const grid = Array.from({ length: 21 }, (_, i) => i / 20 - 0.01 * (i % 2))
    const out = cal.apply([...grid].sort((a, b) => a - b))
    for (let i = 1; i < out.length; i++) expect(out[i]!).toBeGreaterThanOrEqual(out[i - 1]!)
    for (const p of out) expect(p >= 0 && p <= 1).toBe(true)
  })
})

describe('calibrator JSON', () => {
  it('round-trips both kinds and rejects foreign data', () => {
    const iso = fitIsotonicCalibrator([0.1, 0.4, 0.35, 0.8], [0, 1, 0, 1])
    const back = calibratorFromJSON(JSON.parse(JSON.stringify(iso.toJSON())))
    expect(back.kind).toBe('isotonic')
    expect(Array.from(back.apply([0, 0.5, 1]))).toEqual(Array.from(iso.apply([0, 0.5, 1])))
    expect(calibratorFromJSON(plattCalibrator(1, 2).toJSON()).kind).toBe('platt')
    for (const bad of [
      null,
      {},
      { format: 'keel-calibrator', formatVersion: 2, kind: 'platt', a: 1, b: 1 },
      { format: 'keel-calibrator', formatVersion: 1, kind: 'isotonic', x: [1, 0], y: [0, 1] },
    ]) {
      try {
        calibratorFromJSON(bad)
        expect.fail('should not load')
      } catch (e) {
        expect(isKeelError(e)).toBe(true)
      }
    }
  })
})
