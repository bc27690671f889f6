import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import {
  checkPredictionSet,
  isUndefinedMetricError,
  metricByName,
  takePredictionRows,
  type MetricDefinition,
  type PredictionSet,
} from '../metrics/index.js'
import type { Rng } from '../random/index.js'
import { bootstrapReplicates } from './bootstrap.js'
import {
  candidateConditions,
  type SliceCandidateOptions,
  type ConditionMask,
} from './conditions.js'
import { adjustPValues, type PValueCorrection } from './multiple-testing.js'
import { twoSidedP } from './normal.js'
import type { SliceCondition } from './slices.js'

/**
 * Automatic weak-slice discovery in the spirit of Slice Finder (Chung et al. 2019): enumerate
 * single conditions (categorical values, numeric quantile bins) and pairs of conditions on different
 * columns, keep those with enough support, rank the ones that do worse than overall by
 * `gap × share`, and test each gap against the rest of the data.
 *
 * Tests: for metrics that are a mean of a per-row quantity (accuracy, log loss, MAE, ...) a Welch
 * z-test of slice vs complement (for accuracy this is the unpooled two-proportion z-test); for other
 * metrics (AUC, F1) a seeded bootstrap of the slice-minus-complement difference on the highest-ranked
 * candidates. p-values are corrected over the whole family of candidates examined (not just those
 * tested), since the search itself is a multiple comparison.
 */

/** Options for {@link discoverWeakSlices}. */
export interface WeakSliceOptions extends SliceCandidateOptions {
  /** Minimum rows in a slice: a count (≥ 1) or a share of all rows (< 1). Default 0.05. */
  readonly minSupport?: number
  /** Also try pairs of conditions on different columns. Default true. */
  readonly pairs?: boolean
  /** Pairs are formed among at most this many single conditions (largest |gap| × share). Default 40. */
  readonly maxPairBase?: number
  /** Slices returned. Default 20. */
  readonly maxResults?: number
  /** Significance level after correction. Default 0.05. */
  readonly alpha?: number
  /** Default `'holm'` (family-wise); `'benjamini-hochberg'` controls the false discovery rate. */
  readonly correction?: PValueCorrection
  /** Generator for bootstrap tests (metrics without a per-row form). */
  readonly rng?: Rng
  /** Bootstrap resamples per tested slice. Default 200. */
  readonly resamples?: number
  /** Bootstrap tests are run on at most this many top-ranked slices. Default 30. */
  readonly maxTests?: number
}

/** One weak slice, as plain data. */
export interface WeakSlice {
  readonly name: string
  readonly conditions: readonly SliceCondition[]
  readonly rows: number
  readonly share: number
  readonly value: number
  /** The metric on all other rows. */
  readonly complementValue: number | null
  /** How much worse than overall, in the metric's units (positive = worse). */
  readonly gap: number
  /** `gap × share`: the ranking key (the slice's share of the total shortfall). */
  readonly score: number
  readonly pValue: number | null
  readonly adjustedPValue: number | null
  readonly significant: boolean
}

/** The discovery result. */
export interface WeakSliceReport {
  readonly metric: string
  readonly higherIsBetter: boolean
  readonly overall: number
  /** Candidate slices with enough support (the family size for the correction). */
  readonly candidates: number
  readonly tested: number
  readonly test: 'welch-z' | 'bootstrap'
  readonly correction: PValueCorrection
  readonly alpha: number
  readonly slices: WeakSlice[]
}

interface Candidate {
  readonly name: string
  readonly conditions: SliceCondition[]
  readonly columns: string[]
  readonly mask: Uint8Array
  readonly rows: number
  share: number
  value: number
  gap: number
}

/** Weighted mean, variance and effective size of per-row values over a mask (or its complement). */
const moments = (v: Float64Array, w: Float64Array | undefined, mask: Uint8Array, want: number) => {
  let sw = 0
  let sw2 = 0
  let s = 0
  for (let i = 0; i < v.length; i++) {
    if (mask[i] !== want) continue
    const wi = w ? w[i]! : 1
    sw += wi
    sw2 += wi * wi
    s += wi * v[i]!
  }
  const mean = s / sw
  let ss = 0
  for (let i = 0; i < v.length; i++)
    if (mask[i] === want) ss += (w ? w[i]! : 1) * (v[i]! - mean) ** 2
  return { mean, variance: ss / sw, neff: (sw * sw) / sw2, weight: sw }
}

const indicesOf = (mask: Uint8Array, want: number): number[] => {
  const out: number[] = []
  for (let i = 0; i < mask.length; i++) if (mask[i] === want) out.push(i)
  return out
}

/**
 * Find slices where `metric` is worst relative to overall, from the columns of `frame` (row-aligned
 * with `data`: typically the evaluation features plus metadata such as hour or device).
 */
