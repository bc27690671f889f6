import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { categoricalColumn } from '../frame/index.js'
import { loadMetricsFixture } from '../metrics/test-support/fixtures.js'
import { coverageCurve, deferBelow, deferralSummary, predictionConfidence } from './confidence.js'
import { fairnessReport } from './fairness.js'
import { chooseThreshold, operatingPointAt } from './threshold.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

/** Brute force: the counts of "score ≥ t" for every t in the candidates, and the best by `score`. */
const brute = (y: number[], s: number[], t: number) => {
  let tp = 0
  let fp = 0
  y.forEach((v, i) => {
    if (s[i]! >= t) {
      if (v === 1) tp++
      else fp++
    }
  })
  const P = y.filter((v) => v === 1).length
  const fn = P - tp
  return {
    tp,
    fp,
    f1: 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp / P,
  }
}

const data = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 30 }).map((v) => v / 30),
    ),
    {
      minLength: 2,
      maxLength: 60,
    },
  )
  .filter((rows) => rows.some((r) => r[0] === 1))

describe('threshold moving', () => {
  test.prop([data])('max-F1 finds the best F1 over every possible threshold', (rows) => {
    const y = rows.map((r) => r[0])
    const s = rows.map((r) => r[1])
    const c = chooseThreshold(y, s, { kind: 'max-f1' })
    const best = Math.max(...[...s, 2].map((t) => brute(y, s, t).f1))
    expect(c.value).toBeCloseTo(best, 12)
    expect(c.metrics.f1).toBeCloseTo(brute(y, s, c.threshold).f1, 12)
  })

  test.prop([data, fc.double({ min: 0.05, max: 1, noNaN: true })])(
    'min-recall keeps recall ≥ x and maximises precision among those thresholds',
    (rows, x) => {
      const y = rows.map((r) => r[0])
      const s = rows.map((r) => r[1])
      const c = chooseThreshold(y, s, { kind: 'min-recall', recall: x })
      expect(c.metrics.recall).toBeGreaterThanOrEqual(x)
      const feasible = s.map((t) => brute(y, s, t)).filter((b) => b.recall >= x)
      expect(c.metrics.precision).toBeCloseTo(Math.max(...feasible.map((b) => b.precision)), 12)
    },
  )

  test.prop([data])('min-cost matches brute force over thresholds', (rows) => {
    const y = rows.map((r) => r[0])
    const s = rows.map((r) => r[1])
    const costMatrix = [
      [0, 1],
      [5, 0.5],
    ] as const
    const c = chooseThreshold(y, s, { kind: 'min-cost', costMatrix })
    const cost = (t: number): number => {
      const b = brute(y, s, t)
      const P = y.filter((v) => v === 1).length
      const N = y.length - P
      return (1 * b.fp + 5 * (P - b.tp) + 0.5 * b.tp + 0 * (N - b.fp)) / y.length
    }
    expect(c.value).toBeCloseTo(Math.min(...[...s, 2].map(cost)), 12)
  })

  it('reports an unreachable precision with the best achievable value', () => {
    // Precision by threshold: 0.9 → 0, 0.8 → 1/2, 0.2 → 2/3, 0.1 → 1/2.
    const y = [0, 1, 1, 0]
    const s = [0.9, 0.8, 0.2, 0.1]
    try {
      chooseThreshold(y, s, { kind: 'min-precision', precision: 0.9 })
      expect.fail('should not find a threshold')
    } catch (e) {
      expect((e as { details?: { achievable?: number } }).details?.achievable).toBeCloseTo(
        2 / 3,
        14,
      )
    }
    const c = chooseThreshold(y, s, { kind: 'min-precision', precision: 0.6 })
    expect(c.threshold).toBe(0.2)
    expect(c.metrics.recall).toBe(1)
  })

  it('can choose "nothing positive" when false alarms cost more than misses', () => {
    const c = chooseThreshold([1, 0, 0, 0], [0.5, 0.6, 0.7, 0.4], {
      kind: 'min-cost',
      costMatrix: [
        [0, 10],
        [1, 0],
      ],
    })
    expect(c.threshold).toBeGreaterThan(0.7)
    expect(c.metrics.tp + c.metrics.fp).toBe(0)
    expect(JSON.parse(JSON.stringify(c))).toEqual(c)
  })

  it('operatingPointAt evaluates a stored threshold on new data', () => {
    const p = operatingPointAt([1, 0, 1, 0, 1], [0.9, 0.6, 0.5, 0.3, 0.1], 0.5)
    expect([p.tp, p.fp, p.fn, p.tn]).toEqual([2, 1, 1, 1])
    expect(operatingPointAt([1, 0], [0.9, 0.1], 2).tp).toBe(0)
  })
})

