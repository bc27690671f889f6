import type { Task } from '../learners/protocol.js'

/**
 * A score for cross-validation: larger is better. `predictions` are the class probabilities
 * (row-major n × K) for classification and the predicted values for regression; `weight` is passed
 * when the data has sample weights. Any function of this shape works — the metrics module provides
 * the full set; the two below are the defaults of the debugging aids.
 */
export type CvScorer = (
  yTrue: Float64Array,
  predictions: Float64Array,
  task: Task,
  weight?: Float64Array,
) => number

/** Weighted accuracy of the most probable class (the first on ties). */
export const cvAccuracy: CvScorer = (yTrue, proba, _task, weight) => {
  const n = yTrue.length
  const k = proba.length / n
  let hit = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c
    const w = weight ? weight[i]! : 1
    if (best === yTrue[i]) hit += w
    total += w
  }
  return hit / total
}

/** Weighted coefficient of determination R² (1 is perfect; 0 is the weighted mean). */
export const cvR2: CvScorer = (yTrue, pred, _task, weight) => {
  const n = yTrue.length
  let sw = 0
  let sy = 0
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i]! : 1
    sw += w
    sy += w * yTrue[i]!
  }
  const mean = sy / sw
  let ssRes = 0
  let ssTot = 0
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i]! : 1
    ssRes += w * (yTrue[i]! - pred[i]!) ** 2
    ssTot += w * (yTrue[i]! - mean) ** 2
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0
  return 1 - ssRes / ssTot
}

/** The default score of a task: accuracy for classification, R² for regression. */
export const defaultCvScorer = (task: Task): { name: string; score: CvScorer } =>
  task === 'regression' ? { name: 'r2', score: cvR2 } : { name: 'accuracy', score: cvAccuracy }
