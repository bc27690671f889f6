import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import type { FittedModel } from '../protocol.js'
import { numericFeatureColumns } from '../shared/numeric-features.js'
import { LINEAR_MODEL_KIND } from './linear-model.js'
import { SGD_LINEAR_MODEL_KIND } from './sgd-model.js'

/**
 * Exact per-feature contributions of a linear model's raw score: for output k and row i,
 * `score[i][k] = base[k] + Σⱼ coef[k][j]·(x[i][j] − reference[j])` with
 * `base[k] = intercept[k] + Σⱼ coef[k][j]·reference[j]`. Nothing is approximated: the parts add up
 * to the score the model predicts from. The score is the model's raw output: the value
 * (regression), the log-odds of class 1 (binary), or each class's logit before the softmax
 * (multiclass).
 */

/** Contributions of every feature to every output, for a batch of rows. */
export interface LinearContributions {
  /** The model's feature names, in order (the last axis of `values`). */
  readonly features: readonly string[]
  /** One name per output: the class names for multiclass, else a single `score`. */
  readonly outputs: readonly string[]
  /** The point contributions are measured from (zeros unless given). */
  readonly reference: readonly number[]
  /** Per output: the score at the reference (the intercept when the reference is zero). */
  readonly base: readonly number[]
  readonly rows: number
  /** `values[(i·outputs + k)·features + j]`: feature j's contribution to output k on row i. */
  readonly values: Float64Array
}

/** The part of a fitted linear model contributions need (both linear model kinds have it). */
interface LinearCoefficients extends FittedModel {
  readonly coef: readonly Float64Array[]
  readonly intercept: Float64Array
}

const isLinear = (model: FittedModel): model is LinearCoefficients =>
  (model.kind === LINEAR_MODEL_KIND || model.kind === SGD_LINEAR_MODEL_KIND) &&
  'coef' in model &&
  'intercept' in model

/**
 * Exact contributions `coef × (x − reference)` of a fitted linear model (`linear` or `sgd-linear`)
 * on the rows of `X` (the model's input features, after the pipeline). `reference` maps a feature
 * name to its reference value (e.g. the training mean); features not named use 0, so by default
 * the base is the intercept.
 *
 * @example
 * const c = linearContributions(model, X)
 * // row 0, output 0: c.base[0] + Σⱼ c.values[j] === model.predictRaw(X)[0] (up to rounding)
 */
export const linearContributions = (
  model: FittedModel,
  X: Frame,
  reference: Readonly<Record<string, number>> = {},
): LinearContributions => {
  if (!isLinear(model)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `exact contributions need a linear model, got "${model.kind}"`,
      { path: ['model'] },
    )
  }
  const names = model.features.map((f) => f.name)
  for (const [name, v] of Object.entries(reference)) {
    if (!names.includes(name)) {
      throw new KeelError('INVALID_ARGUMENT', `reference names an unknown feature "${name}"`, {
        path: ['reference', name],
      })
    }
    if (!Number.isFinite(v)) {
      throw new KeelError('INVALID_ARGUMENT', `reference for "${name}" must be finite, got ${v}`, {
        path: ['reference', name],
      })
    }
  }
  const cols = numericFeatureColumns(X, model.features, 'linear contributions')
  const ref = names.map((n) => reference[n] ?? 0)
  const K = model.coef.length
  const d = names.length
  const n = X.numRows
  const values = new Float64Array(n * K * d)
  const base = model.coef.map((row, k) => {
    let b = model.intercept[k]!
    for (let j = 0; j < d; j++) b += row[j]! * ref[j]!
    return b
  })
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const row = model.coef[k]!
      const at = (i * K + k) * d
      for (let j = 0; j < d; j++) values[at + j] = row[j]! * (cols[j]![i]! - ref[j]!)
    }
  }
  return {
    features: names,
    outputs: model.task === 'multiclass' ? [...(model.classes ?? [])] : ['score'],
    reference: ref,
    base,
    rows: n,
    values,
  }
}
