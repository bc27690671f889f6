import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { loadMetricsFixture } from '../metrics/test-support/fixtures.js'
import { rocAucScore, type PredictionSet } from '../metrics/index.js'
import { createRng } from '../random/index.js'
import { bcaBounds, bootstrapInterval, bootstrapMetric } from './bootstrap.js'
import { delongInterval, delongTest } from './delong.js'
import { erfc, normalCdf, normalQuantile, normalSf } from './normal.js'
import { compareModels } from './paired.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

const rel = (a: number, b: number): number =>
  b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b)

describe('normal distribution against scipy', () => {
  const f = loadMetricsFixture<{
    z: number[]
    cdf: number[]
    sf: number[]
    erfc: number[]
    p: number[]
    ppf: number[]
  }>(readFileSync, 'normal.json')

  it('cdf, sf and erfc agree to 1e-13 relative, tails included', () => {
    // The largest error measured on a dense grid over [−10, 10] is 1.3e-14 relative (at the
    // series/continued-fraction switch-over); 1e-13 leaves margin and is far tighter than any
    // p-value needs.
    f.z.forEach((z, i) => {
      expect(rel(normalCdf(z), f.cdf[i]!), `cdf(${z})`).toBeLessThan(1e-13)
      expect(rel(normalSf(z), f.sf[i]!), `sf(${z})`).toBeLessThan(1e-13)
      expect(rel(erfc(z), f.erfc[i]!), `erfc(${z})`).toBeLessThan(1e-13)
    })
  })

  it('quantile agrees to 1e-12 relative from p = 1e-300 to 1 − 1e-9', () => {
    // 1 − 1e-9 is not representable exactly, so the far upper quantile carries ~1e-8 relative input
    // error scaled by the density; 1e-12 is still met because Φ⁻¹ is flat there relative to p.
    f.p.forEach((p, i) =>
      expect(rel(normalQuantile(p), f.ppf[i]!), `ppf(${p})`).toBeLessThan(1e-12),
    )
    expect(normalQuantile(0)).toBe(-Infinity)
    expect(normalQuantile(1)).toBe(Infinity)
  })
})

interface DelongCase {
  name: string
  y: number[]
  a: number[]
  b: number[]
  expected: { aucA: number; aucB: number; varA: number; var: number; z: number; p: number }
}

describe("DeLong's test", () => {
  const cases = loadMetricsFixture<{ cases: DelongCase[] }>(readFileSync, 'delong.json').cases
  for (const c of cases) {
    it(`the fast algorithm matches the O(mn) definition (${c.name})`, () => {
      const r = delongTest(c.y, c.a, c.b)
      // Mid-rank sums vs explicit comparison matrices: identical quantities, different summation
      // order; 1e-12 relative on variances (≈1e-3) and p-values.
      expect(rel(r.aucA, c.expected.aucA)).toBeLessThan(1e-12)
      expect(rel(r.aucB, c.expected.aucB)).toBeLessThan(1e-12)
      expect(rel(r.standardError ** 2, c.expected.var)).toBeLessThan(1e-10)
      expect(rel(r.z, c.expected.z)).toBeLessThan(1e-10)
      expect(rel(r.pValue, c.expected.p)).toBeLessThan(1e-10)
      expect(rel(delongInterval(c.y, c.a).standardError ** 2, c.expected.varA)).toBeLessThan(1e-10)
      expect(r.aucA).toBeCloseTo(rocAucScore(c.y, c.a), 12)
    })
  }

  it('is antisymmetric and gives p = 1 for identical models', () => {
    const c = cases[0]!
    const ab = delongTest(c.y, c.a, c.b)
    const ba = delongTest(c.y, c.b, c.a)
    expect(ba.z).toBeCloseTo(-ab.z, 12)
    expect(ba.pValue).toBeCloseTo(ab.pValue, 12)
    const same = delongTest(
      c.y,
      c.a,
      c.a.map((v) => 2 * v + 1),
    )
    expect(same.pValue).toBe(1)
    expect(same.difference).toBe(0)
  })

  it('needs two rows of each class', () => {
    expect(() => delongTest([1, 0, 0], [0.3, 0.2, 0.1], [0.1, 0.2, 0.3])).toThrow(/two positive/)
  })
})

