import { computeMetric, isUndefinedMetricError } from '../../metrics/index.js'
import type { FittedModel, Task } from '../../learners/index.js'
import type { Frame } from '../../frame/index.js'

/** Default metrics per task; the first is the primary metric unless the config names one. */
export const DEFAULT_METRICS: Readonly<Record<Task, readonly string[]>> = {
  binary: ['roc_auc', 'log_loss', 'average_precision', 'brier', 'accuracy', 'f1'],
  multiclass: ['accuracy', 'log_loss', 'f1_macro', 'balanced_accuracy'],
  regression: ['rmse', 'mae', 'r2'],
}

/** Model outputs on one split, kept for evaluation and reports. */
export interface SplitPredictions {
  readonly y: Float64Array
  readonly proba: Float64Array | undefined
  readonly pred: Float64Array
  readonly numClasses: number
}

/** Predict a fitted model on `X`. */
export const predictSplit = (
  model: FittedModel,
  X: Frame,
  y: Float64Array,
  task: Task,
  numClasses: number,
): SplitPredictions => {
  if (task === 'regression') return { y, proba: undefined, pred: model.predict(X), numClasses: 0 }
  const proba = model.predictProba(X)
  const pred = new Float64Array(X.numRows)
  for (let i = 0; i < X.numRows; i++) {
    let best = 0
    for (let k = 1; k < numClasses; k++)
      if (proba[i * numClasses + k]! > proba[i * numClasses + best]!) best = k
    pred[i] = best
  }
  return { y, proba, pred, numClasses }
}

/**
 * Metrics by name on one split. A metric that has no value on this data (e.g. AUC with one class
 * present) is reported as `null` rather than failing the whole evaluation.
 */
export const scoreSplit = (
  p: SplitPredictions,
  task: Task,
  metrics: readonly string[],
): Record<string, number | null> => {
  const out: Record<string, number | null> = {}
  for (const name of metrics) {
    try {
      out[name] = computeMetric(name, {
        task,
        y: p.y,
        pred: p.pred,
        ...(p.proba ? { proba: p.proba, numClasses: p.numClasses } : {}),
      })
    } catch (e) {
      if (isUndefinedMetricError(e)) out[name] = null
      else throw e
    }
  }
  return out
}
