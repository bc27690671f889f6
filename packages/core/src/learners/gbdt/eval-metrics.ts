import type { Task } from '../protocol.js'
import { sigmoid } from './loss/logistic.js'
import { softmaxInto } from './loss/softmax.js'
import type { GbdtParams } from './params.js'

/** A validation metric early stopping watches. */
export type EvalMetric = NonNullable<GbdtParams['earlyStoppingMetric']>

/** The metric used when none is chosen. */
export const defaultMetric = (task: Task): EvalMetric =>
  task === 'binary' ? 'logloss' : task === 'multiclass' ? 'mlogloss' : 'rmse'

/** True when larger is better. */
export const maximize = (m: EvalMetric): boolean => m === 'auc'

const METRIC_TASK: Record<EvalMetric, Task> = {
  logloss: 'binary',
  auc: 'binary',
  error: 'binary',
  mlogloss: 'multiclass',
  merror: 'multiclass',
  rmse: 'regression',
  mae: 'regression',
}

/** The task a metric applies to. */
export const metricTask = (m: EvalMetric): Task => METRIC_TASK[m]

const EPS = 1e-15

/**
 * Weighted ROC AUC of scores for labels 0/1, ties counted as half (the Mann–Whitney statistic).
 * Returns 0.5 when one class has no weight.
 */
export const rocAuc = (
  score: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number> | undefined,
): number => {
  const n = y.length
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => score[a]! - score[b]!)
  let negBelow = 0
  let area = 0
  let pos = 0
  let neg = 0
  for (let k = 0; k < n;) {
    let j = k
    let gp = 0
    let gn = 0
    while (j < n && score[order[j]!] === score[order[k]!]) {
      const i = order[j]!
      const wi = w === undefined ? 1 : w[i]!
      if (y[i]! > 0.5) gp += wi
      else gn += wi
      j++
    }
    area += gp * (negBelow + gn / 2)
    negBelow += gn
    pos += gp
    neg += gn
    k = j
  }
  return pos > 0 && neg > 0 ? area / (pos * neg) : 0.5
}

/**
 * A validation metric from raw scores (row-major n × K). Kept local to the learner so early
 * stopping has no dependency on the evaluation package; all are weighted by `w` when given.
 */
export const evalMetric = (
  metric: EvalMetric,
  raw: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  K: number,
): number => {
  const n = y.length
  if (metric === 'auc') {
    return rocAuc(raw, y, w)
  }
  let s = 0
  let sw = 0
  const p = metric === 'mlogloss' || metric === 'merror' ? new Float64Array(K) : undefined
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i]!
    const yi = y[i]!
    let loss: number
    switch (metric) {
      case 'logloss': {
        const q = Math.min(1 - EPS, Math.max(EPS, sigmoid(raw[i]!)))
        loss = yi > 0.5 ? -Math.log(q) : -Math.log(1 - q)
        break
      }
      case 'error':
        loss = raw[i]! > 0 !== yi > 0.5 ? 1 : 0
        break
      case 'mlogloss':
        softmaxInto(raw, i * K, K, p!)
        loss = -Math.log(Math.max(EPS, p![yi]!))
        break
      case 'merror': {
        let best = 0
        for (let c = 1; c < K; c++) if (raw[i * K + c]! > raw[i * K + best]!) best = c
        loss = best === yi ? 0 : 1
        break
      }
      case 'rmse':
        loss = (raw[i]! - yi) ** 2
        break
      case 'mae':
        loss = Math.abs(raw[i]! - yi)
        break
    }
    s += wi * loss
    sw += wi
  }
  const mean = s / sw
  return metric === 'rmse' ? Math.sqrt(mean) : mean
}
