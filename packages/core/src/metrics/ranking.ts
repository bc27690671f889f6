import { averagePrecisionScore } from './auc.js'
import { argsortDescending } from './argsort.js'
import type { RankingQuery } from './types.js'
import { badArgument, checkFinite, checkLength, undefinedMetric } from './validate.js'

/**
 * Ranking metrics over queries. Tied scores are resolved by the expectation over a random order of
 * the tied items (scikit-learn's `ndcg_score` with `ignore_ties=False` does exactly this for DCG), so
 * a metric never depends on the order rows happen to arrive in.
 */

/** Options shared by the ranking metrics. */
export interface RankingOptions {
  /** Cut-off: only the top `k` positions count. Default: the whole list. */
  readonly k?: number
  /** Weight per query in the mean; default 1 each. */
  readonly queryWeight?: ArrayLike<number>
}

/** Split flat rows into queries by `group` id (in order of first appearance). */
export const rankingQueriesFromGroups = (
  group: ArrayLike<number>,
  relevance: ArrayLike<number>,
  scores: ArrayLike<number>,
): RankingQuery[] => {
  const n = group.length
  checkLength('relevance', relevance, n)
  checkLength('scores', scores, n)
  const rows = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const g = group[i]!
    let list = rows.get(g)
    if (!list) rows.set(g, (list = []))
    list.push(i)
  }
  return [...rows.values()].map((idx) => ({
    relevance: Float64Array.from(idx, (i) => relevance[i]!),
    scores: Float64Array.from(idx, (i) => scores[i]!),
  }))
}

/** Groups of tied scores in decreasing order: item indices per group. */
const tieGroups = (scores: ArrayLike<number>): number[][] => {
  const order = argsortDescending(scores)
  const groups: number[][] = []
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!
    if (r > 0 && scores[order[r - 1]!] === scores[i]) groups[groups.length - 1]!.push(i)
    else groups.push([i])
  }
  return groups
}

const checkQuery = (q: RankingQuery, at: number): void => {
  checkLength(`queries[${at}].scores`, q.scores, q.relevance.length)
  checkFinite(`queries[${at}].scores`, q.scores)
  checkFinite(`queries[${at}].relevance`, q.relevance)
  for (let i = 0; i < q.relevance.length; i++) {
    if (q.relevance[i]! < 0) badArgument(`queries[${at}].relevance[${i}] is negative`)
  }
}

const cutoff = (k: number | undefined, n: number): number => {
  if (k === undefined) return n
  if (!(Number.isInteger(k) && k >= 1)) badArgument(`k must be a positive integer, got ${k}`, ['k'])
  return Math.min(k, n)
}

/** Weighted mean of per-query values, skipping `undefined` (queries where the metric has no value). */
const meanOverQueries = (
  name: string,
  queries: readonly RankingQuery[],
  options: RankingOptions,
  perQuery: (q: RankingQuery) => number | undefined,
): number => {
  if (options.queryWeight) checkLength('queryWeight', options.queryWeight, queries.length)
  let sum = 0
  let wsum = 0
  queries.forEach((q, at) => {
    checkQuery(q, at)
    const v = perQuery(q)
    if (v === undefined) return
    const w = options.queryWeight ? options.queryWeight[at]! : 1
    sum += w * v
    wsum += w
  })
  if (!(wsum > 0)) return undefinedMetric(name, 'no query has a value')
  return sum / wsum
}

const discount = (position: number): number => 1 / Math.log2(position + 2)

/** DCG with tie-averaged gains over the first `k` positions. */
const tieAveragedDcg = (gains: ArrayLike<number>, scores: ArrayLike<number>, k: number): number => {
  let dcg = 0
  let pos = 0
  for (const group of tieGroups(scores)) {
    if (pos >= k) break
    let gain = 0
    for (const i of group) gain += gains[i]!
    let disc = 0
    for (let p = pos; p < Math.min(pos + group.length, k); p++) disc += discount(p)
    dcg += (gain / group.length) * disc
    pos += group.length
  }
  return dcg
}

