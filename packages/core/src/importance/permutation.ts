import { KeelError } from '../errors/index.js'
import { takeColumn, type Column, type Frame } from '../frame/index.js'
import type { FittedModel, Task } from '../learners/index.js'
import { computeMetric, metricByName, type MetricDefinition } from '../metrics/index.js'
import { permutation, type Rng } from '../random/index.js'
import { toFramePredictor, type FramePredictor } from './predictor.js'
import { allRows, sampleRows } from './sample.js'
import { studentTQuantile } from './student-t.js'

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** The model (predicting on `frame` as is) or the whole inference path as a function. */
  readonly predict: FramePredictor | FittedModel
  /** Held-out rows with raw columns (validation data: importance on train rewards overfitting). */
  readonly frame: Frame
  /** Class index (classification) or value (regression) per row of `frame`. */
  readonly y: Float64Array
  readonly task: Task
  /** Any catalogue metric (`roc_auc`, `log_loss`, `r2`, …); losses are oriented automatically. */
  readonly metric: string | MetricDefinition
  /** Number of classes; default from the probabilities. */
  readonly numClasses?: number
  /** Columns to permute one at a time. Default: every column of `frame`. */
  readonly features?: readonly string[]
  /**
   * Sets of columns permuted together with one shared permutation (the rows of the set move as a
   * block), e.g. `{ tenure: ['start_date', 'end_date'] }`: the book's "a feature or a set".
   */
  readonly featureSets?: Readonly<Record<string, readonly string[]>>
  /** Permutations per feature. Default 5. */
  readonly repeats?: number
  /** The only source of randomness: row sample and permutations. */
  readonly rng: Rng
  /** Score on a seeded sample of at most this many rows (one sample for every feature). */
  readonly maxRows?: number
  readonly weight?: Float64Array
  /** Confidence level of the interval around each mean. Default 0.95. */
  readonly level?: number
  /**
   * Explicit permutations, one index array per repeat, applied to every feature (permuted row i
   * reads original row `permutations[r][i]`). For reproducing another implementation's numbers;
   * overrides `repeats` and `rng` for the permutations.
   */
  readonly permutations?: readonly ArrayLike<number>[]
}

/** Importance of one feature (or feature set): the drop in score when its values are shuffled. */
export interface PermutationImportance {
  readonly feature: string
  readonly columns: readonly string[]
  /** Mean over repeats; positive means the score gets worse without the feature. */
  readonly mean: number
  /** Standard deviation over repeats (population, `ddof=0`, as scikit-learn reports it). */
  readonly std: number
  /**
   * Student-t interval of the mean over repeats: it measures permutation noise on this data, not
   * the sampling noise of the data itself. `null` with a single repeat.
   */
  readonly ci: { readonly lower: number; readonly upper: number; readonly level: number } | null
  /** Importance of each repeat. */
  readonly importances: readonly number[]
}

/** The result of {@link permutationImportance}, as plain data. */
export interface PermutationImportanceReport {
  readonly metric: string
  readonly higherIsBetter: boolean
  /** The metric on the unpermuted rows. */
  readonly baseline: number
  /** Rows scored (after sampling) and rows given. */
  readonly rows: number
  readonly totalRows: number
  readonly repeats: number
  /** Features by decreasing mean importance. */
  readonly features: readonly PermutationImportance[]
}

const DEFAULT_REPEATS = 5

/**
 * Permutation importance (Breiman 2001; scikit-learn's `permutation_importance`): for each feature,
 * shuffle its column across rows, re-predict and measure how much the metric degrades, averaged
 * over `repeats` seeded shuffles. Model-agnostic, and through a {@link FramePredictor} it measures
 * raw columns through the whole pipeline. Whole columns are permuted, categorical codes included,
 * so a category's meaning is kept and only its link to the row is broken.
 *
 * Importance is `baseline − permuted` for higher-is-better metrics and `permuted − baseline` for
 * losses, so larger always means more important; with the same permutations it equals
 * scikit-learn's numbers (whose losses are negated scores). A feature the model never reads gets
 * exactly 0. Correlated features share credit: permuting one leaves its twin to carry the signal.
 *
 * @example
 * const report = permutationImportance({
 *   predict: framePredictor(model, pipeline), frame: validationRaw, y: validationY,
 *   task: 'binary', metric: 'roc_auc', rng: createRng(7), repeats: 5, maxRows: 50_000,
 * })
 * report.features[0] // { feature: 'origin_late_rate', mean: 0.061, std: 0.002, ci: {...} }
 */
