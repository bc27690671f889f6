import { KeelError } from '../errors/index.js'
import { sortSample } from './sort.js'

/**
 * First Wasserstein (earth mover's) distance between two ascending samples with equal weights:
 * `∫ |F_u(x) - F_v(x)| dx`, accumulated over one merge of the two arrays. Same arithmetic as
 * `scipy.stats.wasserstein_distance(u, v)` up to summation order.
 */
export const wassersteinSorted = (u: ArrayLike<number>, v: ArrayLike<number>): number => {
  const nu = u.length
  const nv = v.length
  let i = 0
  let j = 0
  let prev = NaN
  let prevGap = 0
  let sum = 0
  while (i < nu || j < nv) {
    const x = i < nu && (j >= nv || u[i]! <= v[j]!) ? u[i]! : v[j]!
    if (i + j > 0) sum += prevGap * (x - prev)
    while (i < nu && u[i]! <= x) i++
    while (j < nv && v[j]! <= x) j++
    prevGap = Math.abs(i / nu - j / nv)
    prev = x
  }
  return sum
}

/** Options of {@link wassersteinDistance}. */
export interface WassersteinOptions {
  /** Non-negative weight per value of `u` (e.g. bin counts); equal weights when absent. */
  readonly uWeights?: ArrayLike<number>
  readonly vWeights?: ArrayLike<number>
}

interface Weighted {
  readonly values: Float64Array
  /** Cumulative weight after each sorted value, normalised to end at 1. */
  readonly cdf: Float64Array
}

const weighted = (
  values: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  name: string,
): Weighted => {
  if (values.length === 0) throw new KeelError('INVALID_DATA', `${name} is empty`, { path: [name] })
  const order = Array.from({ length: values.length }, (_, i) => i)
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new KeelError('INVALID_DATA', `${name}[${i}] is not a finite number`, {
        path: [name, i],
      })
    }
  }
  order.sort((a, b) => values[a]! - values[b]! || a - b)
  const sorted = Float64Array.from(order, (k) => values[k]!)
  const cdf = new Float64Array(values.length)
  let acc = 0
  for (let i = 0; i < order.length; i++) {
    const w = weights ? weights[order[i]!]! : 1
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new KeelError('INVALID_ARGUMENT', `${name} weight ${order[i]} must be finite and >= 0`)
    }
    acc += w
    cdf[i] = acc
  }
  if (!(acc > 0)) throw new KeelError('INVALID_ARGUMENT', `${name} weights sum to zero`)
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / acc
  return { values: sorted, cdf }
}

/**
 * First Wasserstein distance between two (optionally weighted) empirical distributions, matching
 * `scipy.stats.wasserstein_distance(u, v, u_weights, v_weights)`. With weights it compares binned
 * data directly: bin representatives as values and bin counts as weights.
 *
 * @example
 * wassersteinDistance([0, 1, 3], [5, 6, 8]) // 5
 */
export const wassersteinDistance = (
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  options: WassersteinOptions = {},
): number => {
  if (options.uWeights === undefined && options.vWeights === undefined) {
    const su = sortSample(u)
    const sv = sortSample(v)
    if (su.missing + sv.missing > 0 || u.length === 0 || v.length === 0) {
      // Re-run through the validating path for a precise error.
      weighted(u, undefined, 'u')
      weighted(v, undefined, 'v')
    }
    return wassersteinSorted(su.values, sv.values)
  }
  if (options.uWeights && options.uWeights.length !== u.length) {
    throw new KeelError('INVALID_ARGUMENT', 'uWeights must have one weight per value of u')
  }
  if (options.vWeights && options.vWeights.length !== v.length) {
    throw new KeelError('INVALID_ARGUMENT', 'vWeights must have one weight per value of v')
  }
  const a = weighted(u, options.uWeights, 'u')
  const b = weighted(v, options.vWeights, 'v')
  const nu = a.values.length
  const nv = b.values.length
  let i = 0
  let j = 0
  let prev = NaN
  let prevGap = 0
  let sum = 0
  while (i < nu || j < nv) {
    const x = i < nu && (j >= nv || a.values[i]! <= b.values[j]!) ? a.values[i]! : b.values[j]!
    if (i + j > 0) sum += prevGap * (x - prev)
    while (i < nu && a.values[i]! <= x) i++
    while (j < nv && b.values[j]! <= x) j++
    prevGap = Math.abs((i === 0 ? 0 : a.cdf[i - 1]!) - (j === 0 ? 0 : b.cdf[j - 1]!))
    prev = x
  }
  return sum
}
