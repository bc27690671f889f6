/**
 * Target encoding: replace a category by a shrunk mean of the target over its training rows — one
 * number per category however many there are (229 airports, 2 million brands).
 *
 * Leakage is the danger (the book's §4.7): a row's own target is inside its category's mean, so a
 * model trained on whole-data encodings learns to read the label back, worst for rare categories.
 * `fitTransform` therefore returns **out-of-fold** values for the training rows (k seeded folds,
 * stratified for classification): each row is encoded with statistics from the other folds only.
 * The fitted encoder keeps the whole-data mapping for every later `transform` (validation, test,
 * serving), where no row's target is involved. Encodings also go stale when the target
 * distribution drifts; retrain them with the model.
 *
 * Definitions follow scikit-learn 1.3's TargetEncoder (see `internal/target-stats.ts`). Where Keel
 * differs: folds come from Keel's seeded generator, not NumPy's, so out-of-fold values match
 * scikit-learn only for the same fold assignment (the fixture test replays its folds); multiclass
 * targets are class indices (one column per class, named `<name>__<k>`); a missing value is its
 * own category, as in scikit-learn.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { Task } from '../learners/index.js'
import type { Rng } from '../random/index.js'
import { defineLeaf, type LeafFitContext } from './define.js'
import {
  categoryView,
  countLabels,
  sortedLabels,
  type CategoryView,
} from './internal/categories.js'
import { crossFitEncoding, fitEncoding, type Smoothing } from './internal/target-stats.js'
import type { TransformerColumn } from './protocol.js'

const targetParams = z.strictObject({
  /** `auto`: empirical-Bayes shrinkage (scikit-learn's default); a number m ≥ 0: the m-estimate. */
  smooth: z.union([z.literal('auto'), z.number().min(0)]).default('auto'),
  /** Folds for the out-of-fold training output. */
  folds: z.int().min(2).max(100).default(5),
  /**
   * What the target is. `auto` takes the fit's `task` (regression → continuous), or, without one,
   * `binary` when every target is 0 or 1 and `continuous` otherwise.
   */
  target: z.enum(['auto', 'binary', 'multiclass', 'continuous']).default('auto'),
})

/** Parameters of {@link targetEncoder}. */
export type TargetEncoderParams = z.input<typeof targetParams>

const targetState = z.strictObject({
  target: z.enum(['binary', 'multiclass', 'continuous']),
  /** Mean of each target column over all training rows: the encoding of unseen categories. */
  means: z.array(z.number()),
  columns: z.array(
    z.strictObject({
      categories: z.array(z.string()),
      /** `encodings[k][c]`: target column k, category c. */
      encodings: z.array(z.array(z.number())),
      /** Encoding of missing values per target column, or null when none were missing at fit. */
      missing: z.array(z.number()).nullable(),
    }),
  ),
})
type TargetState = z.output<typeof targetState>
type TargetType = TargetState['target']

const targetType = (
  param: z.output<typeof targetParams>['target'],
  task: Task | undefined,
  y: Float64Array,
): TargetType => {
  if (param !== 'auto') return param
  if (task === 'regression') return 'continuous'
  if (task) return task
  return y.every((v) => v === 0 || v === 1) ? 'binary' : 'continuous'
}

/** The target columns to encode: y itself, or one 0/1 indicator per class for multiclass. */
const targetColumns = (type: TargetType, y: Float64Array): Float64Array[] => {
  if (type !== 'multiclass') return [y]
  let k = 0
  for (const v of y) k = Math.max(k, v + 1)
  return Array.from({ length: k }, (_, c) => y.map((v) => (v === c ? 1 : 0)))
}

const checkTarget = (
  kind: string,
  y: Float64Array | undefined,
  n: number,
  type: TargetType | 'auto',
): Float64Array => {
  if (!y) throw new KeelError('INVALID_ARGUMENT', `${kind}: fit needs the target (options.y)`)
  if (y.length !== n) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `${kind}: the target has ${y.length} rows, the frame ${n}`,
    )
  }
  for (let i = 0; i < n; i++) {
    const v = y[i]!
    const classLike = type === 'binary' || type === 'multiclass'
    if (!Number.isFinite(v) || (classLike && (!Number.isInteger(v) || v < 0))) {
      throw new KeelError('INVALID_DATA', `${kind}: target row ${i} is ${v}`, { path: ['y', i] })
    }
  }
  return y
}

/**
 * Fold ids for cross fitting, exactly balanced and uniformly random: within each class (one class
 * for a continuous target) every fold gets ⌊n_c/k⌋ or ⌈n_c/k⌉ rows — stratified, like
 * scikit-learn's StratifiedKFold — and the classes' extra rows rotate so total fold sizes differ
 * by at most one. Rows are dealt in order by sampling without replacement from each class's
 * remaining per-fold quotas (an urn), which draws a uniform arrangement with one generator call
 * per row and no permutation array: sequential memory access on 3 million rows.
 */