export const permutationImportance = (
  options: PermutationImportanceOptions,
): PermutationImportanceReport => {
  const { frame, y, task, rng } = options
  const metric = typeof options.metric === 'string' ? metricByName(options.metric) : options.metric
  if (y.length !== frame.numRows) {
    throw new KeelError('INVALID_ARGUMENT', `y has ${y.length} values, frame has ${frame.numRows}`)
  }
  if (options.weight && options.weight.length !== frame.numRows) {
    throw new KeelError('INVALID_ARGUMENT', 'weight needs one value per row of the frame')
  }
  const sets = featureSets(frame, options)
  const explicit = options.permutations
  const repeats = explicit ? explicit.length : (options.repeats ?? DEFAULT_REPEATS)
  if (!(Number.isInteger(repeats) && repeats >= 1)) {
    throw new KeelError('INVALID_ARGUMENT', `repeats must be an integer >= 1, got ${repeats}`)
  }
  const level = options.level ?? 0.95
  if (!(level > 0 && level < 1)) {
    throw new KeelError('INVALID_ARGUMENT', `level must be in (0, 1), got ${level}`)
  }
  let rows: Int32Array | null = null
  if (options.maxRows !== undefined && options.maxRows < frame.numRows) {
    if (explicit) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        'explicit permutations cannot be combined with maxRows',
      )
    }
    rows = sampleRows(allRows(frame.numRows), options.maxRows, rng.fork('rows'))
  }
  const X = rows ? frame.take(rows) : frame
  const yy = rows ? Float64Array.from(rows, (r) => y[r]!) : y
  const weight =
    options.weight && rows ? Float64Array.from(rows, (r) => options.weight![r]!) : options.weight
  const n = X.numRows
  if (explicit) for (const p of explicit) checkPermutation(p, n)

  const predict = toFramePredictor(options.predict)
  const score = (F: Frame): number => {
    const out = predict(F)
    return computeMetric(metric, {
      task,
      y: yy,
      ...(out.pred ? { pred: out.pred } : {}),
      ...(out.proba ? { proba: out.proba } : {}),
      ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
      ...(weight ? { weight } : {}),
    })
  }
  const baseline = score(X)
  const sign = metric.higherIsBetter ? 1 : -1
  const tq = repeats > 1 ? studentTQuantile(0.5 + level / 2, repeats - 1) : NaN

  const results = sets.map(([name, columns]): PermutationImportance => {
    const featureRng = rng.fork(`permute:${name}`)
    const importances: number[] = []
    for (let r = 0; r < repeats; r++) {
      const perm = explicit ? explicit[r]! : permutation(featureRng, n)
      const replaced: Record<string, Column> = {}
      for (const c of columns) replaced[c] = takeColumn(X.column(c), perm)
      // `+ 0` turns the -0 of an unchanged loss into 0.
      importances.push(sign * (baseline - score(X.withColumns(replaced))) + 0)
    }
    return summarize(name, columns, importances, tq, level)
  })
  results.sort((a, b) => b.mean - a.mean || compareNames(a.feature, b.feature))
  return {
    metric: metric.name,
    higherIsBetter: metric.higherIsBetter,
    baseline,
    rows: n,
    totalRows: frame.numRows,
    repeats,
    features: results,
  }
}

const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const summarize = (
  feature: string,
  columns: readonly string[],
  importances: number[],
  tq: number,
  level: number,
): PermutationImportance => {
  const R = importances.length
  let mean = 0
  for (const v of importances) mean += v
  mean /= R
  let ss = 0
  for (const v of importances) ss += (v - mean) ** 2
  const std = Math.sqrt(ss / R)
  let ci: PermutationImportance['ci'] = null
  if (R > 1) {
    const half = (tq * Math.sqrt(ss / (R - 1))) / Math.sqrt(R)
    ci = { lower: mean - half, upper: mean + half, level }
  }
  return { feature, columns, mean, std, ci, importances }
}

const featureSets = (
  frame: Frame,
  options: PermutationImportanceOptions,
): [string, readonly string[]][] => {
  const singles: [string, readonly string[]][] = (
    options.features ?? (options.featureSets ? [] : frame.columnNames)
  ).map((f) => [f, [f]])
  const sets: [string, readonly string[]][] = [
    ...singles,
    ...Object.entries(options.featureSets ?? {}),
  ]
  const missing = [...new Set(sets.flatMap(([, cols]) => cols))].filter((c) => !frame.has(c))
  if (missing.length > 0) {
    throw new KeelError('SCHEMA_MISMATCH', `columns not in the frame: ${missing.join(', ')}`, {
      details: { missing, available: frame.columnNames },
    })
  }
  const names = sets.map(([n]) => n)
  if (new Set(names).size !== names.length) {
    throw new KeelError('INVALID_ARGUMENT', 'feature and feature-set names must be distinct')
  }
  if (sets.length === 0) throw new KeelError('INVALID_ARGUMENT', 'no features to permute')
  return sets
}

const checkPermutation = (p: ArrayLike<number>, n: number): void => {
  const seen = new Uint8Array(n)
  let ok = p.length === n
  for (let i = 0; ok && i < n; i++) {
    const v = p[i]!
    if (!(Number.isInteger(v) && v >= 0 && v < n) || seen[v]) ok = false
    else seen[v] = 1
  }
  if (!ok) throw new KeelError('INVALID_ARGUMENT', `a permutation must list 0..${n - 1} once each`)
}
