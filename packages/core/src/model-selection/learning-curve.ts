import { KeelError, isKeelError } from '../errors/index.js'
import { permutation, type Rng } from '../random/index.js'
import type { Learner, TrainingSet } from '../learners/protocol.js'
import { scoringPredictions, splitTrainingSet } from './cross-validate.js'
import { defaultCvScorer, type CvScorer } from './scorers.js'
import type { CvSplitter } from './splitters.js'
import { subsetTrainingSet } from '../learners/shared/training-set.js'

/** Options of {@link learningCurve}. */
export interface LearningCurveOptions {
  readonly splitter: CvSplitter
  readonly rng: Rng
  /**
   * Training-set sizes: fractions in (0, 1] of each fold's training rows, or absolute row counts
   * (integers > 1). Default: 10%, 32.5%, 55%, 77.5%, 100%.
   */
  readonly sizes?: readonly number[]
  /** Default: accuracy for classification, R² for regression. */
  readonly scoring?: CvScorer
  readonly groups?: ArrayLike<number | string>
  readonly time?: Float64Array
}

/** Scores at one training-set size across folds. */
export interface LearningCurvePoint {
  /** Training rows used (the smallest across folds when fractions give different counts). */
  readonly size: number
  readonly train: { readonly mean: number; readonly std: number; readonly folds: number[] }
  readonly test: { readonly mean: number; readonly std: number; readonly folds: number[] }
}

const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length
  const s = v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))
  return { mean: m, std: s, folds: v }
}

/**
 * Score versus training-set size, on training and held-out rows: does more data help (test score
 * still rising: get more data) or not (train and test converged: a better model or features)?
 * For each fold the subsets are nested: a seeded shuffle of the fold's training rows, or the most
 * recent rows for time-ordered splitters.
 */
export const learningCurve = (
  learner: Learner,
  data: TrainingSet,
  options: LearningCurveOptions,
): LearningCurvePoint[] => {
  const sizes = options.sizes ?? [0.1, 0.325, 0.55, 0.775, 1]
  for (const s of sizes) {
    if (!(s > 0) || (s > 1 && !Number.isInteger(s))) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `a learning-curve size must be a fraction in (0, 1] or a row count, got ${s}`,
      )
    }
  }
  const score = options.scoring ?? defaultCvScorer(data.task).score
  const folds = splitTrainingSet(data, options.splitter, options.rng, options)
  const orders = folds.map((fold, f) =>
    options.splitter.ordered
      ? Int32Array.from(fold.train).reverse()
      : Int32Array.from(
          permutation(options.rng.fork(`order-${f}`), fold.train.length),
          (i) => fold.train[i]!,
        ),
  )
  return sizes.map((s, si) => {
    const train: number[] = []
    const test: number[] = []
    let used = Infinity
    folds.forEach((fold, f) => {
      const m =
        s <= 1 ? Math.max(1, Math.round(s * fold.train.length)) : Math.min(s, fold.train.length)
      used = Math.min(used, m)
      const rows = Int32Array.from(orders[f]!.subarray(0, m)).sort()
      const sub = subsetTrainingSet(data, rows)
      let model
      try {
        model = learner.fit(sub, { rng: options.rng.fork(`fold-${f}-size-${si}`) })
      } catch (e) {
        if (!isKeelError(e)) throw e
        throw new KeelError(
          'INVALID_DATA',
          `learning curve at ${m} rows (fold ${f}): ${e.message}`,
          {
            cause: e,
            hint: 'use larger sizes, or a stratified splitter so small subsets keep every class',
          },
        )
      }
      train.push(score(sub.y, scoringPredictions(model, sub.X), data.task, sub.weight))
      const held = subsetTrainingSet(data, fold.test)
      test.push(score(held.y, scoringPredictions(model, held.X), data.task, held.weight))
    })
    return { size: used, train: stats(train), test: stats(test) }
  })
}
