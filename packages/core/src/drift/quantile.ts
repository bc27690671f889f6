import { countAtMost } from './sort.js'

/**
 * The `q`-quantile of an ascending sample by linear interpolation between order statistics —
 * numpy's default `np.quantile(a, q)` (method 'linear'), including its two-sided lerp, so bin
 * edges derived here equal numpy's bit for bit.
 */
export const quantileSorted = (sorted: ArrayLike<number>, q: number): number => {
  const n = sorted.length
  if (n === 0) return NaN
  const h = (n - 1) * q
  const lo = Math.floor(h)
  const t = h - lo
  const a = sorted[lo]!
  if (lo + 1 >= n) return a
  const b = sorted[lo + 1]!
  const diff = b - a
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}

/**
 * Interior bin edges at the reference's `i / bins` quantiles (i = 1..bins-1), with duplicates
 * removed so heavily tied data gets fewer, non-empty bins. Bins are right-closed:
 * `(-inf, e1], (e1, e2], ..., (e_last, +inf)`, so they line up with the ECDF `P(X <= x)`.
 */
export const quantileEdges = (sorted: ArrayLike<number>, bins: number): number[] => {
  const edges: number[] = []
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(sorted, i / bins)
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e)
  }
  return edges
}

/** Counts of an ascending sample in the right-closed bins defined by `edges`. */
export const binCountsSorted = (sorted: ArrayLike<number>, edges: readonly number[]): number[] => {
  const counts: number[] = []
  let prev = 0
  for (const e of edges) {
    const c = countAtMost(sorted, e)
    counts.push(c - prev)
    prev = c
  }
  counts.push(sorted.length - prev)
  return counts
}
