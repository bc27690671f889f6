import { KeelError } from '../errors/index.js'
import {
  checkPredictionSet,
  isUndefinedMetricError,
  metricByName,
  takePredictionRows,
  type MetricDefinition,
  type PredictionSet,
} from '../metrics/index.js'
import type { Rng } from '../random/index.js'
import { normalCdf, normalQuantile } from './normal.js'

/**
 * Seeded bootstrap confidence intervals for any statistic of rows: percentile and BCa (Efron &
 * Tibshirani 1993, ch. 14). Resampling is by row, within strata (e.g. per class, so every resample
 * keeps both classes) or by cluster (e.g. ranking queries or users, whose rows are not independent).
 * Resamples on which the statistic is undefined (an AUC with one class) are skipped and counted.
 */

/** How rows are drawn in each resample. */
export interface ResampleScheme {
  /** BootstrapResample rows within each stratum separately (stratum id per row). */
  readonly strata?: ArrayLike<number>
  /** BootstrapResample whole clusters (cluster id per row); rows of a cluster move together. */
  readonly clusters?: ArrayLike<number>
}

/** Options for bootstrap intervals. */
export interface BootstrapOptions extends ResampleScheme {
  /** The generator; the same seed and data give the same interval bit for bit. */
  readonly rng: Rng
  /** Number of resamples; default 1000. */
  readonly resamples?: number
  /** Confidence level; default 0.95. */
  readonly level?: number
  /** `'percentile'` (default) or `'bca'` (bias-corrected and accelerated; costs a jackknife). */
  readonly method?: 'percentile' | 'bca'
  /**
   * BCa's acceleration uses a jackknife over at most this many groups of units (rows or clusters),
   * so its cost stays bounded on large data; with fewer units it is the exact leave-one-out
   * jackknife. Default 200.
   */
  readonly jackknifeGroups?: number
}

/** A bootstrap interval as plain data. */
export interface BootstrapCi {
  /** The statistic on the full data. */
  readonly estimate: number
  readonly lower: number
  readonly upper: number
  readonly level: number
  readonly method: 'percentile' | 'bca'
  /** Standard deviation of the bootstrap replicates. */
  readonly standardError: number
  /** Resamples that produced a value. */
  readonly resamples: number
  /** Resamples skipped because the statistic was undefined on them. */
  readonly undefinedResamples: number
}

/**
 * One resample: row indices (repeats allowed) and, when resampling clusters, the draw each row came
 * from, so a cluster drawn twice can be told apart from itself (ranking queries need distinct ids).
 */
export interface BootstrapResample {
  readonly indices: Int32Array
  readonly draw?: Int32Array
}

/** A statistic of a resample; throw an undefined-metric error when it has no value. */
export type ResampleStatistic = (resample: BootstrapResample) => number

const groupRows = (ids: ArrayLike<number>): number[][] => {
  const map = new Map<number, number[]>()
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    let list = map.get(id)
    if (!list) map.set(id, (list = []))
    list.push(i)
  }
  return [...map.values()]
}

/** A function that draws one resample of `n` rows under `scheme`. */
export const resampler = (n: number, scheme: ResampleScheme): ((rng: Rng) => BootstrapResample) => {
  if (scheme.clusters && scheme.strata) {
    throw new KeelError('INVALID_ARGUMENT', 'use either strata or clusters, not both')
  }
  for (const key of ['clusters', 'strata'] as const) {
    const ids = scheme[key]
    if (ids && ids.length !== n) {
      throw new KeelError('INVALID_ARGUMENT', `${key} has ${ids.length} entries, expected ${n}`, {
        path: [key],
      })
    }
  }
  if (scheme.clusters) {
    const clusters = groupRows(scheme.clusters)
    return (rng) => {
      const indices: number[] = []
      const draw: number[] = []
      for (let d = 0; d < clusters.length; d++) {
        for (const i of clusters[rng.int(clusters.length)]!) {
          indices.push(i)
          draw.push(d)
        }
      }
      return { indices: Int32Array.from(indices), draw: Int32Array.from(draw) }
    }
  }
  const strata = scheme.strata ? groupRows(scheme.strata) : [Array.from({ length: n }, (_, i) => i)]
  return (rng) => {
    const indices = new Int32Array(n)
    let at = 0
    for (const rows of strata)
      for (let j = 0; j < rows.length; j++) indices[at++] = rows[rng.int(rows.length)]!
    return { indices }
  }
}

