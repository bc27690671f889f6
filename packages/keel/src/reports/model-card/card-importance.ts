import {
  KeelError,
  bundleFramePredictor,
  isUndefinedMetricError,
  permutationImportance,
  type ModelBundle,
  type Rng,
  type EvaluationSplit,
  bundleInputs,
} from '@keel/core'
import { importanceFromPermutation, type ImportanceItem } from './model-card.js'

/**
 * Rows permutation importance reads (a seeded sample of the test split): enough for a stable
 * ranking on a model card, and a bounded cost on any test split (features × repeats predictions).
 */
const MAX_ROWS = 10_000
const REPEATS = 3

/**
 * Permutation importance of a bundle's raw inputs on the test split, through the bundle as it
 * serves (pipeline, model, post-processing), measured with `metric`: the card's importance
 * section. Null when the metric has no value on the sample (e.g. one class only).
 */
export const cardImportance = (
  bundle: ModelBundle,
  test: EvaluationSplit,
  metric: string,
  rng: Rng,
): ImportanceItem[] | null => {
  try {
    const report = permutationImportance({
      predict: bundleFramePredictor(bundle),
      frame: bundleInputs(bundle, test.frame),
      y: test.y,
      task: bundle.task,
      metric,
      ...(bundle.label.classes ? { numClasses: bundle.label.classes.length } : {}),
      rng,
      repeats: REPEATS,
      maxRows: MAX_ROWS,
    })
    return importanceFromPermutation(report)
  } catch (e) {
    if (isUndefinedMetricError(e) || (e instanceof KeelError && e.code === 'INVALID_DATA'))
      return null
    throw e
  }
}
