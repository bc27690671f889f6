import { KeelError } from '../../errors/index.js'
import { cellAt, type Frame } from '../../frame/index.js'
import { checkSimpsonsParadox, type SimpsonReport } from '../simpson.js'
import { discoverWeakSlices } from '../slice-discovery.js'
import {
  evaluateSlices,
  sliceByRange,
  sliceByValues,
  sliceWhere,
  slicesByColumn,
  type Slice,
  type SliceCondition,
  type SliceEvaluation,
  type SliceMetricValue,
} from '../slices.js'
import { filterPredictionRows, metricByName, type PredictionSet } from '../../metrics/index.js'
import type { Rng } from '../../random/index.js'
import type { Task } from '../../learners/index.js'
import type { EvaluationConfig, SliceSpec } from './config-schema.js'
import { metricIntervals } from './intervals.js'
import type { DiscoveredSlice } from './report-types.js'

/**
 * Slices of the test split: declared ones (values, ranges, predicates, partitions by column),
 * automatically discovered weak slices, and Simpson's-paradox checks on the declared partitions.
 */

/** Partitions with more groups than this are not used for Simpson checks (too fragmented to read). */
const MAX_PARTITION_GROUPS = 30

const requireColumn = (frame: Frame, column: string, path: (string | number)[]): void => {
  if (!frame.has(column)) {
    throw new KeelError(
      'INVALID_CONFIG',
      `slice column "${column}" is not in the evaluation data`,
      {
        path: ['evaluation', ...path],
        details: { columns: frame.columnNames },
      },
    )
  }
}

/** Declared slices as masks over `frame`, plus the columns declared as partitions. */
export const declaredSlices = (
  frame: Frame,
  specs: readonly SliceSpec[],
): { slices: Slice[]; partitions: { column: string; slices: Slice[] }[] } => {
  const slices: Slice[] = []
  const partitions: { column: string; slices: Slice[] }[] = []
  specs.forEach((spec, i) => {
    const path = ['slices', i]
    if ('where' in spec) {
      try {
        slices.push(sliceWhere(frame, spec.name, (row) => Boolean(spec.where(row))))
      } catch (e) {
        throw new KeelError(
          'INVALID_CONFIG',
          `slice "${spec.name}": its predicate failed: ${(e as Error).message}`,
          {
            path: ['evaluation', ...path, 'where'],
            cause: e,
          },
        )
      }
      return
    }
    requireColumn(frame, spec.column, [...path, 'column'])
    if ('values' in spec) slices.push(sliceByValues(frame, spec.column, spec.values, spec.name))
    else if ('range' in spec) {
      const { min, max, includeMax } = spec.range
      const range = {
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
        ...(includeMax ? { includeMax } : {}),
      }
      slices.push(sliceByRange(frame, spec.column, range, spec.name))
    } else {
      const kind = frame.kindOf(spec.column)
      if (kind !== 'categorical' && kind !== 'boolean') {
        throw new KeelError(
          'INVALID_CONFIG',
          `slicing by every value needs a categorical column; "${spec.column}" is ${kind}`,
          {
            path: ['evaluation', ...path, 'column'],
            hint: 'declare a range slice for numeric columns',
          },
        )
      }
      const parts = slicesByColumn(frame, spec.column)
      partitions.push({ column: spec.column, slices: parts })
      slices.push(...parts)
    }
  })
  const names = new Set<string>()
  for (const s of slices) {
    if (names.has(s.name))
      throw new KeelError('INVALID_CONFIG', `two slices are named "${s.name}"`, {
        path: ['evaluation', 'slices'],
      })
    names.add(s.name)
  }
  return { slices, partitions }
}

/** Rebuild a discovered slice's mask from its conditions (all must hold). */
export const maskFromConditions = (
  frame: Frame,
  conditions: readonly SliceCondition[],
): Uint8Array => {
  const mask = new Uint8Array(frame.numRows).fill(1)
  for (const c of conditions) {
    if (c.kind === 'predicate')
      throw new KeelError('INVALID_ARGUMENT', 'a predicate condition has no mask to rebuild')
    const col = frame.column(c.column)
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue
      const v = cellAt(col, i)
      let ok: boolean
      if (c.kind === 'missing') ok = v === null
      else if (c.kind === 'equals')
        ok = c.values.some((x) => x === v || (x !== null && v !== null && String(x) === String(v)))
      else {
        const x = typeof v === 'number' ? v : NaN
        ok =
          x >= (c.min ?? -Infinity) &&
          (c.includeMax ? x <= (c.max ?? Infinity) : x < (c.max ?? Infinity))
      }
      if (!ok) mask[i] = 0
    }
  }
  return mask
}

/** The metric weak-slice discovery ranks by: per-row metrics keep it fast and testable (Welch). */
export const discoveryMetric = (
  task: Task,
  configured: string | undefined,
  primary: string,
): string => {
  if (configured) return configured
  if (metricByName(primary).pointwise) return metricByName(primary).name
  return task === 'regression' ? 'mae' : 'log_loss'
}