/** The identity resample (the full data), with each cluster as its own draw. */
const identity = (n: number, scheme: ResampleScheme): BootstrapResample => {
  const indices = Int32Array.from({ length: n }, (_, i) => i)
  if (!scheme.clusters) return { indices }
  const draw = new Int32Array(n)
  groupRows(scheme.clusters).forEach((rows, d) => rows.forEach((i) => (draw[i] = d)))
  return { indices, draw }
}

/** Linear-interpolation quantile of sorted values (NumPy's default `percentile`). */
export const sortedQuantile = (sorted: ArrayLike<number>, q: number): number => {
  const m = sorted.length
  const pos = q * (m - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, m - 1)
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!)
}

const tryStatistic = (statistic: ResampleStatistic, r: BootstrapResample): number | undefined => {
  try {
    const v = statistic(r)
    return Number.isFinite(v) ? v : undefined
  } catch (e) {
    if (isUndefinedMetricError(e)) return undefined
    throw e
  }
}

/**
 * The BCa interval from bootstrap replicates and jackknife values (exposed for testing against the
 * reference formula). `z0 = Φ⁻¹(#{θ* < θ̂}/B)`, `a = Σd³ / (6 (Σd²)^{3/2})` with `d = mean(θ_(i)) − θ_(i)`.
 */
export const bcaBounds = (
  estimate: number,
  replicates: ArrayLike<number>,
  jackknife: ArrayLike<number>,
  level: number,
): [number, number] => {
  const sorted = Float64Array.from(replicates).sort()
  const B = sorted.length
  let below = 0
  for (let i = 0; i < B; i++) if (sorted[i]! < estimate) below++
  const z0 = normalQuantile(below / B)
  let mean = 0
  for (let i = 0; i < jackknife.length; i++) mean += jackknife[i]!
  mean /= jackknife.length
  let num = 0
  let den = 0
  for (let i = 0; i < jackknife.length; i++) {
    const d = mean - jackknife[i]!
    num += d * d * d
    den += d * d
  }
  const a = den === 0 ? 0 : num / (6 * den ** 1.5)
  const alpha = (1 - level) / 2
  const adjust = (z: number): number => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
  const lo = adjust(normalQuantile(alpha))
  const hi = adjust(normalQuantile(1 - alpha))
  if (!Number.isFinite(z0) || Number.isNaN(lo) || Number.isNaN(hi)) {
    // Every replicate on one side of the estimate: BCa degenerates; fall back to the range.
    return [sorted[0]!, sorted[B - 1]!]
  }
  return [sortedQuantile(sorted, lo), sortedQuantile(sorted, hi)]
}

/** Jackknife values over at most `groups` groups of units, assigned by the generator. */
const jackknifeValues = (
  n: number,
  scheme: ResampleScheme,
  statistic: ResampleStatistic,
  groups: number,
  rng: Rng,
): number[] => {
  const units = scheme.clusters
    ? groupRows(scheme.clusters)
    : Array.from({ length: n }, (_, i) => [i])
  const g = Math.min(groups, units.length)
  const assignment = new Int32Array(units.length)
  // Equal-size groups in a random order, so each group is a spread of the data.
  const order = Int32Array.from({ length: units.length }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = order[i]!
    order[i] = order[j]!
    order[j] = t
  }
  order.forEach((u, pos) => (assignment[u] = pos % g))
  const out: number[] = []
  for (let left = 0; left < g; left++) {
    const indices: number[] = []
    const draw: number[] = []
    units.forEach((rows, u) => {
      if (assignment[u] === left) return
      for (const i of rows) {
        indices.push(i)
        draw.push(u)
      }
    })
    const v = tryStatistic(statistic, {
      indices: Int32Array.from(indices),
      ...(scheme.clusters ? { draw: Int32Array.from(draw) } : {}),
    })
    if (v !== undefined) out.push(v)
  }
  return out
}

/** Bootstrap replicates of a statistic before they are summarised into an interval. */
export interface BootstrapReplicates {
  readonly estimate: number
  /** One value per resample on which the statistic is defined, in draw order. */
  readonly values: readonly number[]
  readonly undefinedResamples: number
}

const checkOptions = (n: number, options: BootstrapOptions): void => {
  const B = options.resamples ?? 1000
  const level = options.level ?? 0.95
  if (!(Number.isInteger(B) && B >= 2)) {
    throw new KeelError('INVALID_ARGUMENT', `resamples must be an integer ≥ 2, got ${B}`)
  }
  if (!(level > 0 && level < 1)) {
    throw new KeelError('INVALID_ARGUMENT', `level must be in (0, 1), got ${level}`)
  }
  if (n === 0) throw new KeelError('INVALID_DATA', 'cannot bootstrap zero rows')
}

