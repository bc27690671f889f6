import { KeelError } from '../errors/index.js'

/**
 * Per-prediction confidence and the "defer below a threshold" rule (the book's confidence
 * measurement): a usefulness threshold per instance, below which a prediction is withheld, sent to
 * a person or answered with a question, rather than a system-level average.
 */

/** How confidence is read off a probability row. */
export type ConfidenceKind = 'max' | 'margin' | 'entropy'

/**
 * Confidence per row of a row-major n×K probability matrix:
 * - `'max'`: the largest class probability;
 * - `'margin'`: largest minus second largest (small when two classes compete);
 * - `'entropy'`: 1 − H(p)/log K, so 1 is certain and 0 is uniform.
 */
export const predictionConfidence = (
  proba: ArrayLike<number>,
  numClasses: number,
  kind: ConfidenceKind = 'max',
): Float64Array => {
  const k = numClasses
  if (!(Number.isInteger(k) && k >= 2) || proba.length % k !== 0) {
    throw new KeelError('INVALID_ARGUMENT', `proba of length ${proba.length} is not n×${k}`)
  }
  const n = proba.length / k
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let first = -Infinity
    let second = -Infinity
    let h = 0
    for (let c = 0; c < k; c++) {
      const p = proba[i * k + c]!
      if (p > first) {
        second = first
        first = p
      } else if (p > second) second = p
      if (p > 0) h -= p * Math.log(p)
    }
    out[i] = kind === 'max' ? first : kind === 'margin' ? first - second : 1 - h / Math.log(k)
  }
  return out
}

/** 1 where the prediction should be deferred (confidence strictly below `threshold`), else 0. */
export const deferBelow = (confidence: ArrayLike<number>, threshold: number): Uint8Array =>
  Uint8Array.from(confidence, (c) => (c < threshold ? 1 : 0))

/** What deferring below a threshold does to coverage and accuracy, as plain data. */
export interface DeferralSummary {
  readonly threshold: number
  /** Share of rows answered automatically. */
  readonly coverage: number
  readonly deferred: number
  readonly answered: number
  /** Accuracy on the answered rows (NaN-free: 0 answered rows gives `null`). */
  readonly accuracyAnswered: number | null
  readonly accuracyAll: number
}

/**
 * Coverage and accuracy when predictions (arg-max class) with confidence below `threshold` are
 * deferred. `y` holds class indices; `proba` is row-major n×K.
 */
export const deferralSummary = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  threshold: number,
  kind: ConfidenceKind = 'max',
): DeferralSummary => {
  const n = y.length
  if (n === 0) throw new KeelError('INVALID_DATA', 'no rows')
  const k = proba.length / n
  const conf = predictionConfidence(proba, k, kind)
  let answered = 0
  let rightAnswered = 0
  let right = 0
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c
    const ok = best === y[i] ? 1 : 0
    right += ok
    if (conf[i]! >= threshold) {
      answered++
      rightAnswered += ok
    }
  }
  return {
    threshold,
    coverage: answered / n,
    deferred: n - answered,
    answered,
    accuracyAnswered: answered === 0 ? null : rightAnswered / answered,
    accuracyAll: right / n,
  }
}

/**
 * The risk–coverage trade-off: for each distinct confidence (high to low), the coverage and the
 * accuracy of the rows at or above it. Pick the defer threshold where accuracy meets the product's
 * bar with acceptable coverage.
 */
export const coverageCurve = (
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  kind: ConfidenceKind = 'max',
): { threshold: number[]; coverage: number[]; accuracy: number[] } => {
  const n = y.length
  if (n === 0) throw new KeelError('INVALID_DATA', 'no rows')
  const k = proba.length / n
  const conf = predictionConfidence(proba, k, kind)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => conf[b]! - conf[a]!)
  const threshold: number[] = []
  const coverage: number[] = []
  const accuracy: number[] = []
  let right = 0
  for (let r = 0; r < n; r++) {
    const i = order[r]!
    let best = 0
    for (let c = 1; c < k; c++) if (proba[i * k + c]! > proba[i * k + best]!) best = c
    if (best === y[i]) right++
    if (r === n - 1 || conf[order[r + 1]!] !== conf[i]) {
      threshold.push(conf[i]!)
      coverage.push((r + 1) / n)
      accuracy.push(right / (r + 1))
    }
  }
  return { threshold, coverage, accuracy }
}
