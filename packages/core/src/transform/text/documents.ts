import type { Column } from '../../frame/index.js'
import { categoryView } from '../internal/categories.js'

/**
 * Each row's analyzed terms, computing `analyze` once per distinct document (categorical columns
 * often repeat the same strings). A missing document is an empty one: it has no terms.
 */
export const analyzedRows = (
  c: Column,
  analyze: (doc: string) => string[],
): (readonly string[])[] => {
  const view = categoryView(c)
  const perLabel = view.labels.map((l) => analyze(l))
  const empty: readonly string[] = []
  return Array.from(view.codes, (k) => (k < 0 ? empty : perLabel[k]!))
}

/** Norms for vectorizer rows: Euclidean, sum of absolute values, or none. */
export type VectorNorm = 'l2' | 'l1' | 'none'

/**
 * Normalize one sparse row in place (values in ascending index order, as scikit-learn's
 * `normalize` sums them). A zero row stays zero.
 */
export const normalizeRow = (values: Float64Array | number[], norm: VectorNorm): void => {
  if (norm === 'none') return
  let s = 0
  if (norm === 'l2') {
    for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!
    s = Math.sqrt(s)
  } else for (let i = 0; i < values.length; i++) s += Math.abs(values[i]!)
  if (s === 0) return
  for (let i = 0; i < values.length; i++) values[i]! /= s
}