export const assignFolds = (
  rng: Rng,
  y: Float64Array,
  nFolds: number,
  stratify: boolean,
): Int32Array => {
  const n = y.length
  // Classes are validated non-negative integers, so they index arrays directly.
  let classes = 1
  if (stratify) for (let i = 0; i < n; i++) classes = Math.max(classes, y[i]! + 1)
  const sizes = new Float64Array(classes)
  for (let i = 0; i < n; i++) sizes[stratify ? y[i]! : 0]!++
  const quota = new Float64Array(classes * nFolds)
  let offset = 0
  for (let c = 0; c < classes; c++) {
    const base = Math.floor(sizes[c]! / nFolds)
    const extra = sizes[c]! % nFolds
    for (let f = 0; f < nFolds; f++) {
      quota[c * nFolds + f] = base + ((f - offset + nFolds) % nFolds < extra ? 1 : 0)
    }
    offset = (offset + extra) % nFolds
  }
  const remaining = sizes.slice()
  const folds = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const c = stratify ? y[i]! : 0
    // A 53-bit uniform float scaled to the urn size: unbiased to 2^-53, and half the cost of an
    // exact bounded integer draw on 3 million rows.
    let r = Math.floor(rng.float() * remaining[c]!)
    remaining[c]!--
    let f = 0
    const q = c * nFolds
    while (r >= quota[q + f]!) r -= quota[q + f++]!
    quota[q + f]!--
    folds[i] = f
  }
  return folds
}

/** Category codes 0..C-1 over the sorted training categories, with missing as category C. */
const trainingCodes = (view: CategoryView, categories: readonly string[]): Int32Array => {
  const index = new Map(categories.map((c, k) => [c, k] as const))
  const perCode = view.labels.map((l) => index.get(l) ?? -1)
  const out = new Int32Array(view.codes.length)
  for (let i = 0; i < out.length; i++) {
    const k = view.codes[i]!
    out[i] = k < 0 ? categories.length : perCode[k]!
  }
  return out
}

const fitTarget = (ctx: LeafFitContext<z.output<typeof targetParams>>, outOfFold: boolean) => {
  const { kind, params, options, inputs, columns, numRows } = ctx
  const y0 = checkTarget(kind, options.y, numRows, params.target)
  const type = targetType(params.target, options.task, y0)
  checkTarget(kind, y0, numRows, type)
  if (outOfFold && numRows < params.folds) {
    throw new KeelError(
      'INVALID_DATA',
      `${kind}: ${numRows} rows cannot make ${params.folds} folds`,
    )
  }
  const ys = targetColumns(type, y0)
  const smooth: Smoothing = params.smooth
  const folds = outOfFold
    ? assignFolds(options.rng, y0, params.folds, type !== 'continuous')
    : undefined
  const state: TargetState['columns'] = []
  const outputs: TransformerColumn[] = []
  const oof: Float64Array[] = []
  const means: number[] = ys.map(() => 0)
  inputs.forEach((input, j) => {
    const view = categoryView(columns[j]!)
    const { counts, missing } = countLabels(view)
    const categories = sortedLabels(counts.keys())
    const codes = trainingCodes(view, categories)
    const nCats = categories.length + 1 // the last is "missing"
    const encodings: number[][] = []
    const missingEnc: number[] = []
    ys.forEach((y, k) => {
      const { encodings: enc, mean } = fitEncoding(codes, y, nCats, smooth)
      means[k] = mean
      encodings.push(Array.from(enc.subarray(0, categories.length)))
      missingEnc.push(enc[categories.length]!)
      if (folds)
        oof.push(
          crossFitEncoding(codes, y, nCats, folds, params.folds, smooth, new Float64Array(numRows)),
        )
      outputs.push({ name: ys.length === 1 ? input.name : `${input.name}__${k}`, kind: 'numeric' })
    })
    state.push({ categories, encodings, missing: missing > 0 ? missingEnc : null })
  })
  return { state: { target: type, means, columns: state }, outputs, columns: oof }
}

/**
 * Encode categories by the shrunk training mean of the target (binary, multiclass or continuous).
 * Needs `options.y` at fit. Unseen categories encode as the global training mean; missing values as
 * their own category (or the global mean when none were missing at fit).
 *
 * @example
 * const { fitted, output } = targetEncoder({ folds: 5 }).fitTransform(train.select(['origin']), { rng, y, task: 'binary' })
 */
export const targetEncoderKind = defineLeaf({
  kind: 'target-encoder',
  description: 'Shrunk mean of the target per category, out-of-fold on the training rows',
  params: targetParams,
  state: targetState,
  accepts: ['categorical', 'text', 'numeric', 'boolean'],
  fit: (ctx) => fitTarget(ctx, false),
  fitApply: (ctx) => {
    const r = fitTarget(ctx, true)
    return {
      ...r,
      columns: r.columns.map((values) => Object.freeze({ kind: 'numeric' as const, values })),
    }
  },
  prepare: (state) =>
    state.columns.map((s) => new Map(s.categories.map((c, k) => [c, k] as const))),
  apply({ state, cache, columns, numRows }) {
    const out: { kind: 'numeric'; values: Float64Array }[] = []
    columns.forEach((c, j) => {
      const s = state.columns[j]!
      const index = cache[j]!
      const view = categoryView(c)
      const perLabel = view.labels.map((l) => index.get(l) ?? -1)
      s.encodings.forEach((enc, k) => {
        const mean = state.means[k]!
        const onMissing = s.missing ? s.missing[k]! : mean
        const table = Float64Array.from(perLabel, (p) => (p < 0 ? mean : enc[p]!))
        const values = new Float64Array(numRows)
        for (let i = 0; i < numRows; i++) {
          const code = view.codes[i]!
          values[i] = code < 0 ? onMissing : table[code]!
        }
        out.push(Object.freeze({ kind: 'numeric', values }))
      })
    })
    return out
  },
})

/** An unfitted target encoder. */
export const targetEncoder = (
  params?: TargetEncoderParams,
): ReturnType<typeof targetEncoderKind.create> => targetEncoderKind.create(params)