export const discoverWeakSlices = (
  frame: Frame,
  data: PredictionSet,
  metric: string | MetricDefinition,
  options: WeakSliceOptions = {},
): WeakSliceReport => {
  checkPredictionSet(data)
  const n = data.y.length
  if (frame.numRows !== n) {
    throw new KeelError('INVALID_ARGUMENT', `frame has ${frame.numRows} rows, predictions ${n}`)
  }
  const def = typeof metric === 'string' ? metricByName(metric) : metric
  const sign = def.higherIsBetter ? 1 : -1
  const support = options.minSupport ?? 0.05
  const minRows = support < 1 ? Math.max(1, Math.ceil(support * n)) : support
  const w = data.weight
  const totalWeight = w ? w.reduce((s, v) => s + v, 0) : n
  const perRow = def.pointwise?.(data)
  const overall = def.compute(data)
  const evaluate = (mask: Uint8Array): number | null => {
    if (perRow) return moments(perRow, w, mask, 1).mean
    try {
      return def.compute(takePredictionRows(data, indicesOf(mask, 1)))
    } catch (e) {
      if (isUndefinedMetricError(e)) return null
      throw e
    }
  }
  const make = (
    name: string,
    conditions: SliceCondition[],
    columns: string[],
    mask: Uint8Array,
  ): Candidate | null => {
    let rows = 0
    let weight = 0
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue
      rows++
      weight += w ? w[i]! : 1
    }
    if (rows < minRows || rows === n) return null
    const value = evaluate(mask)
    if (value === null || !Number.isFinite(value)) return null
    return {
      name,
      conditions,
      columns,
      mask,
      rows,
      share: weight / totalWeight,
      value,
      gap: sign * (overall - value),
    }
  }
  const singles = candidateConditions(frame, options)
    .map((c: ConditionMask) => make(c.label, [c.condition], [c.column], c.mask))
    .filter((c): c is Candidate => c !== null)
  const all = [...singles]
  if (options.pairs ?? true) {
    const base = [...singles]
      .sort((a, b) => Math.abs(b.gap) * b.share - Math.abs(a.gap) * a.share)
      .slice(0, options.maxPairBase ?? 40)
    for (let i = 0; i < base.length; i++) {
      for (let j = i + 1; j < base.length; j++) {
        const a = base[i]!
        const b = base[j]!
        if (a.columns[0] === b.columns[0]) continue
        const mask = Uint8Array.from(a.mask, (v, k) => v & b.mask[k]!)
        const c = make(
          `${a.name} & ${b.name}`,
          [...a.conditions, ...b.conditions],
          [...a.columns, ...b.columns],
          mask,
        )
        if (c) all.push(c)
      }
    }
  }
  const worse = all.filter((c) => c.gap > 0).sort((a, b) => b.gap * b.share - a.gap * a.share)
  const test = perRow ? 'welch-z' : 'bootstrap'
  const toTest = perRow ? worse : worse.slice(0, options.maxTests ?? 30)
  const pValues: number[] = []
  const complements: (number | null)[] = []
  for (const c of toTest) {
    if (perRow) {
      const s = moments(perRow, w, c.mask, 1)
      const r = moments(perRow, w, c.mask, 0)
      const se = Math.sqrt(s.variance / s.neff + r.variance / r.neff)
      complements.push(r.mean)
      pValues.push(se > 0 ? twoSidedP((s.mean - r.mean) / se) : s.mean === r.mean ? 1 : 0)
    } else {
      if (!options.rng) {
        throw new KeelError(
          'INVALID_ARGUMENT',
          `metric "${def.name}" has no per-row form: pass rng for bootstrap tests`,
        )
      }
      const inside = indicesOf(c.mask, 1)
      const outside = indicesOf(c.mask, 0)
      const rows = [...inside, ...outside]
      const strata = rows.map((i) => c.mask[i]!)
      const sub = takePredictionRows(data, rows)
      const statistic = ({ indices }: { indices: Int32Array }): number => {
        const a: number[] = []
        const b: number[] = []
        for (const i of indices) (i < inside.length ? a : b).push(i)
        return def.compute(takePredictionRows(sub, a)) - def.compute(takePredictionRows(sub, b))
      }
      try {
        const rep = bootstrapReplicates(rows.length, statistic, {
          rng: options.rng.fork(c.name),
          resamples: options.resamples ?? 200,
          strata,
        })
        // The estimate is slice − complement on the full data.
        complements.push(c.value - rep.estimate)
        let le = 0
        let ge = 0
        for (const d of rep.values) {
          if (d <= 0) le++
          if (d >= 0) ge++
        }
        pValues.push(Math.min(1, (2 * Math.min(le, ge) + 1) / (rep.values.length + 1)))
      } catch (e) {
        if (!isUndefinedMetricError(e)) throw e
        complements.push(null)
        pValues.push(1)
      }
    }
  }
  const correction = options.correction ?? 'holm'
  const alpha = options.alpha ?? 0.05
  const adjusted = adjustPValues(pValues, correction, Math.max(all.length, pValues.length))
  const limit = options.maxResults ?? 20
  const slices: WeakSlice[] = worse.slice(0, limit).map((c, k) => {
    const tested = k < toTest.length
    return {
      name: c.name,
      conditions: c.conditions,
      rows: c.rows,
      share: c.share,
      value: c.value,
      complementValue: tested ? complements[k]! : null,
      gap: c.gap,
      score: c.gap * c.share,
      pValue: tested ? pValues[k]! : null,
      adjustedPValue: tested ? adjusted[k]! : null,
      significant: tested && adjusted[k]! <= alpha,
    }
  })
  return {
    metric: def.name,
    higherIsBetter: def.higherIsBetter,
    overall,
    candidates: all.length,
    tested: toTest.length,
    test,
    correction,
    alpha,
    slices,
  }
}
