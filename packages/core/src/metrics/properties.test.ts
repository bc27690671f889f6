import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isKeelError } from '../errors/index.js'
import { averagePrecisionScore, rocAucScore } from './auc.js'
import {
  accuracyScore,
  cohenKappaScore,
  f1Score,
  matthewsCorrcoef,
  precisionScore,
} from './classification.js'
import { rocCurve } from './curves.js'
import { brierScore, logLoss } from './probabilistic.js'
import { ndcgScore } from './ranking.js'
import { isUndefinedMetricError } from './validate.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

/** Pairwise Mann–Whitney AUC with weights (ties count 1/2): the O(n²) definition. */
const bruteAuc = (y: number[], s: number[], w: number[]): number => {
  let num = 0
  let den = 0
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue
      const ww = w[i]! * w[j]!
      den += ww
      num += ww * (s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0)
    }
  }
  return num / den
}

// Binary labels with both classes present, scores on a coarse grid (so ties are common).
const labelledScores = fc
  .array(
    fc.record({
      y: fc.integer({ min: 0, max: 1 }),
      s: fc.integer({ min: 0, max: 20 }).map((v) => v / 20),
      w: fc.integer({ min: 1, max: 5 }),
    }),
    { minLength: 2, maxLength: 60 },
  )
  .filter((rows) => rows.some((r) => r.y === 1) && rows.some((r) => r.y === 0))

describe('AUC properties', () => {
  test.prop([labelledScores])('equals the pairwise definition, ties counting one half', (rows) => {
    const y = rows.map((r) => r.y)
    const s = rows.map((r) => r.s)
    const w = rows.map((r) => r.w)
    // The O(n log n) and O(n²) sums differ only by rounding: 1e-12 absolute.
    expect(rocAucScore(y, s, { weight: Float64Array.from(w) })).toBeCloseTo(bruteAuc(y, s, w), 12)
  })

  test.prop([labelledScores])(
    'is invariant to strictly increasing transforms of the scores',
    (rows) => {
      const y = rows.map((r) => r.y)
      const s = rows.map((r) => r.s)
      const t = s.map((v) => Math.exp(3 * v) + v ** 3 - 7)
      expect(rocAucScore(y, t)).toBeCloseTo(rocAucScore(y, s), 12)
    },
  )

  test.prop([labelledScores])('flips to 1 − AUC when scores are negated', (rows) => {
    const y = rows.map((r) => r.y)
    const s = rows.map((r) => r.s)
    expect(
      rocAucScore(
        y,
        s.map((v) => -v),
      ),
    ).toBeCloseTo(1 - rocAucScore(y, s), 12)
  })

  test.prop([labelledScores, fc.integer({ min: 0, max: 1000 })])(
    'is invariant to row order and does not mutate inputs',
    (rows, seed) => {
      const y = Float64Array.from(rows, (r) => r.y)
      const s = Float64Array.from(rows, (r) => r.s)
      const copy = Float64Array.from(s)
      const perm = rows
        .map((_, i) => i)
        .sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101))
      const auc = rocAucScore(y, s)
      expect(Array.from(s)).toEqual(Array.from(copy))
      expect(
        rocAucScore(
          perm.map((i) => y[i]!),
          perm.map((i) => s[i]!),
        ),
      ).toBeCloseTo(auc, 12)
      const ap = averagePrecisionScore(y, s)
      expect(ap).toBeGreaterThanOrEqual(0)
      expect(ap).toBeLessThanOrEqual(1 + 1e-12)
    },
  )

  test.prop([labelledScores])(
    'ROC curves start at (0,0), end at (1,1) and never decrease',
    (rows) => {
      const r = rocCurve(
        rows.map((x) => x.y),
        rows.map((x) => x.s),
      )
      expect([r.fpr[0], r.tpr[0]]).toEqual([0, 0])
      expect([r.fpr.at(-1), r.tpr.at(-1)]).toEqual([1, 1])
      for (let i = 1; i < r.fpr.length; i++) {
        expect(r.fpr[i]!).toBeGreaterThanOrEqual(r.fpr[i - 1]!)
        expect(r.tpr[i]!).toBeGreaterThanOrEqual(r.tpr[i - 1]!)
        expect(r.thresholds[i]!).toBeLessThan(r.thresholds[i - 1]!)
      }
    },
  )
})

const labelPairs = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), {
    minLength: 1,
    maxLength: 50,
  })
  .map((pairs) => ({ y: pairs.map((p) => p[0]), p: pairs.map((p) => p[1]) }))

describe('label metrics stay in range', () => {
  test.prop([labelPairs])('accuracy, F1, precision in [0,1]; MCC in [-1,1]', ({ y, p }) => {
    for (const v of [
      accuracyScore(y, p),
      f1Score(y, p, { average: 'macro' }),
      f1Score(y, p, { average: 'micro' }),
      precisionScore(y, p, { average: 'weighted' }),
    ]) {
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThanOrEqual(1)
    }
    const mcc = matthewsCorrcoef(y, p)
    expect(Math.abs(mcc)).toBeLessThanOrEqual(1 + 1e-12)
  })

  test.prop([labelPairs])('micro F1 equals accuracy for single-label data', ({ y, p }) => {
    expect(f1Score(y, p, { average: 'micro' })).toBeCloseTo(accuracyScore(y, p), 12)
  })

  test.prop([labelPairs])(
    'perfect agreement gives accuracy 1, MCC 1 (or 0 with one class)',
    ({ y }) => {
      expect(accuracyScore(y, y)).toBe(1)
      const mcc = matthewsCorrcoef(y, y)
      expect(new Set(y).size === 1 ? mcc === 0 : Math.abs(mcc - 1) < 1e-12).toBe(true)
    },
  )
})

