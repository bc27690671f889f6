import { KeelError, isKeelError } from '../errors/index.js'

/**
 * Input checks shared by the metrics. Shapes and options that cannot be right are
 * `INVALID_ARGUMENT`; data for which a metric has no value (one class only, zero total weight) is
 * `INVALID_DATA` flagged with `details.undefinedMetric` so that callers such as the bootstrap can
 * tell "this resample has no AUC" apart from a bug.
 */

/** Throw the structured "this metric is not defined on this data" error. */
export const undefinedMetric = (metric: string, why: string): never => {
  throw new KeelError('INVALID_DATA', `${metric} is undefined: ${why}`, {
    details: { undefinedMetric: true, metric },
  })
}

/**
 * True when `e` says a metric has no value on the given data (for example ROC-AUC with one class).
 * Bootstrap intervals skip such resamples and count them instead of failing.
 */
export const isUndefinedMetricError = (e: unknown): boolean =>
  isKeelError(e) && e.code === 'INVALID_DATA' && e.details['undefinedMetric'] === true

export const badArgument = (message: string, path: readonly (string | number)[] = []): never => {
  throw new KeelError('INVALID_ARGUMENT', message, { path })
}

/** Every array must have `n` entries. */
export const checkLength = (name: string, a: ArrayLike<unknown>, n: number): void => {
  if (a.length !== n) badArgument(`${name} has ${a.length} entries, expected ${n}`, [name])
}

/** Values must be finite numbers. */
export const checkFinite = (name: string, a: ArrayLike<number>): void => {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      throw new KeelError('INVALID_DATA', `${name}[${i}] is ${a[i]}, expected a finite number`, {
        path: [name, i],
      })
    }
  }
}

/** Weights must be finite, non-negative and have a positive sum; returns the sum. */
export const checkWeights = (weight: Float64Array | undefined, n: number): number => {
  if (!weight) return n
  checkLength('weight', weight, n)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const w = weight[i]!
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new KeelError('INVALID_DATA', `weight[${i}] is ${w}, expected a finite value ≥ 0`, {
        path: ['weight', i],
      })
    }
    sum += w
  }
  return sum
}

/** Class indices must be integers in `0..k-1` (k = Infinity skips the upper bound). */
export const checkClassIndices = (name: string, a: ArrayLike<number>, k = Infinity): void => {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!
    if (!Number.isInteger(v) || v < 0 || v >= k) {
      throw new KeelError(
        'INVALID_DATA',
        `${name}[${i}] is ${v}, expected a class index in 0..${Number.isFinite(k) ? k - 1 : 'K-1'}`,
        { path: [name, i] },
      )
    }
  }
}

/** Binary targets must be 0 or 1. */
export const checkBinary = (name: string, a: ArrayLike<number>): void =>
  checkClassIndices(name, a, 2)

/** Probabilities must lie in [0, 1]. */
export const checkProbabilities = (name: string, a: ArrayLike<number>): void => {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!
    if (!(v >= 0 && v <= 1)) {
      throw new KeelError('INVALID_DATA', `${name}[${i}] is ${v}, expected a probability`, {
        path: [name, i],
      })
    }
  }
}

/** Width of a row-major n×K matrix, checking that its length divides evenly. */
export const matrixWidth = (name: string, m: ArrayLike<number>, n: number): number => {
  if (n === 0) return badArgument(`${name}: no rows`, [name])
  const k = m.length / n
  if (!Number.isInteger(k) || k < 1) {
    badArgument(`${name} has ${m.length} entries, not a multiple of ${n} rows`, [name])
  }
  return k
}

/** Row `i`'s weight (1 when unweighted). */
export const weightAt = (weight: Float64Array | undefined, i: number): number =>
  weight ? weight[i]! : 1
