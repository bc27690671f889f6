import { KeelError } from '../../errors/index.js'
import type { LearnerCapabilities, Task, TrainingSet } from '../protocol.js'

/** What {@link checkTrainingSet} found out about a valid training set. */
export interface CheckedTrainingSet {
  readonly n: number
  /** Number of classes (1 for regression). */
  readonly numClasses: number
  /** Class names; `undefined` for regression. */
  readonly classes: readonly string[] | undefined
  /** Sample weights, all 1 when the training set has none. */
  readonly weight: Float64Array
  readonly weightSum: number
  /** Sum of weights per class (empty for regression). */
  readonly classWeightSums: Float64Array
}

/** Options for {@link checkTrainingSet}. */
export interface CheckTrainingSetOptions {
  /** Who is asking, for messages (`"logistic-regression"`). */
  readonly learner: string
  readonly capabilities?: LearnerCapabilities
  /** Require at least two classes with positive weight (default true for fitting). */
  readonly requireTwoClasses?: boolean
  /** Allow zero rows (incremental updates with an empty batch). */
  readonly allowEmpty?: boolean
}

const invalid = (message: string, path: readonly (string | number)[] = []): KeelError =>
  new KeelError('INVALID_DATA', message, { path })

/** Class names of a classification training set: as given, or `"0".."K-1"` from the labels. */
const classNames = (data: TrainingSet, learner: string): readonly string[] => {
  if (data.classes) {
    if (data.task === 'binary' && data.classes.length !== 2) {
      throw invalid(
        `${learner}: a binary task needs exactly 2 classes, got ${data.classes.length}`,
        ['classes'],
      )
    }
    if (data.classes.length < 2) {
      throw invalid(`${learner}: a classification task needs at least 2 classes`, ['classes'])
    }
    return data.classes
  }
  let max = 0
  for (const v of data.y) if (Number.isFinite(v) && v > max) max = v
  const k = data.task === 'binary' ? 2 : Math.max(2, Math.floor(max) + 1)
  return Array.from({ length: k }, (_, i) => String(i))
}

/**
 * Check a training set before fitting and return the facts every learner needs. Every problem is an
 * `INVALID_DATA` error with a path: no rows, labels and features of different lengths, non-finite
 * labels, class indices out of range, negative or non-finite weights, an all-zero weight vector, a
 * single class, or a task the learner does not support.
 *
 * Learners call this first so that bad input never produces a silent NaN model.
 */
export const checkTrainingSet = (
  data: TrainingSet,
  options: CheckTrainingSetOptions,
): CheckedTrainingSet => {
  const { learner } = options
  const n = data.X.numRows
  const task: Task = data.task
  if (options.capabilities && !options.capabilities.tasks.includes(task)) {
    throw invalid(
      `${learner} does not support ${task} tasks (supports ${options.capabilities.tasks.join(', ')})`,
      ['task'],
    )
  }
  if (data.y.length !== n) {
    throw invalid(`${learner}: ${data.y.length} labels for ${n} feature rows`, ['y'])
  }
  if (data.weight && data.weight.length !== n) {
    throw invalid(`${learner}: ${data.weight.length} weights for ${n} rows`, ['weight'])
  }
  if (n === 0 && !options.allowEmpty) throw invalid(`${learner}: the training set has no rows`)
  if (data.X.numColumns === 0) throw invalid(`${learner}: the training set has no feature columns`)
  const classes = task === 'regression' ? undefined : classNames(data, learner)
  const k = classes ? classes.length : 1
  const weight = data.weight ?? new Float64Array(n).fill(1)
  const classWeightSums = new Float64Array(classes ? k : 0)
  let weightSum = 0
  for (let i = 0; i < n; i++) {
    const w = weight[i]!
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw invalid(`${learner}: weight at row ${i} is ${w}; weights must be finite and ≥ 0`, [
        'weight',
        i,
      ])
    }
    const y = data.y[i]!
    if (!Number.isFinite(y)) {
      throw invalid(`${learner}: label at row ${i} is ${y}; labels must be finite`, ['y', i])
    }
    if (classes) {
      if (!Number.isInteger(y) || y < 0 || y >= k) {
        throw invalid(`${learner}: label at row ${i} is ${y}, not a class index in 0..${k - 1}`, [
          'y',
          i,
        ])
      }
      classWeightSums[y] = classWeightSums[y]! + w
    }
    weightSum += w
  }
  if (n > 0 && !(weightSum > 0))
    throw invalid(`${learner}: all sample weights are zero`, ['weight'])
  if (classes && n > 0 && options.requireTwoClasses !== false) {
    const present = classWeightSums.reduce((c, s) => c + (s > 0 ? 1 : 0), 0)
    if (present < 2) {
      throw invalid(
        `${learner}: the training labels contain a single class ("${classes[classWeightSums.findIndex((s) => s > 0)] ?? '?'}"); a classifier needs at least two`,
        ['y'],
      )
    }
  }
  return { n, numClasses: k, classes, weight, weightSum, classWeightSums }
}

/**
 * The rows of a training set at `indices` (repeats allowed, e.g. a bootstrap sample), as a new
 * training set sharing class names and task. Weights are carried along when present.
 */
export const subsetTrainingSet = (data: TrainingSet, indices: ArrayLike<number>): TrainingSet => {
  const m = indices.length
  const y = new Float64Array(m)
  for (let i = 0; i < m; i++) y[i] = data.y[indices[i]!]!
  let weight: Float64Array | undefined
  if (data.weight) {
    weight = new Float64Array(m)
    for (let i = 0; i < m; i++) weight[i] = data.weight[indices[i]!]!
  }
  return {
    X: data.X.take(indices),
    y,
    task: data.task,
    ...(data.classes ? { classes: data.classes } : {}),
    ...(weight ? { weight } : {}),
  }
}