describe('confidence and deferral', () => {
  const proba = [0.7, 0.2, 0.1, 0.4, 0.35, 0.25, 1 / 3, 1 / 3, 1 / 3]
  it('reads max, margin and normalised entropy', () => {
    expect(Array.from(predictionConfidence(proba, 3))).toEqual([0.7, 0.4, 1 / 3])
    const margin = predictionConfidence(proba, 3, 'margin')
    expect(margin[0]).toBeCloseTo(0.5, 14)
    expect(margin[1]).toBeCloseTo(0.05, 14)
    expect(margin[2]).toBe(0)
    expect(predictionConfidence(proba, 3, 'entropy')[2]).toBeCloseTo(0, 14)
    expect(predictionConfidence([1, 0], 2, 'entropy')[0]).toBe(1)
  })

  it('defers below the threshold and summarises coverage', () => {
    expect(Array.from(deferBelow([0.7, 0.4, 0.33], 0.5))).toEqual([0, 1, 1])
    const s = deferralSummary([0, 1, 2], proba, 0.5)
    expect(s).toMatchObject({ coverage: 1 / 3, answered: 1, deferred: 2, accuracyAnswered: 1 })
    expect(s.accuracyAll).toBeCloseTo(1 / 3, 14)
    expect(deferralSummary([0, 1, 2], proba, 0.9).accuracyAnswered).toBeNull()
    const curve = coverageCurve([0, 1, 2], proba)
    expect(curve.coverage).toEqual([1 / 3, 2 / 3, 1])
    expect(curve.accuracy[0]).toBe(1)
  })
})

interface FairFixture {
  group: string[]
  y: number[]
  pred: number[]
  weight: number[]
  expected: {
    weighted: boolean
    selectionRate: Record<string, number>
    tpr: Record<string, number>
    dpd: number
    dpr: number
    eod: number
    eqoddsd: number
    eqoddsr: number
    dpdOverall: number
    dprOverall: number
    eqoddsdOverall: number
  }[]
}

describe('fairness metrics follow fairlearn', () => {
  const f = loadMetricsFixture<FairFixture>(readFileSync, 'fairness.json')
  for (const e of f.expected) {
    it(`on the fixture (${e.weighted ? 'weighted' : 'unweighted'})`, () => {
      const o = e.weighted ? { weight: Float64Array.from(f.weight) } : {}
      const r = fairnessReport(f.y, f.pred, f.group, o)
      // Ratios of weighted sums computed in the same order: 1e-12.
      for (const g of r.groups) {
        expect(g.selectionRate).toBeCloseTo(e.selectionRate[g.group]!, 12)
        expect(g.truePositiveRate).toBeCloseTo(e.tpr[g.group]!, 12)
      }
      expect(r.demographicParityDifference).toBeCloseTo(e.dpd, 12)
      expect(r.demographicParityRatio).toBeCloseTo(e.dpr, 12)
      expect(r.equalOpportunityDifference).toBeCloseTo(e.eod, 12)
      expect(r.equalizedOddsDifference).toBeCloseTo(e.eqoddsd, 12)
      expect(r.equalizedOddsRatio).toBeCloseTo(e.eqoddsr, 12)
      const t = fairnessReport(f.y, f.pred, categoricalColumn(f.group), {
        ...o,
        method: 'to_overall',
      })
      expect(t.demographicParityDifference).toBeCloseTo(e.dpdOverall, 12)
      expect(t.demographicParityRatio).toBeCloseTo(e.dprOverall, 12)
      expect(t.equalizedOddsDifference).toBeCloseTo(e.eqoddsdOverall, 12)
    })
  }

  it('leaves groups without positives out of the TPR gap and names them', () => {
    const r = fairnessReport([1, 0, 0, 1], [1, 0, 1, 0], ['a', 'b', 'b', 'a'])
    expect(r.undefinedGroups).toEqual(['a', 'b'])
    expect(r.equalOpportunityDifference).toBe(0)
    expect(r.demographicParityDifference).toBe(0)
  })
})
