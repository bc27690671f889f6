import { z } from 'zod'
import type { Frame } from '../../frame/index.js'
import { alignFeatures } from '../features.js'
import type { FeatureSpec } from '../protocol.js'
import { assertModelShape } from '../shared/model-document.js'

/** Weighted class frequencies (they sum to 1). */
export const classPriors = (classWeightSums: Float64Array): Float64Array => {
  let total = 0
  for (const w of classWeightSums) total += w
  return classWeightSums.map((w) => w / total)
}

/** Values sorted ascending with their weights, zero-weight rows dropped. */
const sortedWeighted = (y: Float64Array, w: Float64Array): { v: number[]; c: number[] } => {
  const idx = Array.from(y.keys())
    .filter((i) => w[i]! > 0)
    .sort((a, b) => y[a]! - y[b]! || a - b)
  const v: number[] = []
  const c: number[] = []
  let cum = 0
  for (const i of idx) {
    cum += w[i]!
    v.push(y[i]!)
    c.push(cum)
  }
  return { v, c }
}

/**
 * The weighted median: the value where the cumulative weight passes half the total, or the mean
 * of the two values on either side when it lands exactly on half. With unit weights this is the
 * ordinary median, and a row of weight 2 counts exactly like the row twice.
 */
export const weightedMedian = (y: Float64Array, w: Float64Array): number => {
  const { v, c } = sortedWeighted(y, w)
  const half = c[c.length - 1]! / 2
  for (let i = 0; i < v.length; i++) {
    if (c[i] === half) return (v[i]! + v[i + 1]!) / 2
    if (c[i]! > half) return v[i]!
  }
  return v[v.length - 1]!
}

/**
 * `levels + 1` quantiles of the weighted empirical distribution at q = 0, 1/levels, …, 1 (the
 * smallest value whose cumulative weight reaches q·total): a compact stand-in for the training
 * targets that a random baseline samples from.
 */
export const weightedQuantiles = (y: Float64Array, w: Float64Array, levels = 100): number[] => {
  const { v, c } = sortedWeighted(y, w)
  const total = c[c.length - 1]!
  const out: number[] = []
  let i = 0
  for (let k = 0; k <= levels; k++) {
    const target = (k / levels) * total
    while (i < v.length - 1 && c[i]! < target) i++
    out.push(v[i]!)
  }
  return out
}

/** Weighted mean of the targets. */
export const weightedMean = (y: Float64Array, w: Float64Array): number => {
  let s = 0
  let t = 0
  for (let i = 0; i < y.length; i++) {
    s += w[i]! * y[i]!
    t += w[i]!
  }
  return s / t
}

/** Check the schema of `X` against the pinned features; baselines read nothing else from it. */
export const checkSchema = (X: Frame, features: readonly FeatureSpec[]): void => {
  alignFeatures(X, features)
}

/** Zod schema of a probability vector. */
export const probabilitiesSchema = z.array(z.number().min(0).max(1))

/** Check that a stored class distribution matches the classes and sums to 1. */
export const assertPriors = (
  kind: string,
  priors: readonly number[],
  classes: readonly string[] | undefined,
): void => {
  assertModelShape(
    classes !== undefined && classes.length >= 2 && priors.length === classes.length,
    kind,
    'one prior per class',
  )
  const s = priors.reduce((a, b) => a + b, 0)
  assertModelShape(Math.abs(s - 1) < 1e-9, kind, 'priors must sum to 1')
}

/** Repeat a probability vector for `n` rows (row-major n × K). */
export const repeatRows = (p: ArrayLike<number>, n: number): Float64Array => {
  const k = p.length
  const out = new Float64Array(n * k)
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = p[c]!
  return out
}
