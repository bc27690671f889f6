import type { Task } from '../protocol.js'

/** The logistic function, written so that neither branch overflows. */
export const sigmoid = (m: number): number => {
  if (m >= 0) return 1 / (1 + Math.exp(-m))
  const e = Math.exp(m)
  return e / (1 + e)
}

/** Smallest probability a logit is taken of, so that a 0/1 probability gives a finite raw score. */
const P_MIN = 1e-15

/**
 * Class probabilities (n × K, K = 2 for binary) from raw scores as the protocol defines them:
 * a logit per row for binary, one score per class for multiclass (softmax). Regression has no
 * probabilities; callers do not ask for them.
 */
export const probaFromRaw = (raw: Float64Array, task: Task, k: number): Float64Array => {
  if (task === 'binary') {
    const n = raw.length
    const out = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]!)
      out[2 * i] = 1 - p
      out[2 * i + 1] = p
    }
    return out
  }
  const n = raw.length / k
  const out = new Float64Array(raw.length)
  for (let i = 0; i < n; i++) {
    let max = -Infinity
    for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c]!)
    let sum = 0
    for (let c = 0; c < k; c++) {
      const e = Math.exp(raw[i * k + c]! - max)
      out[i * k + c] = e
      sum += e
    }
    for (let c = 0; c < k; c++) out[i * k + c] = out[i * k + c]! / sum
  }
  return out
}

/**
 * Raw scores from probabilities, for models whose natural output is a probability (kNN, naive
 * Bayes, baselines, ensembles): the clipped logit of the positive class for binary, clipped log
 * probabilities for multiclass. Clipping at 1e-15 keeps scores finite for probabilities of 0 or 1.
 */
export const rawFromProba = (proba: Float64Array, task: Task): Float64Array => {
  const clip = (p: number): number => Math.min(1 - P_MIN, Math.max(P_MIN, p))
  if (task === 'binary') {
    const n = proba.length / 2
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const p = clip(proba[2 * i + 1]!)
      out[i] = Math.log(p / (1 - p))
    }
    return out
  }
  const out = new Float64Array(proba.length)
  for (let i = 0; i < proba.length; i++) out[i] = Math.log(clip(proba[i]!))
  return out
}

/** The index of the largest probability per row (the first one on ties). */
export const argmaxRows = (proba: Float64Array, k: number): Float64Array => {
  const n = proba.length / k
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestP = proba[i * k]!
    for (let c = 1; c < k; c++) {
      const p = proba[i * k + c]!
      if (p > bestP) {
        bestP = p
        best = c
      }
    }
    out[i] = best
  }
  return out
}