describe('bootstrap intervals', () => {
  it('BCa bounds match the reference formula on fixed replicates', () => {
    const f = loadMetricsFixture<{
      estimate: number
      replicates: number[]
      jackknife: number[]
      intervals: { level: number; lower: number; upper: number }[]
    }>(readFileSync, 'bca.json')
    for (const iv of f.intervals) {
      const [lo, hi] = bcaBounds(f.estimate, f.replicates, f.jackknife, iv.level)
      // Same formula, same percentile rule; differences come from Φ/Φ⁻¹ (≤1e-13) moving the
      // interpolation point: 1e-10 absolute on values ~2.
      expect(lo).toBeCloseTo(iv.lower, 10)
      expect(hi).toBeCloseTo(iv.upper, 10)
    }
  })

  const rng = createRng(1)
  const x = Float64Array.from({ length: 80 }, () => -Math.log(1 - rng.float()))
  const mean = ({ indices }: { indices: Int32Array }): number => {
    let s = 0
    for (const i of indices) s += x[i]!
    return s / indices.length
  }

  it('is reproducible with a seed and brackets the estimate', () => {
    for (const method of ['percentile', 'bca'] as const) {
      const a = bootstrapInterval(x.length, mean, { rng: createRng(9), resamples: 400, method })
      const b = bootstrapInterval(x.length, mean, { rng: createRng(9), resamples: 400, method })
      expect(a).toEqual(b)
      expect(a.lower).toBeLessThan(a.estimate)
      expect(a.upper).toBeGreaterThan(a.estimate)
      // The standard error of a mean of 80 Exp(1) draws is ≈ 1/√80 ≈ 0.11.
      expect(a.standardError).toBeGreaterThan(0.07)
      expect(a.standardError).toBeLessThan(0.16)
    }
    const c = bootstrapInterval(x.length, mean, { rng: createRng(10), resamples: 400 })
    expect(c.lower).not.toBe(
      bootstrapInterval(x.length, mean, { rng: createRng(9), resamples: 400 }).lower,
    )
  })

  it('skips resamples where the metric is undefined and counts them', () => {
    // Two positives in 30 rows: about (28/30)^30 ≈ 13% of row resamples have no positive.
    const data: PredictionSet = {
      task: 'binary',
      y: Float64Array.from({ length: 30 }, (_, i) => (i < 2 ? 1 : 0)),
      proba: Float64Array.from({ length: 60 }, (_, j) =>
        j % 2 === 1 ? (j >> 1) / 30 : 1 - (j >> 1) / 30,
      ),
    }
    const ci = bootstrapMetric('roc_auc', data, { rng: createRng(2), resamples: 300 })
    expect(ci.undefinedResamples).toBeGreaterThan(10)
    expect(ci.resamples + ci.undefinedResamples).toBe(300)
    const strat = bootstrapMetric('roc_auc', data, {
      rng: createRng(2),
      resamples: 300,
      strata: data.y,
    })
    expect(strat.undefinedResamples).toBe(0)
  })

  it('resamples whole queries for ranking metrics', () => {
    const data: PredictionSet = {
      task: 'ranking',
      y: Float64Array.from([1, 0, 0, 0, 1, 0, 1, 0, 0]),
      pred: Float64Array.from([0.9, 0.5, 0.1, 0.9, 0.5, 0.1, 0.1, 0.5, 0.9]),
      group: [1, 1, 1, 2, 2, 2, 3, 3, 3],
    }
    const ci = bootstrapMetric('mrr', data, { rng: createRng(4), resamples: 200 })
    expect(ci.estimate).toBeCloseTo((1 + 0.5 + 1 / 3) / 3, 12)
    // Every resample is a mean of three query values from {1, 1/2, 1/3}.
    expect(ci.lower).toBeGreaterThanOrEqual(1 / 3)
    expect(ci.upper).toBeLessThanOrEqual(1)
  })

  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 20 })(
    'the same seed always gives bit-identical intervals',
    (seed) => {
      const opts = { resamples: 50, method: 'bca' as const, jackknifeGroups: 20 }
      const a = bootstrapInterval(x.length, mean, { ...opts, rng: createRng(seed) })
      const b = bootstrapInterval(x.length, mean, { ...opts, rng: createRng(seed) })
      expect(Object.is(a.lower, b.lower) && Object.is(a.upper, b.upper)).toBe(true)
    },
  )
})

describe('paired comparison of two models', () => {
  const rng = createRng(12)
  const n = 400
  const y = Float64Array.from({ length: n }, () => (rng.float() < 0.3 ? 1 : 0))
  const good = Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(2 * v - 1 + rng.normal()))))
  const weak = Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(0.6 * v - 0.3 + rng.normal()))))
  const set = (p: Float64Array): PredictionSet => ({
    task: 'binary',
    y,
    proba: Float64Array.from({ length: 2 * n }, (_, j) => (j % 2 ? p[j >> 1]! : 1 - p[j >> 1]!)),
  })

  it('uses DeLong for AUC and finds a clear difference', () => {
    const c = compareModels('auc', set(good), set(weak), { rng: createRng(1) })
    expect(c.method).toBe('delong')
    expect(c.difference).toBeGreaterThan(0)
    expect(c.lower).toBeGreaterThan(0)
    expect(c.pValue).toBeLessThan(1e-3)
  })

  it('agrees in direction and rough size with the paired bootstrap', () => {
    const d = compareModels('auc', set(good), set(weak), { rng: createRng(1) })
    const b = compareModels('auc', set(good), set(weak), {
      rng: createRng(1),
      test: 'bootstrap',
      resamples: 400,
    })
    expect(b.method).toBe('paired-bootstrap')
    expect(b.difference).toBeCloseTo(d.difference, 12)
    // Interval widths agree within sampling noise of 400 resamples (±25%).
    const wd = d.upper - d.lower
    const wb = b.upper - b.lower
    expect(wb / wd).toBeGreaterThan(0.75)
    expect(wb / wd).toBeLessThan(1.25)
    expect(b.pValue).toBeLessThan(0.01)
  })

  it('finds no difference between a model and itself, and rejects different rows', () => {
    const c = compareModels('log_loss', set(good), set(good), { rng: createRng(3), resamples: 100 })
    expect(c.difference).toBe(0)
    expect(c.pValue).toBe(1)
    const other: PredictionSet = { ...set(weak), y: Float64Array.from(y, (v) => 1 - v) }
    expect(() => compareModels('auc', set(good), other, { rng: createRng(3) })).toThrow(/same rows/)
  })
})
