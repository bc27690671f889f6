/**
 * Scaling (the book's §4.2): standardization, min-max to [a, b], robust (median/IQR), log1p and
 * quantile clipping. Every statistic comes from the training rows only and is reused unchanged at
 * serving (scaling before splitting, or with serving-time statistics, leaks). A constant column
 * keeps scale 1, as scikit-learn does, so nothing ever divides by zero.
 */
import { z } from 'zod'
import type { NumericColumn } from '../frame/index.js'
import { defineLeaf } from './define.js'
import { assertNoInfinity } from './internal/inputs.js'
import {
  mapNumeric,
  missingPolicy,
  noPresentValues,
  sameNamesNumeric,
} from './internal/numeric-map.js'
import {
  isConstantFeature,
  meanVar,
  percentileSorted,
  safeScale,
  sortedPresent,
} from './internal/stats.js'

const NUMERIC_KINDS = ['numeric', 'boolean', 'timestamp'] as const

/** Present values of each input column, sorted; fails on an all-missing or infinite column. */
const sortedColumns = (
  kind: string,
  names: readonly string[],
  columns: readonly unknown[],
): Float64Array[] =>
  columns.map((c, j) => {
    const values = (c as NumericColumn).values
    assertNoInfinity(kind, names[j]!, values)
    const s = sortedPresent(values)
    if (s.length === 0) noPresentValues(kind, names[j]!)
    return s
  })

const standardParams = z.strictObject({
  /** Subtract the mean. */
  withMean: z.boolean().default(true),
  /** Divide by the standard deviation (population, as scikit-learn). */
  withStd: z.boolean().default(true),
  missing: missingPolicy,
})
const meanScaleState = z.strictObject({
  columns: z.array(z.strictObject({ center: z.number(), scale: z.number() })),
})

/** Standardize each column to zero mean and unit variance: `(x − mean) / std` (scikit-learn's StandardScaler). */
export const standardScalerKind = defineLeaf({
  kind: 'standard-scaler',
  description: 'Subtract the training mean and divide by the training standard deviation',
  params: standardParams,
  state: meanScaleState,
  accepts: NUMERIC_KINDS,
  fit({ kind, params, inputs, columns }) {
    const state = columns.map((c, j) => {
      const values = (c as NumericColumn).values
      assertNoInfinity(kind, inputs[j]!.name, values)
      const { mean, variance, count } = meanVar(values)
      if (count === 0) noPresentValues(kind, inputs[j]!.name)
      const scale = isConstantFeature(variance, mean, count) ? 1 : Math.sqrt(variance)
      return { center: params.withMean ? mean : 0, scale: params.withStd ? scale : 1 }
    })
    return { state: { columns: state }, outputs: sameNamesNumeric(inputs) }
  },
  apply: ({ kind, params, state, inputs, columns }) =>
    mapNumeric(kind, inputs, columns, params.missing, (j, x) => {
      const s = state.columns[j]!
      return (x - s.center) / s.scale
    }),
})

const minMaxParams = z.strictObject({
  /** The target interval [a, b]; [-1, 1] often works better than [0, 1] for linear models. */
  range: z
    .tuple([z.number(), z.number()])
    .default([0, 1])
    .refine(([a, b]) => a < b, 'range must have a < b'),
  /** Clip serving values that fall outside the training range into [a, b]. */
  clip: z.boolean().default(false),
  missing: missingPolicy,
})
const minMaxState = z.strictObject({
  columns: z.array(
    z.strictObject({ min: z.number(), max: z.number(), scale: z.number(), shift: z.number() }),
  ),
})

/**
 * Rescale each column linearly so the training range maps onto [a, b]: `x·scale + shift`, with
 * `scale = (b − a) / (max − min)` and `shift = a − min·scale` — scikit-learn's MinMaxScaler, with
 * the same operation order so results agree bit for bit. Outlier-sensitive: one extreme value
 * squeezes everything else; prefer the robust scaler or clipping first for heavy tails.
 */
export const minMaxScalerKind = defineLeaf({
  kind: 'min-max-scaler',
  description: 'Map the training range of each column linearly onto [a, b]',
  params: minMaxParams,
  state: minMaxState,
  accepts: NUMERIC_KINDS,
  fit({ kind, params, inputs, columns }) {
    const [a, b] = params.range
    const sorted = sortedColumns(
      kind,
      inputs.map((c) => c.name),
      columns,
    )
    const state = sorted.map((s) => {
      const min = s[0]!
      const max = s[s.length - 1]!
      const scale = (b - a) / safeScale(max - min)
      return { min, max, scale, shift: a - min * scale }
    })
    return { state: { columns: state }, outputs: sameNamesNumeric(inputs) }
  },
  apply: ({ kind, params, state, inputs, columns }) => {
    const [a, b] = params.range
    return mapNumeric(kind, inputs, columns, params.missing, (j, x) => {
      const s = state.columns[j]!
      const y = x * s.scale + s.shift
      return params.clip ? Math.min(Math.max(y, a), b) : y
    })
  },
})

