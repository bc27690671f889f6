import { KeelError } from '../errors/index.js'
import { cellAt, type Cell, type Frame, type Row } from '../frame/index.js'
import {
  checkPredictionSet,
  filterPredictionRows,
  isUndefinedMetricError,
  metricByName,
  type MetricDefinition,
  type PredictionSet,
} from '../metrics/index.js'
import type { Rng } from '../random/index.js'
import { bootstrapMetric, type BootstrapOptions } from './bootstrap.js'

/**
 * Slice-based evaluation: the same metrics on declared subsets of rows (a region, a device, paying
 * users), because coarse metrics hide problems on minorities. A slice is a name and a 0/1 mask, plus
 * the conditions that produced it so reports can say what it is.
 */

/** One condition on a column; a slice holds the conditions that define it (all must hold). */
export type SliceCondition =
  | { readonly kind: 'equals'; readonly column: string; readonly values: readonly Cell[] }
  /** `min ≤ value < max` (or `≤ max` with `includeMax`); either bound may be absent. */
  | {
      readonly kind: 'range'
      readonly column: string
      readonly min?: number
      readonly max?: number
      readonly includeMax?: boolean
    }
  | { readonly kind: 'missing'; readonly column: string }
  | { readonly kind: 'predicate'; readonly description: string }

/** A named subset of rows. */
export interface Slice {
  readonly name: string
  /** 1 for rows in the slice. */
  readonly mask: Uint8Array
  readonly conditions: readonly SliceCondition[]
}

const fmt = (v: Cell): string => (v === null ? 'missing' : typeof v === 'string' ? v : String(v))

/** A short human-readable form of a condition, e.g. `origin = SFO` or `distance in [300, 800)`. */
export const describeCondition = (c: SliceCondition): string => {
  switch (c.kind) {
    case 'equals':
      return c.values.length === 1
        ? `${c.column} = ${fmt(c.values[0]!)}`
        : `${c.column} in {${c.values.map(fmt).join(', ')}}`
    case 'range':
      if (c.min === undefined) return `${c.column} ${c.includeMax ? '≤' : '<'} ${c.max}`
      if (c.max === undefined) return `${c.column} ≥ ${c.min}`
      return `${c.column} in [${c.min}, ${c.max}${c.includeMax ? ']' : ')'}`
    case 'missing':
      return `${c.column} is missing`
    case 'predicate':
      return c.description
  }
}

const sameCell = (a: Cell, b: Cell): boolean =>
  a === b || (typeof a === 'boolean' && typeof b === 'number' && Number(a) === b)

/** Rows where `column` equals one of `values` (`null` matches missing). */
export const sliceByValues = (
  frame: Frame,
  column: string,
  values: Cell | readonly Cell[],
  name?: string,
): Slice => {
  const list: readonly Cell[] = Array.isArray(values) ? values : [values as Cell]
  const col = frame.column(column)
  const mask = new Uint8Array(frame.numRows)
  if (col.kind === 'categorical') {
    const codes = new Set<number>()
    list.forEach((v) => {
      if (v === null) codes.add(-1)
      else {
        const k = col.dictionary.indexOf(String(v))
        if (k >= 0) codes.add(k)
      }
    })
    for (let i = 0; i < mask.length; i++) mask[i] = codes.has(col.codes[i]!) ? 1 : 0
  } else {
    for (let i = 0; i < mask.length; i++) {
      const cell = cellAt(col, i)
      mask[i] = list.some((v) => sameCell(cell, v)) ? 1 : 0
    }
  }
  const condition: SliceCondition = { kind: 'equals', column, values: [...list] }
  return { name: name ?? describeCondition(condition), mask, conditions: [condition] }
}

/** Rows where a numeric (or timestamp) column lies in `[min, max)` (`[min, max]` with `includeMax`). */
export const sliceByRange = (
  frame: Frame,
  column: string,
  range: { readonly min?: number; readonly max?: number; readonly includeMax?: boolean },
  name?: string,
): Slice => {
  const values = frame.numeric(column)
  const lo = range.min ?? -Infinity
  const hi = range.max ?? Infinity
  const mask = Uint8Array.from(values, (v) =>
    v >= lo && (range.includeMax ? v <= hi : v < hi) ? 1 : 0,
  )
  const condition: SliceCondition = { kind: 'range', column, ...range }
  return { name: name ?? describeCondition(condition), mask, conditions: [condition] }
}

/** Rows for which `predicate(row, index)` holds (reads rows as objects: convenient, not fast). */
export const sliceWhere = (
  frame: Frame,
  name: string,
  predicate: (row: Row, index: number) => boolean,
): Slice => {
  const mask = new Uint8Array(frame.numRows)
  for (let i = 0; i < mask.length; i++) mask[i] = predicate(frame.row(i), i) ? 1 : 0
  return { name, mask, conditions: [{ kind: 'predicate', description: name }] }
}

