import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { expectAllClose, loadMetricsFixture } from './test-support/fixtures.js'
import {
  meanAveragePrecision,
  meanReciprocalRank,
  ndcgScore,
  precisionAtK,
  rankingQueriesFromGroups,
} from './ranking.js'
import type { RankingQuery } from './types.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

interface RankingFixture {
  queries: { relevance: number[]; scores: number[] }[]
  expected: {
    ndcg: Record<string, number[]>
    ndcg_exp: Record<string, number[]>
    rr: Record<string, (number | null)[]>
    ap: (number | null)[]
    p_at: Record<string, number[]>
  }
}

const f = loadMetricsFixture<RankingFixture>(readFileSync, 'ranking.json')
const queries: RankingQuery[] = f.queries

// The references are exact (scikit-learn's tie-averaged DCG; the Python script enumerates every
// ordering of tied items for MRR and precision@k), so only summation-order noise remains.
const TOL = 1e-12

const mean = (xs: (number | null)[]): number => {
  const v = xs.filter((x): x is number => x !== null)
  return v.reduce((s, x) => s + x, 0) / v.length
}

describe('ranking metrics', () => {
  it.each(['1', '3', '5', 'None'])('NDCG@%s matches scikit-learn per query and on average', (k) => {
    const opt = k === 'None' ? {} : { k: Number(k) }
    const per = queries.map((q) => ndcgScore([q], opt))
    expectAllClose(per, f.expected.ndcg[k]!, TOL)
    expect(ndcgScore(queries, opt)).toBeCloseTo(mean(f.expected.ndcg[k]!), 12)
    const perExp = queries.map((q) => ndcgScore([q], { ...opt, gain: 'exponential' }))
    expectAllClose(perExp, f.expected.ndcg_exp[k]!, TOL)
  })

  it.each(['1', '3', '5', 'None'])('MRR@%s is the exact expectation over tie orderings', (k) => {
    const opt = k === 'None' ? {} : { k: Number(k) }
    const expected = f.expected.rr[k]!
    queries.forEach((q, i) => {
      const e = expected[i]
      if (e === null || e === undefined) expect(() => meanReciprocalRank([q], opt)).toThrow()
      else expect(meanReciprocalRank([q], opt)).toBeCloseTo(e, 12)
    })
    expect(meanReciprocalRank(queries, opt)).toBeCloseTo(mean(expected), 12)
  })

  it('MAP matches scikit-learn average precision per query, skipping queries with no relevant item', () => {
    queries.forEach((q, i) => {
      const e = f.expected.ap[i]
      if (e !== null && e !== undefined) expect(meanAveragePrecision([q])).toBeCloseTo(e, 12)
    })
    expect(meanAveragePrecision(queries)).toBeCloseTo(mean(f.expected.ap), 12)
  })

  it.each(['1', '3', '5'])('precision@%s is the exact expectation over tie orderings', (k) => {
    const per = queries.map((q) => precisionAtK([q], Number(k)))
    expectAllClose(per, f.expected.p_at[k]!, TOL)
  })

  it('groups flat rows into queries by id, in first-appearance order', () => {
    const qs = rankingQueriesFromGroups([7, 3, 7, 3, 3], [1, 0, 0, 2, 1], [0.1, 0.2, 0.3, 0.4, 0.5])
    expect(qs.map((q) => Array.from(q.relevance))).toEqual([
      [1, 0],
      [0, 2, 1],
    ])
    expect(Array.from(qs[1]!.scores)).toEqual([0.2, 0.4, 0.5])
  })

  it('weights queries when asked and rejects bad cut-offs', () => {
    const a = { relevance: [1, 0], scores: [0.9, 0.1] } // NDCG 1
    const b = { relevance: [1, 0], scores: [0.1, 0.9] } // NDCG 1/log2(3)
    expect(ndcgScore([a, b], { queryWeight: [3, 1] })).toBeCloseTo((3 + 1 / Math.log2(3)) / 4, 14)
    expect(() => ndcgScore([a], { k: 0 })).toThrow(/positive integer/)
    expect(() => precisionAtK([a], 1.5)).toThrow(/positive integer/)
  })
})
