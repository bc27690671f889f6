import { KeelError, type Issue } from '../../errors/index.js'
import type { FeatureSpec, TrainingSet } from '../protocol.js'
import type { GbdtParams } from './params.js'

/**
 * Number of classes of a classification training set: `classes.length`, else 2 for binary, else
 * the largest label + 1.
 */
export const numClassesOf = (data: TrainingSet): number => {
  if (data.task === 'regression') return 0
  if (data.classes) return data.classes.length
  if (data.task === 'binary') return 2
  let max = -1
  for (let i = 0; i < data.y.length; i++) {
    const v = data.y[i]!
    if (Number.isInteger(v) && v > max) max = v
  }
  return Math.max(2, max + 1)
}

/**
 * Check a training set before anything is fitted, listing every problem: empty data, mismatched
 * lengths, non-finite or out-of-range labels, negative weights, a single class. `where` prefixes
 * paths (e.g. `validation`).
 */
export const checkTrainingSet = (data: TrainingSet, where: readonly string[] = []): void => {
  const issues: Issue[] = []
  const add = (code: string, path: (string | number)[], message: string): void => {
    issues.push({ code, path: [...where, ...path], message })
  }
  const n = data.X.numRows
  if (data.X.numColumns === 0) add('no_features', ['X'], 'there are no feature columns')
  if (n === 0) add('empty', ['X'], 'there are no rows to fit on')
  if (data.y.length !== n) {
    add('length_mismatch', ['y'], `y has ${data.y.length} values but X has ${n} rows`)
  }
  if (data.weight && data.weight.length !== n) {
    add(
      'length_mismatch',
      ['weight'],
      `weight has ${data.weight.length} values but X has ${n} rows`,
    )
  }
  if (issues.length === 0) {
    const K = numClassesOf(data)
    if (data.task === 'binary' && K !== 2) {
      add('bad_classes', ['classes'], `a binary task needs 2 classes, got ${K}`)
    }
    const seen = new Set<number>()
    let bad = -1
    for (let i = 0; i < n && bad < 0; i++) {
      const v = data.y[i]!
      if (!Number.isFinite(v)) bad = i
      else if (data.task !== 'regression') {
        if (!Number.isInteger(v) || v < 0 || v >= K) bad = i
        else seen.add(v)
      }
    }
    if (bad >= 0) {
      add(
        'bad_label',
        ['y', bad],
        data.task === 'regression'
          ? `label at row ${bad} is not finite (${data.y[bad]})`
          : `label at row ${bad} is not a class index in 0..${K - 1} (${data.y[bad]})`,
      )
    } else if (data.task !== 'regression' && seen.size < 2) {
      add('single_class', ['y'], `the labels hold ${seen.size} class; at least 2 are needed`)
    }
    if (data.weight) {
      let total = 0
      let badW = -1
      for (let i = 0; i < n; i++) {
        const w = data.weight[i]!
        if (!(w >= 0 && Number.isFinite(w))) {
          badW = i
          break
        }
        total += w
      }
      if (badW >= 0)
        add('bad_weight', ['weight', badW], `weight at row ${badW} is not a finite value ≥ 0`)
      else if (!(total > 0)) add('zero_weight', ['weight'], 'all sample weights are zero')
    }
  }
  if (issues.length > 0) {
    throw new KeelError('INVALID_DATA', issues.map((i) => i.message).join('; '), { issues })
  }
}

const classNames = (data: TrainingSet, K: number): string[] =>
  data.classes ? [...data.classes] : Array.from({ length: K }, (_, k) => String(k))

/**
 * Per-class multipliers from `classWeight` and `costMatrix` (cost-sensitive learning by
 * reweighting: a row of true class i weighs Σ_j cost[i][j], its total cost of being misclassified,
 * which for two classes is exactly the cost of the one possible mistake). Undefined when neither
 * is set.
 */
export const classMultipliers = (
  params: Pick<GbdtParams, 'classWeight' | 'costMatrix'>,
  data: TrainingSet,
): Float64Array | undefined => {
  if (data.task === 'regression') {
    if (params.classWeight || params.costMatrix) {
      throw new KeelError('INVALID_PARAMS', 'classWeight and costMatrix apply to classification', {
        path: [params.classWeight ? 'classWeight' : 'costMatrix'],
      })
    }
    return undefined
  }
  const K = numClassesOf(data)
  if (!params.classWeight && !params.costMatrix) return undefined
  const m = new Float64Array(K).fill(1)
  const names = classNames(data, K)
  if (params.classWeight === 'balanced') {
    const totals = new Float64Array(K)
    let sum = 0
    for (let i = 0; i < data.y.length; i++) {
      const w = data.weight ? data.weight[i]! : 1
      totals[data.y[i]!]! += w
      sum += w
    }
    for (let k = 0; k < K; k++) m[k] = totals[k]! > 0 ? sum / (K * totals[k]!) : 1
  } else if (params.classWeight) {
    for (const [name, w] of Object.entries(params.classWeight)) {
      const k = names.indexOf(name)
      if (k < 0) {
        throw new KeelError('INVALID_PARAMS', `classWeight names unknown class "${name}"`, {
          path: ['classWeight', name],
          details: { classes: names },
        })
      }
      m[k] = w
    }
  }
  if (params.costMatrix) {
    const c = params.costMatrix
    if (c.length !== K || c.some((row) => row.length !== K)) {
      throw new KeelError(
        'INVALID_PARAMS',
        `costMatrix must be ${K} × ${K} (one row per true class)`,
        {
          path: ['costMatrix'],
        },
      )
    }
    for (let i = 0; i < K; i++) {
      let s = 0
      for (let j = 0; j < K; j++) if (j !== i) s += c[i]![j]!
      m[i] = m[i]! * s
    }
  }
  if (!m.some((v) => v > 0)) {
    throw new KeelError('INVALID_PARAMS', 'class weights and costs make every row weigh zero', {
      path: [params.costMatrix ? 'costMatrix' : 'classWeight'],
    })
  }
  return m
}

/** Sample weights × class multipliers, or undefined when every row weighs 1. */
export const effectiveWeights = (
  data: TrainingSet,
  multipliers: Float64Array | undefined,
): Float64Array | undefined => {
  if (!multipliers) return data.weight
  const n = data.y.length
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = (data.weight ? data.weight[i]! : 1) * multipliers[data.y[i]!]!
  return w
}

/** Monotone constraints by feature position, checking names and kinds. */
export const monotoneVector = (
  monotone: GbdtParams['monotone'],
  specs: readonly FeatureSpec[],
): Int8Array => {
  const out = new Int8Array(specs.length)
  if (!monotone) return out
  for (const [name, dir] of Object.entries(monotone)) {
    const f = specs.findIndex((s) => s.name === name)
    if (f < 0) {
      throw new KeelError('INVALID_PARAMS', `monotone names unknown feature "${name}"`, {
        path: ['monotone', name],
      })
    }
    if (dir !== 0 && specs[f]!.kind === 'categorical') {
      throw new KeelError(
        'INVALID_PARAMS',
        `monotone constraint on categorical feature "${name}"`,
        {
          path: ['monotone', name],
        },
      )
    }
    out[f] = dir
  }
  return out
}
