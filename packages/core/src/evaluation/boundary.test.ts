import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { metricByName, type PredictionSet } from '../metrics/index.js'
import {
  allSuccessLowerBound,
  aucBoundaryInterval,
  distinctValues,
  proportionCounts,
  wilsonInterval,
} from './boundary.js'

interface IntervalsFixture {
  readonly wilson: readonly {
    successes: number
    trials: number
    level: number
    lower: number
    upper: number
  }[]
  readonly allSuccessLower: readonly { trials: number; level: number; lower: number }[]
}

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/evaluation/intervals.json', import.meta.url),
    'utf8',
  ),
) as IntervalsFixture

describe('intervals at the boundary', () => {
  it('match statsmodels’ Wilson score interval', () => {
    for (const c of fixture.wilson) {
      const ours = wilsonInterval(c.successes, c.trials, c.level)
      // 1e-12: the same closed form; our normal quantile agrees with SciPy's to ~1e-15 and the
      // rest is a handful of floating-point operations.
      expect(ours.lower).toBeCloseTo(c.lower, 12)
      expect(ours.upper).toBeCloseTo(c.upper, 12)
      expect(ours.upper).toBeGreaterThan(ours.lower)
    }
  })

  it('match statsmodels’ exact (Clopper–Pearson) bound at n successes of n', () => {
    for (const c of fixture.allSuccessLower) {
      // 1e-12: SciPy's beta quantile at the end point is (α)^(1/n) in closed form too.
      expect(allSuccessLowerBound(c.trials, c.level)).toBeCloseTo(c.lower, 12)
    }
  })

  it('bound an AUC of 1 from the disjoint positive–negative pairs, and leave others alone', () => {
    const y = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    const b = aucBoundaryInterval(y, 1, 0.95)!
    expect(b.method).toBe('one-sided')
    expect(b.lower).toBeCloseTo(0.05 ** (1 / 3), 15)
    expect(b.upper).toBe(1)
    const z = aucBoundaryInterval(y, 0, 0.95)!
    expect(z.lower).toBe(0)
    expect(z.upper).toBeCloseTo(1 - 0.05 ** (1 / 3), 15)
    expect(aucBoundaryInterval(y, 0.9, 0.95)).toBeNull()
  })

  it('count the rows behind proportion metrics only', () => {
    const data: PredictionSet = {
      task: 'binary',
      y: Float64Array.from([1, 1, 0, 0, 1]),
      pred: Float64Array.from([1, 0, 0, 1, 1]),
    }
    expect(proportionCounts(metricByName('accuracy'), data)).toEqual({ successes: 3, trials: 5 })
    expect(proportionCounts(metricByName('precision'), data)).toEqual({ successes: 2, trials: 3 })
    expect(proportionCounts(metricByName('recall'), data)).toEqual({ successes: 2, trials: 3 })
    expect(proportionCounts(metricByName('f1'), data)).toBeNull()
    expect(
      proportionCounts(metricByName('accuracy'), { ...data, weight: new Float64Array(5).fill(1) }),
    ).toBeNull()
    expect(distinctValues([1, 1, 0.5, 1])).toBe(2)
  })

  it('refuse impossible counts with a structured error', () => {
    expect(() => wilsonInterval(5, 3)).toThrow(/successes/)
    expect(() => wilsonInterval(1, 3, 1)).toThrow(/level/)
  })
})
