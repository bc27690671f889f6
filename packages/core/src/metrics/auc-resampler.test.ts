import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { createRng } from '../random/index.js'
import {
  bootstrapInterval,
  bootstrapMetric,
  resamplePredictionSet,
} from '../evaluation/bootstrap.js'
import { rocAucResampler, rocAucScore } from './auc.js'
import { metricByName } from './metric-registry.js'
import { isUndefinedMetricError } from './validate.js'

// Exact equality (`toBe`) throughout: with whole-number multiplicities every partial sum is an
// exact integer, so the presorted walk and a fresh sort of the repeated rows do the same arithmetic.

/** The rows of `y`/`s` repeated as `counts` says, in row order. */
const repeat = (y: number[], s: number[], counts: number[]): [number[], number[]] => {
  const ry: number[] = []
  const rs: number[] = []
  counts.forEach((c, i) => {
    for (let k = 0; k < c; k++) {
      ry.push(y[i]!)
      rs.push(s[i]!)
    }
  })
  return [ry, rs]
}

// Scores on a coarse grid, so ties (within and across classes) are common; multiplicities 0–3.
const weightedRows = fc
  .array(
    fc.record({
      y: fc.integer({ min: 0, max: 1 }),
      s: fc.integer({ min: -4, max: 4 }).map((v) => v / 4),
      c: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((rows) => ({
    y: rows.map((r) => r.y),
    s: rows.map((r) => r.s),
    c: rows.map((r) => r.c),
  }))

describe('rocAucResampler', () => {
  test.prop([weightedRows])(
    'equals rocAucScore on the repeated rows, bit for bit',
    ({ y, s, c }) => {
      const [ry, rs] = repeat(y, s, c)
      let expected: number | 'undefined'
      try {
        expected = rocAucScore(ry, rs)
      } catch (e) {
        if (!isUndefinedMetricError(e)) throw e
        expected = 'undefined'
      }
      const auc = rocAucResampler(y, s)
      if (expected === 'undefined') expect(() => auc(c)).toThrow(/single class/)
      else expect(auc(c)).toBe(expected)
    },
  )

  it('with every count 1 is the plain AUC', () => {
    const y = [0, 1, 1, 0, 1, 0, 0, 1]
    const s = [0.1, 0.9, 0.4, 0.4, 0.8, 0.3, 0.7, 0.2]
    expect(rocAucResampler(y, s)(y.map(() => 1))).toBe(rocAucScore(y, s))
  })

  it('checks its inputs once and the counts on every call', () => {
    expect(() => rocAucResampler([0, 2], [0.1, 0.2])).toThrow()
    expect(() => rocAucResampler([0, 1], [0.1, NaN])).toThrow()
    expect(() => rocAucResampler([0, 1], [0.1, 0.2])([1])).toThrow()
  })
})

describe('bootstrapMetric with a presorted AUC', () => {
  it('gives the interval that rescoring the resampled rows gives, bit for bit', () => {
    const rng = createRng(8)
    const n = 5000 // above the radix-sort threshold (4096), so both argsort paths are exercised
    const y = new Float64Array(n)
    const proba = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) {
      const p = Math.round(rng.float() * 200) / 200 // a coarse grid: many tied scores
      proba[2 * i] = 1 - p
      proba[2 * i + 1] = p
      y[i] = rng.float() < p ? 1 : 0
    }
    const set = { task: 'binary' as const, y, proba, numClasses: 2 }
    const def = metricByName('roc_auc')
    for (const method of ['percentile', 'bca'] as const) {
      const options = () => ({ rng: createRng(3), resamples: 120, strata: y, method })
      const generic = bootstrapInterval(
        n,
        (r) => def.compute(resamplePredictionSet(set, r)),
        options(),
      )
      expect(bootstrapMetric(def, set, options())).toEqual(generic)
    }
  })

  it('falls back to the rows with sample weights and for multiclass sets', () => {
    const def = metricByName('roc_auc')
    const y = Float64Array.from([0, 1, 0, 1])
    const proba = Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.6, 0.4, 0.1, 0.9])
    expect(def.resampled?.({ task: 'binary', y, proba })).toBeTypeOf('function')
    expect(def.resampled?.({ task: 'binary', y, proba, weight: new Float64Array(4).fill(1) })).toBe(
      undefined,
    )
    const y3 = Float64Array.from([0, 1, 2])
    const p3 = Float64Array.from([0.6, 0.2, 0.2, 0.2, 0.6, 0.2, 0.2, 0.2, 0.6])
    expect(def.resampled?.({ task: 'multiclass', y: y3, proba: p3 })).toBe(undefined)
  })
})