/**
 * Columns worth slicing on by default: numeric, boolean and categorical columns other than the
 * label and excluded ones. Timestamps are left to the backtest, which reads them as time.
 */
export const sliceableColumns = (frame: Frame, exclude: readonly string[]): string[] =>
  frame.columnNames.filter(
    (c) => !exclude.includes(c) && ['numeric', 'boolean', 'categorical'].includes(frame.kindOf(c)),
  )

/** Discover weak slices and evaluate the top ones with per-slice intervals. */
export const discoverSlices = (
  frame: Frame,
  data: PredictionSet,
  options: {
    readonly config: EvaluationConfig
    readonly primary: string
    readonly sliceMetrics: readonly string[]
    readonly exclude: readonly string[]
    readonly rng: Rng
  },
): DiscoveredSlice => {
  const { config } = options
  const metric = discoveryMetric(data.task as Task, config.discovery.metric, options.primary)
  const columns = config.discovery.columns ?? sliceableColumns(frame, options.exclude)
  const discovery = discoverWeakSlices(frame, data, metric, {
    columns,
    minSupport: config.discovery.minSupport,
    maxResults: config.discovery.maxResults,
    pairs: config.discovery.pairs,
    rng: options.rng.fork('discovery'),
  })
  const top = discovery.slices.slice(0, 5).map((s) => ({
    name: s.name,
    mask: maskFromConditions(frame, s.conditions),
    conditions: s.conditions,
  }))
  const metrics = [...new Set([metricByName(metric).name, ...options.sliceMetrics])]
  const evaluations = evaluateWithIntervals(
    data,
    top,
    metrics,
    config,
    options.rng.fork('discovered'),
  )
  return { discovery, evaluations }
}

/** Per-slice intervals are many; at most this many resamples keep them affordable and readable. */
const SLICE_RESAMPLES = 200

/**
 * Metrics per slice with intervals computed as for the whole test split (DeLong for ROC-AUC, shared
 * bootstrap resamples otherwise, plain unless `bootstrap.stratify`), each slice on its own stream
 * forked by its name.
 */
export const evaluateWithIntervals = (
  data: PredictionSet,
  slices: readonly Slice[],
  metrics: readonly string[],
  config: EvaluationConfig,
  rng: Rng,
): SliceEvaluation[] => {
  const points = evaluateSlices(data, slices, metrics)
  const bootstrap = {
    ...config.bootstrap,
    resamples: Math.min(SLICE_RESAMPLES, config.bootstrap.resamples),
  }
  return points.map((row, k) => {
    if (row.slice === 'all') return row
    const slice = slices[k - 1]!
    const sub = filterPredictionRows(data, slice.mask)
    if (sub.y.length === 0) return row
    const intervals = metricIntervals(sub, metrics, bootstrap, rng.fork(`slice/${slice.name}`))
    const merged: Record<string, SliceMetricValue> = {}
    for (const [name, v] of Object.entries(row.metrics)) {
      const ci = intervals[name]
      merged[name] =
        ci?.lower !== undefined && ci.upper !== undefined && v.value !== null
          ? { ...v, lower: ci.lower, upper: ci.upper }
          : v
    }
    return { ...row, metrics: merged }
  })
}

/**
 * Simpson's-paradox checks of the candidate against another model (the champion or the best
 * baseline) on each declared partition, and on the column of the top discovered slice when it is
 * categorical.
 */
export const simpsonChecks = (
  frame: Frame,
  candidate: PredictionSet,
  other: { readonly name: string; readonly set: PredictionSet },
  metric: string,
  partitions: readonly { column: string; slices: Slice[] }[],
  discoveredColumn: string | undefined,
): (SimpsonReport & { column: string; against: string })[] => {
  const columns = new Map(partitions.map((p) => [p.column, p.slices]))
  if (discoveredColumn && !columns.has(discoveredColumn) && frame.has(discoveredColumn)) {
    const kind = frame.kindOf(discoveredColumn)
    if (kind === 'categorical' || kind === 'boolean')
      columns.set(discoveredColumn, slicesByColumn(frame, discoveredColumn))
  }
  const out: (SimpsonReport & { column: string; against: string })[] = []
  for (const [column, slices] of columns) {
    if (slices.length < 2 || slices.length > MAX_PARTITION_GROUPS) continue
    const def = metricByName(metric)
    if (def.needs === 'proba' && !other.set.proba) continue
    try {
      out.push({
        ...checkSimpsonsParadox(def, candidate, other.set, slices),
        column,
        against: other.name,
      })
    } catch (e) {
      // A metric undefined on the whole set (one class only) leaves nothing to compare.
      if (!(e instanceof KeelError && e.code === 'INVALID_DATA')) throw e
    }
  }
  return out
}