describe('probabilistic scores', () => {
  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.double({ min: 0, max: 1, noNaN: true })), {
      minLength: 1,
      maxLength: 40,
    }),
  ])('log loss ≥ 0 and finite (clipped), Brier in [0,1]', (rows) => {
    const y = rows.map((r) => r[0])
    const proba = Float64Array.from(rows.flatMap((r) => [1 - r[1], r[1]]))
    const ll = logLoss(y, proba)
    expect(ll).toBeGreaterThanOrEqual(0)
    expect(Number.isFinite(ll)).toBe(true)
    const b = brierScore(
      y,
      rows.map((r) => r[1]),
    )
    expect(b).toBeGreaterThanOrEqual(0)
    expect(b).toBeLessThanOrEqual(1)
  })

  it('caps a confident mistake at −log(eps)', () => {
    expect(logLoss([1], [1, 0])).toBeCloseTo(-Math.log(Number.EPSILON), 10)
    expect(logLoss([1], [1, 0], { eps: 1e-15 })).toBeCloseTo(-Math.log(1e-15), 10)
  })
})

describe('ranking metrics stay in range', () => {
  test.prop([
    fc.array(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 })), {
        minLength: 1,
        maxLength: 12,
      }),
      { minLength: 1, maxLength: 8 },
    ),
    fc.integer({ min: 1, max: 6 }),
  ])('NDCG in [0,1], and 1 when scores equal relevance without ties', (qs, k) => {
    const queries = qs.map((q) => ({ relevance: q.map((r) => r[0]), scores: q.map((r) => r[1]) }))
    const v = ndcgScore(queries, { k })
    expect(v).toBeGreaterThanOrEqual(0)
    expect(v).toBeLessThanOrEqual(1 + 1e-12)
    const ideal = queries.map((q) => ({
      relevance: q.relevance,
      scores: q.relevance.map((r, i) => r * 100 - i * 1e-3),
    }))
    const withRelevant = ideal.filter((q) => q.relevance.some((r) => r > 0))
    if (withRelevant.length > 0) expect(ndcgScore(withRelevant, { k })).toBeCloseTo(1, 12)
  })
})

describe('edge cases are structured errors, not NaN', () => {
  const undefinedError = (f: () => unknown): void => {
    try {
      f()
      expect.fail('expected an undefined-metric error')
    } catch (e) {
      expect(isUndefinedMetricError(e)).toBe(true)
    }
  }

  it('AUC, average precision and ROC with a single class', () => {
    undefinedError(() => rocAucScore([1, 1, 1], [0.2, 0.5, 0.9]))
    undefinedError(() => rocAucScore([0, 0], [0.2, 0.5]))
    undefinedError(() => averagePrecisionScore([0, 0], [0.2, 0.5]))
    undefinedError(() => rocCurve([0, 0], [0.2, 0.5]))
    undefinedError(() => rocAucScore([0, 1], [0.2, 0.5], { weight: Float64Array.from([0, 0]) }))
  })

  it('kappa without chance disagreement is undefined; MCC with one class is 0 (as scikit-learn)', () => {
    undefinedError(() => cohenKappaScore([1, 1], [1, 1]))
    expect(matthewsCorrcoef([1, 1, 1], [1, 0, 1])).toBe(0)
  })

  it('rejects bad shapes, labels and weights with codes', () => {
    const code = (f: () => unknown): string => {
      try {
        f()
      } catch (e) {
        if (isKeelError(e)) return e.code
      }
      return 'none'
    }
    expect(code(() => accuracyScore([0, 1], [0]))).toBe('INVALID_ARGUMENT')
    expect(code(() => accuracyScore([0, 1.5], [0, 1]))).toBe('INVALID_DATA')
    expect(code(() => accuracyScore([0, 1], [0, 1], { weight: Float64Array.from([1, -1]) }))).toBe(
      'INVALID_DATA',
    )
    expect(code(() => rocAucScore([0, 1], [0.1, NaN]))).toBe('INVALID_DATA')
    expect(code(() => f1Score([0, 2], [0, 1]))).toBe('INVALID_ARGUMENT')
    expect(code(() => logLoss([0, 1], [0.5, 0.5, 0.5]))).toBe('INVALID_ARGUMENT')
    expect(code(() => brierScore([0, 1], [0.5, 1.2]))).toBe('INVALID_DATA')
  })

  it('reproduces the book example: F1 depends on the positive class', () => {
    // Model A: 10/100 CANCER (class 1) and 890/900 NORMAL (class 0) detected.
    const y = [...Array<number>(100).fill(1), ...Array<number>(900).fill(0)]
    const p = [
      ...Array<number>(10).fill(1),
      ...Array<number>(90).fill(0),
      ...Array<number>(890).fill(0),
      ...Array<number>(10).fill(1),
    ]
    expect(accuracyScore(y, p)).toBeCloseTo(0.9, 12)
    expect(f1Score(y, p)).toBeCloseTo(1 / 6, 12) // the book's 0.17
    expect(f1Score(y, p, { positiveClass: 0 })).toBeCloseTo(0.9468, 4) // the book's 0.95
  })
})