/** Options for {@link ndcgScore}. */
export interface NdcgOptions extends RankingOptions {
  /**
   * `'linear'` (default): gain = relevance, as scikit-learn; `'exponential'`: gain = 2^rel − 1, as
   * LightGBM/XGBoost's lambdarank metrics, which stresses highly relevant items.
   */
  readonly gain?: 'linear' | 'exponential'
}

/**
 * Normalised discounted cumulative gain at `k`, averaged over queries (scikit-learn's `ndcg_score`).
 * A query with no relevant item scores 0 (scikit-learn's convention), which keeps the mean over all
 * queries.
 */
export const ndcgScore = (queries: readonly RankingQuery[], options: NdcgOptions = {}): number =>
  meanOverQueries('NDCG', queries, options, (q) => {
    const n = q.relevance.length
    const k = cutoff(options.k, n)
    const gains = Float64Array.from(q.relevance, (r) =>
      options.gain === 'exponential' ? 2 ** r - 1 : r,
    )
    const ideal = Float64Array.from(gains).sort().reverse()
    let idcg = 0
    for (let p = 0; p < k; p++) idcg += ideal[p]! * discount(p)
    if (idcg === 0) return 0
    return tieAveragedDcg(gains, q.scores, k) / idcg
  })

/**
 * Mean average precision: per query, average precision of the scores against "relevance > 0" with
 * scikit-learn's step definition (ties share one step); queries without a relevant item are skipped,
 * since their average precision is undefined.
 */
export const meanAveragePrecision = (
  queries: readonly RankingQuery[],
  options: Omit<RankingOptions, 'k'> = {},
): number =>
  meanOverQueries('MAP', queries, options, (q) => {
    const y = Float64Array.from(q.relevance, (r) => (r > 0 ? 1 : 0))
    if (!y.some((v) => v === 1)) return undefined
    return averagePrecisionScore(y, q.scores)
  })

/**
 * Mean reciprocal rank of the first relevant item, with the exact expectation of 1/rank over random
 * orderings of tied items. Queries without a relevant item are skipped; with `k`, a first relevant
 * item below position k contributes 0.
 */
export const meanReciprocalRank = (
  queries: readonly RankingQuery[],
  options: RankingOptions = {},
): number =>
  meanOverQueries('MRR', queries, options, (q) => {
    const k = cutoff(options.k, q.relevance.length)
    let above = 0
    for (const group of tieGroups(q.scores)) {
      const t = group.length
      let r = 0
      for (const i of group) if (q.relevance[i]! > 0) r++
      if (r === 0) {
        above += t
        continue
      }
      // P(first relevant at position j of the group) = C(t−j, r−1) / C(t, r).
      let pj = r / t
      let err = 0
      for (let j = 1; j <= t - r + 1; j++) {
        if (above + j <= k) err += pj / (above + j)
        pj *= (t - j - r + 1) / (t - j)
      }
      return err
    }
    return undefined
  })

/**
 * Precision at k: the expected share of relevant items among the top `k` positions (tied items at
 * the cut-off count fractionally). The denominator is `k` even when a query has fewer items, so
 * short lists are not rewarded.
 */
export const precisionAtK = (
  queries: readonly RankingQuery[],
  k: number,
  options: Omit<RankingOptions, 'k'> = {},
): number => {
  if (!(Number.isInteger(k) && k >= 1)) badArgument(`k must be a positive integer, got ${k}`, ['k'])
  return meanOverQueries('precision@k', queries, options, (q) => {
    let hits = 0
    let above = 0
    for (const group of tieGroups(q.scores)) {
      if (above >= k) break
      let r = 0
      for (const i of group) if (q.relevance[i]! > 0) r++
      hits += (r * Math.min(group.length, k - above)) / group.length
      above += group.length
    }
    return hits / k
  })
}