const robustParams = z.strictObject({
  withCentering: z.boolean().default(true),
  withScaling: z.boolean().default(true),
  /** Percentiles whose difference is the scale; (25, 75) is the interquartile range. */
  quantileRange: z
    .tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
    .default([25, 75])
    .refine(([lo, hi]) => lo < hi, 'quantileRange must have lo < hi'),
  missing: missingPolicy,
})

/**
 * Center on the median and divide by the interquartile range (scikit-learn's RobustScaler):
 * statistics that a few outliers cannot move, for heavy-tailed features.
 */
export const robustScalerKind = defineLeaf({
  kind: 'robust-scaler',
  description: 'Subtract the training median and divide by the interquartile range',
  params: robustParams,
  state: meanScaleState,
  accepts: NUMERIC_KINDS,
  fit({ kind, params, inputs, columns }) {
    const sorted = sortedColumns(
      kind,
      inputs.map((c) => c.name),
      columns,
    )
    const [lo, hi] = params.quantileRange
    const state = sorted.map((s) => {
      const h = s.length >> 1
      const median = s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2
      const iqr = percentileSorted(s, hi) - percentileSorted(s, lo)
      return {
        center: params.withCentering ? median : 0,
        scale: params.withScaling ? safeScale(iqr) : 1,
      }
    })
    return { state: { columns: state }, outputs: sameNamesNumeric(inputs) }
  },
  apply: ({ kind, params, state, inputs, columns }) =>
    mapNumeric(kind, inputs, columns, params.missing, (j, x) => {
      const s = state.columns[j]!
      return (x - s.center) / s.scale
    }),
})

const logParams = z.strictObject({
  /** Added before the log: `log1p(x + shift)`, for columns that reach down to −1 or below. */
  shift: z.number().default(0),
  missing: missingPolicy,
})

/**
 * `log1p(x + shift)` for skewed, non-negative features (distances, counts, money). Stateless; a
 * value at or below `−1 − shift` has no logarithm and is an `INVALID_DATA` error naming the row.
 */
export const log1pKind = defineLeaf({
  kind: 'log1p',
  description: 'Natural log of 1 + x (+ shift), for skewed non-negative features',
  params: logParams,
  state: z.strictObject({}),
  accepts: NUMERIC_KINDS,
  fit: ({ inputs }) => ({ state: {}, outputs: sameNamesNumeric(inputs) }),
  apply: ({ kind, params, inputs, columns }) =>
    mapNumeric(kind, inputs, columns, params.missing, (_j, x) => Math.log1p(x + params.shift)),
})

const clipParams = z
  .strictObject({
    /** Lower quantile in [0, 1]; values below its training value are raised to it. */
    lower: z.number().min(0).max(1).default(0.01),
    /** Upper quantile in [0, 1]; values above its training value are lowered to it. */
    upper: z.number().min(0).max(1).default(0.99),
    missing: missingPolicy,
  })
  .refine((p) => p.lower < p.upper, 'lower must be below upper')
const clipState = z.strictObject({
  columns: z.array(z.strictObject({ low: z.number(), high: z.number() })),
})

/**
 * Clip each column to its training quantiles (winsorizing): tames outliers before a min-max or
 * standard scaler, and makes serving robust to values far outside anything seen in training.
 */
export const quantileClipperKind = defineLeaf({
  kind: 'quantile-clipper',
  description: 'Clip each column to its training [lower, upper] quantiles',
  params: clipParams,
  state: clipState,
  accepts: NUMERIC_KINDS,
  fit({ kind, params, inputs, columns }) {
    const sorted = sortedColumns(
      kind,
      inputs.map((c) => c.name),
      columns,
    )
    const state = sorted.map((s) => ({
      low: percentileSorted(s, params.lower * 100),
      high: percentileSorted(s, params.upper * 100),
    }))
    return { state: { columns: state }, outputs: sameNamesNumeric(inputs) }
  },
  apply: ({ kind, params, state, inputs, columns }) =>
    mapNumeric(kind, inputs, columns, params.missing, (j, x) => {
      const s = state.columns[j]!
      return x < s.low ? s.low : x > s.high ? s.high : x
    }),
})

/** An unfitted standard scaler. */
export const standardScaler = (
  params?: z.input<typeof standardParams>,
): ReturnType<typeof standardScalerKind.create> => standardScalerKind.create(params)
/** An unfitted min-max scaler. */
export const minMaxScaler = (
  params?: z.input<typeof minMaxParams>,
): ReturnType<typeof minMaxScalerKind.create> => minMaxScalerKind.create(params)
/** An unfitted robust scaler. */
export const robustScaler = (
  params?: z.input<typeof robustParams>,
): ReturnType<typeof robustScalerKind.create> => robustScalerKind.create(params)
/** An unfitted log1p step. */
export const log1pTransform = (
  params?: z.input<typeof logParams>,
): ReturnType<typeof log1pKind.create> => log1pKind.create(params)
/** An unfitted quantile clipper. */
export const quantileClipper = (
  params?: z.input<typeof clipParams>,
): ReturnType<typeof quantileClipperKind.create> => quantileClipperKind.create(params)
