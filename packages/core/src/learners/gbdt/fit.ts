import { KeelError } from '../../errors/index.js'
import { alignFeatures, pinFeatures, type AlignedColumn } from '../features.js'
import type { FitOptions, TrainingSet } from '../protocol.js'
import { boost, type BoostValidation } from './boosting.js'
import { defaultMetric, metricTask } from './eval-metrics.js'
import { createLoss, resolveObjective } from './loss/index.js'
import type { GbdtState } from './state.js'
import type { GbdtParams } from './params.js'
import { Forest } from './predictor.js'
import {
  checkTrainingSet,
  classMultipliers,
  effectiveWeights,
  monotoneVector,
  numClassesOf,
} from './prepare.js'
import { rowMajor } from './row-major.js'

/** Raw scores of an existing ensemble on aligned columns (warm start), n × K. */
const scoreColumns = (
  state: GbdtState,
  columns: readonly AlignedColumn[],
  n: number,
): Float64Array => {
  const forest = new Forest(
    state.trees,
    state.outputs,
    state.base,
    state.features.map((f) => (f.kind === 'categorical' ? f.categories.length : 0)),
  )
  const K = forest.numOutputs
  const out = new Float64Array(n * K)
  const chunk = 8192
  const buf = new Float64Array(Math.min(n, chunk) * columns.length)
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk)
    rowMajor(columns, s, e, buf)
    forest.rawRowsInto(buf, e - s, out.subarray(s * K, e * K))
  }
  return out
}

const startingScores = (base: Float64Array, n: number): Float64Array => {
  const K = base.length
  const raw = new Float64Array(n * K)
  if (K === 1) return raw.fill(base[0]!)
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) raw[i * K + k] = base[k]!
  return raw
}

/**
 * Fit a GBDT, or continue one (`previous`): check the data, pin or align features, build the loss
 * and weights, run boosting, and return the model state. The generator in `options` is the only
 * source of randomness, so the same seed and data give a bit-identical model.
 */
export const fitBoosted = (
  params: GbdtParams,
  data: TrainingSet,
  options: FitOptions,
  previous?: GbdtState,
): GbdtState => {
  checkTrainingSet(data)
  const val = options.validation
  if (val) {
    checkTrainingSet(val, ['validation'])
    if (val.task !== data.task) {
      throw new KeelError('INVALID_DATA', `validation task ${val.task} differs from ${data.task}`, {
        path: ['validation', 'task'],
      })
    }
  }
  const task = data.task
  const specs = previous ? previous.features : pinFeatures(data.X)
  const columns = alignFeatures(data.X, specs)
  const K = previous
    ? Math.max(previous.base.length, previous.classes?.length ?? 0)
    : numClassesOf(data)
  if (previous && task !== 'regression' && numClassesOf(data) > Math.max(2, K)) {
    throw new KeelError('SCHEMA_MISMATCH', `data has more classes than the model's ${K}`, {
      path: ['y'],
    })
  }
  const objective = previous ? previous.objective : resolveObjective(params.objective, task)
  const loss = createLoss(objective, task, K, params)
  const monotone = monotoneVector(params.monotone, specs)
  const multipliers = classMultipliers(params, data)
  const w = effectiveWeights(data, multipliers)
  const metric = params.earlyStoppingMetric ?? defaultMetric(task)
  if (metricTask(metric) !== task) {
    throw new KeelError('INVALID_PARAMS', `metric "${metric}" does not apply to ${task} tasks`, {
      path: ['earlyStoppingMetric'],
    })
  }
  // A fresh fit asked to stop early needs validation data; an update without any simply runs
  // every round (continual training often has no held-out slice of the newest data).
  if (params.earlyStoppingRounds !== undefined && !val && !previous) {
    throw new KeelError('INVALID_ARGUMENT', 'earlyStoppingRounds needs validation data', {
      path: ['validation'],
    })
  }
  const n = data.y.length
  const base = previous ? previous.base : loss.baseScore(data.y, w)
  const raw = previous ? scoreColumns(previous, columns, n) : startingScores(base, n)
  let validation: BoostValidation | undefined
  if (val) {
    const valCols = alignFeatures(val.X, specs)
    const vn = val.y.length
    validation = {
      x: rowMajor(valCols, 0, vn),
      y: val.y,
      w: val.weight,
      raw: previous ? scoreColumns(previous, valCols, vn) : startingScores(base, vn),
      metric,
    }
  }
  const result = boost({
    params,
    loss,
    specs,
    columns,
    y: data.y,
    w,
    raw,
    monotone,
    rng: options.rng,
    ...(validation ? { validation } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const outputs = new Int32Array((previous?.trees.length ?? 0) + result.trees.length)
  if (previous) outputs.set(previous.outputs)
  outputs.set(result.outputs, previous?.trees.length ?? 0)
  return {
    task,
    features: specs,
    classes: previous ? previous.classes : data.classes,
    objective,
    params,
    base,
    trees: previous ? [...previous.trees, ...result.trees] : result.trees,
    outputs,
    rounds: (previous?.rounds ?? 0) + result.rounds,
    history: result.history,
  }
}