/** A slice from an existing mask. */
export const sliceFromMask = (name: string, mask: ArrayLike<number | boolean>): Slice => ({
  name,
  mask: Uint8Array.from(mask as ArrayLike<number>, (v) => (v ? 1 : 0)),
  conditions: [{ kind: 'predicate', description: name }],
})

/** Rows in both slices. */
export const sliceIntersection = (a: Slice, b: Slice): Slice => {
  if (a.mask.length !== b.mask.length)
    throw new KeelError('INVALID_ARGUMENT', 'slices differ in length')
  return {
    name: `${a.name} & ${b.name}`,
    mask: Uint8Array.from(a.mask, (v, i) => v & b.mask[i]!),
    conditions: [...a.conditions, ...b.conditions],
  }
}

/** One slice per value of a categorical or boolean column (missing included when present). */
export const slicesByColumn = (frame: Frame, column: string): Slice[] => {
  const col = frame.column(column)
  const seen = new Map<string, Cell>()
  for (let i = 0; i < frame.numRows; i++) {
    const v = cellAt(col, i)
    const key = fmt(v)
    if (!seen.has(key)) seen.set(key, v)
  }
  return [...seen.values()].map((v) => sliceByValues(frame, column, [v]))
}

/** A metric's value on one slice; `value` is null where the metric is undefined there. */
export interface SliceMetricValue {
  readonly value: number | null
  readonly lower?: number
  readonly upper?: number
  /** `value − overall`, in the metric's own direction (null when undefined). */
  readonly difference: number | null
}

/** One row of a slice report. */
export interface SliceEvaluation {
  readonly slice: string
  readonly conditions: readonly SliceCondition[]
  readonly rows: number
  /** Share of the total weight in the slice. */
  readonly share: number
  readonly metrics: Readonly<Record<string, SliceMetricValue>>
}

/** Options for {@link evaluateSlices}. */
export interface SliceEvaluationOptions {
  /** Add bootstrap intervals per slice (each slice gets its own stream, forked by slice name). */
  readonly bootstrap?: Omit<BootstrapOptions, 'rng' | 'clusters' | 'strata'> & { readonly rng: Rng }
  /** Slices with fewer rows get no metric values (default 1). */
  readonly minRows?: number
}

const safe = (def: MetricDefinition, data: PredictionSet): number | null => {
  try {
    return def.compute(data)
  } catch (e) {
    if (isUndefinedMetricError(e)) return null
    throw e
  }
}

/**
 * Every metric on every slice, with the overall value as the first row (`slice: 'all'`) and
 * optional per-slice bootstrap intervals.
 */
export const evaluateSlices = (
  data: PredictionSet,
  slices: readonly Slice[],
  metrics: readonly (string | MetricDefinition)[],
  options: SliceEvaluationOptions = {},
): SliceEvaluation[] => {
  checkPredictionSet(data)
  const defs = metrics.map((m) => (typeof m === 'string' ? metricByName(m) : m))
  const n = data.y.length
  const totalWeight = data.weight ? data.weight.reduce((s, v) => s + v, 0) : n
  const overall = new Map(defs.map((d) => [d.name, safe(d, data)]))
  const minRows = options.minRows ?? 1
  const all: Slice = { name: 'all', mask: new Uint8Array(n).fill(1), conditions: [] }
  return [all, ...slices].map((slice) => {
    if (slice.mask.length !== n) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `slice "${slice.name}" has ${slice.mask.length} rows, data has ${n}`,
      )
    }
    const sub = slice === all ? data : filterPredictionRows(data, slice.mask)
    const rows = sub.y.length
    const weight = sub.weight ? sub.weight.reduce((s, v) => s + v, 0) : rows
    const values: Record<string, SliceMetricValue> = {}
    for (const def of defs) {
      const value = rows >= minRows && rows > 0 ? safe(def, sub) : null
      const base = overall.get(def.name) ?? null
      let interval: { lower: number; upper: number } | undefined
      if (options.bootstrap && value !== null) {
        const { rng, ...rest } = options.bootstrap
        try {
          const ci = bootstrapMetric(def, sub, {
            ...rest,
            rng: rng.fork(`${slice.name}/${def.name}`),
          })
          interval = { lower: ci.lower, upper: ci.upper }
        } catch (e) {
          if (!isUndefinedMetricError(e)) throw e
        }
      }
      values[def.name] = {
        value,
        ...(interval ?? {}),
        difference: value === null || base === null ? null : value - base,
      }
    }
    return {
      slice: slice.name,
      conditions: slice.conditions,
      rows,
      share: weight / totalWeight,
      metrics: values,
    }
  })
}