/**
 * Draw the resamples and evaluate the statistic on each. The statistic on the full data must be
 * defined (its error propagates); resamples where it is undefined are counted and skipped.
 */
export const bootstrapReplicates = (
  n: number,
  statistic: ResampleStatistic,
  options: BootstrapOptions,
): BootstrapReplicates => {
  checkOptions(n, options)
  const B = options.resamples ?? 1000
  const estimate = statistic(identity(n, options))
  const draw = resampler(n, options)
  const values: number[] = []
  let skipped = 0
  for (let b = 0; b < B; b++) {
    const v = tryStatistic(statistic, draw(options.rng))
    if (v === undefined) skipped++
    else values.push(v)
  }
  if (values.length < 2) {
    throw new KeelError(
      'INVALID_DATA',
      `the statistic is undefined on ${skipped} of ${B} resamples`,
      {
        details: { undefinedMetric: true },
      },
    )
  }
  return { estimate, values, undefinedResamples: skipped }
}

/** Summarise replicates into a percentile or BCa interval (BCa re-evaluates a jackknife). */
export const intervalFromReplicates = (
  replicates: BootstrapReplicates,
  n: number,
  statistic: ResampleStatistic,
  options: BootstrapOptions,
): BootstrapCi => {
  const level = options.level ?? 0.95
  const method = options.method ?? 'percentile'
  const { estimate, values } = replicates
  const sorted = Float64Array.from(values).sort()
  let mean = 0
  for (const v of values) mean += v
  mean /= values.length
  let ss = 0
  for (const v of values) ss += (v - mean) ** 2
  const alpha = (1 - level) / 2
  let lower = sortedQuantile(sorted, alpha)
  let upper = sortedQuantile(sorted, 1 - alpha)
  if (method === 'bca') {
    const groups = options.jackknifeGroups ?? 200
    const jack = jackknifeValues(n, options, statistic, groups, options.rng.fork('jackknife'))
    ;[lower, upper] = bcaBounds(estimate, sorted, jack, level)
  }
  return {
    estimate,
    lower,
    upper,
    level,
    method,
    standardError: Math.sqrt(ss / (values.length - 1)),
    resamples: values.length,
    undefinedResamples: replicates.undefinedResamples,
  }
}

/**
 * A bootstrap interval for any statistic of `n` rows. The statistic receives a {@link BootstrapResample}
 * and returns a number (or throws an undefined-metric error, which skips that resample).
 *
 * @example
 * const ci = bootstrapInterval(y.length, ({ indices }) => meanOf(y, indices), { rng: createRng(1) })
 */
export const bootstrapInterval = (
  n: number,
  statistic: ResampleStatistic,
  options: BootstrapOptions,
): BootstrapCi =>
  intervalFromReplicates(bootstrapReplicates(n, statistic, options), n, statistic, options)

/** The rows of a resample as a prediction set (ranking clusters get one query id per draw). */
export const resamplePredictionSet = (data: PredictionSet, r: BootstrapResample): PredictionSet => {
  const out = takePredictionRows(data, r.indices)
  return r.draw && data.task === 'ranking' ? { ...out, group: r.draw } : out
}

/** Default resampling for a prediction set: ranking resamples whole queries, others rows. */
const defaultScheme = (data: PredictionSet, options: ResampleScheme): ResampleScheme =>
  options.clusters || options.strata || data.task !== 'ranking' || !data.group
    ? options
    : { clusters: data.group }

/**
 * A bootstrap interval for a catalogue metric on a prediction set. Ranking sets resample whole
 * queries unless a scheme is given; pass `strata: data.y` for classification to keep every class in
 * every resample.
 */
export const bootstrapMetric = (
  metric: string | MetricDefinition,
  data: PredictionSet,
  options: BootstrapOptions,
): BootstrapCi => {
  const def = typeof metric === 'string' ? metricByName(metric) : metric
  checkPredictionSet(data)
  const scheme = defaultScheme(data, options)
  const n = data.y.length
  // Ranking clusters renumber queries per draw, which multiplicities cannot express.
  const fast = data.task === 'ranking' ? undefined : def.resampled?.(data)
  let statistic: ResampleStatistic = (r) => def.compute(resamplePredictionSet(data, r))
  if (fast) {
    const counts = new Int32Array(n)
    statistic = (r) => {
      counts.fill(0)
      for (let j = 0; j < r.indices.length; j++) counts[r.indices[j]!]!++
      return fast(counts)
    }
  }
  return bootstrapInterval(n, statistic, { ...options, ...scheme })
}
