import { KeelError } from '../errors/index.js'
import type { Rng } from '../random/index.js'
import type { FitProgress, FittedModel, Learner, TrainingSet } from '../learners/protocol.js'
import type { CvFold, CvSplitter } from './splitters.js'
import type { CvScorer } from './scorers.js'
import { subsetTrainingSet } from '../learners/shared/training-set.js'

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  readonly splitter: CvSplitter
  /** One scorer (reported as `score`) or several by name. */
  readonly scoring: CvScorer | Readonly<Record<string, CvScorer>>
  /** Splits use `rng.fork('split')`, the fit of fold i uses `rng.fork('fold-i')`. */
  readonly rng: Rng
  /** Group key per row, for group splitters. */
  readonly groups?: ArrayLike<number | string>
  /** Time per row, for time-series splitters. */
  readonly time?: Float64Array
  /** Keep the fitted fold models in the result (default false). */
  readonly returnModels?: boolean
  readonly signal?: AbortSignal
  readonly onProgress?: (p: FitProgress) => void
}

/** One fold's outcome. */
export interface CvFoldResult {
  readonly trainSize: number
  readonly testSize: number
  readonly scores: Readonly<Record<string, number>>
}

/** What {@link crossValidate} returns. */
export interface CrossValidationResult {
  readonly folds: readonly CvFoldResult[]
  /** Per scorer, one score per fold. */
  readonly scores: Readonly<Record<string, number[]>>
  readonly mean: Readonly<Record<string, number>>
  /** Sample standard deviation across folds (0 with one fold). */
  readonly std: Readonly<Record<string, number>>
  /**
   * Out-of-fold predictions, n × `width` row-major: class probabilities (classification) or
   * predicted values (regression) from the model that did not see the row. Rows that were in no
   * test fold (time-series splits) hold NaN and have `covered[i] = 0`.
   */
  readonly oof: Float64Array
  readonly width: number
  readonly covered: Uint8Array
  readonly models?: readonly FittedModel[]
}

/** The predictions a scorer sees: probabilities for classification, values for regression. */
export const scoringPredictions = (model: FittedModel, X: TrainingSet['X']): Float64Array =>
  model.task === 'regression' ? model.predict(X) : model.predictProba(X)

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length
const std = (v: readonly number[]): number => {
  if (v.length < 2) return 0
  const m = mean(v)
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))
}

/** Split `data` with a splitter, validating the inputs the splitter needs. */
export const splitTrainingSet = (
  data: TrainingSet,
  splitter: CvSplitter,
  rng: Rng,
  extra: { groups?: ArrayLike<number | string> | undefined; time?: Float64Array | undefined } = {},
): CvFold[] => {
  if (splitter.kind === 'stratified-k-fold' && data.task === 'regression') {
    throw new KeelError('INVALID_ARGUMENT', 'stratified k-fold needs a classification task')
  }
  return splitter.split(
    { n: data.X.numRows, y: data.y, groups: extra.groups, time: extra.time },
    rng.fork('split'),
  )
}

/**
 * Estimate how a learner generalizes: fit it on each fold's training rows, score it on the fold's
 * test rows, and collect the out-of-fold predictions (for stacking, calibration or error
 * analysis). Deterministic given `rng`; the learner and the data are never modified.
 *
 * @example
 * const cv = crossValidate(logisticRegression(), data, {
 *   splitter: stratifiedKFoldSplitter({ k: 5 }),
 *   scoring: { accuracy: cvAccuracy },
 *   rng: createRng(7),
 * })
 * cv.mean.accuracy
 */
export const crossValidate = (
  learner: Learner,
  data: TrainingSet,
  options: CrossValidateOptions,
): CrossValidationResult => {
  const scorers: Record<string, CvScorer> =
    typeof options.scoring === 'function' ? { score: options.scoring } : { ...options.scoring }
  const folds = splitTrainingSet(data, options.splitter, options.rng, options)
  const n = data.X.numRows
  const width = data.task === 'regression' ? 1 : (data.classes?.length ?? 2)
  const oof = new Float64Array(n * width).fill(NaN)
  const covered = new Uint8Array(n)
  const results: CvFoldResult[] = []
  const models: FittedModel[] = []
  const scores: Record<string, number[]> = Object.fromEntries(
    Object.keys(scorers).map((k) => [k, []]),
  )
  folds.forEach((fold, f) => {
    if (options.signal?.aborted) throw new KeelError('CANCELLED', 'cross-validation was cancelled')
    const model = learner.fit(subsetTrainingSet(data, fold.train), {
      rng: options.rng.fork(`fold-${f}`),
      ...(options.signal ? { signal: options.signal } : {}),
    })
    const test = subsetTrainingSet(data, fold.test)
    const pred = scoringPredictions(model, test.X)
    fold.test.forEach((row, t) => {
      covered[row] = 1
      for (let c = 0; c < width; c++) oof[row * width + c] = pred[t * width + c]!
    })
    const foldScores: Record<string, number> = {}
    for (const [name, score] of Object.entries(scorers)) {
      const s = score(test.y, pred, data.task, test.weight)
      foldScores[name] = s
      scores[name]!.push(s)
    }
    results.push({ trainSize: fold.train.length, testSize: fold.test.length, scores: foldScores })
    if (options.returnModels) models.push(model)
    options.onProgress?.({ done: f + 1, total: folds.length, message: `fold ${f + 1}` })
  })
  return {
    folds: results,
    scores,
    mean: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, mean(v)])),
    std: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, std(v)])),
    oof,
    width,
    covered,
    ...(options.returnModels ? { models } : {}),
  }
}
