import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import { createRng, permutation, type Rng } from '../random/index.js'
import { categoryValues } from './profile.js'

/** A dense row-major matrix of features. */
export interface DesignMatrix {
  readonly rows: number
  readonly cols: number
  /** `rows * cols` values, row-major. No NaN. */
  readonly data: Float64Array
}

/**
 * A binary classifier for adversarial validation: fit on `trainX` with labels `trainY`
 * (1 = current, 0 = reference) and return a score per row of `testX` (higher = more likely
 * current). Any learner fits — inject a GBDT for interactions; the default is linear.
 */
export type DriftClassifier = (
  trainX: DesignMatrix,
  trainY: Uint8Array,
  testX: DesignMatrix,
  rng: Rng,
) => Float64Array

/** Options of {@link adversarialValidation}. */
export interface AdversarialOptions {
  /** Cross-validation folds (stratified). Default 5. */
  readonly folds?: number
  /** Seed for subsampling and fold assignment. Default 0. */
  readonly seed?: number
  /** Rows sampled per side at most (keeps cost bounded). Default 20,000. */
  readonly maxRowsPerSide?: number
  /** The classifier; default {@link logisticDriftClassifier}. */
  readonly classifier?: DriftClassifier
}

/** Outcome of adversarial validation. */
export interface AdversarialResult {
  /** Mean cross-validated ROC AUC of telling current from reference: 0.5 = indistinguishable. */
  readonly auc: number
  readonly foldAucs: readonly number[]
  readonly rows: { readonly reference: number; readonly current: number }
}

/**
 * ROC AUC by the Mann–Whitney rank statistic, ties sharing their average rank.
 * `labels[i]` is 1 for positives.
 */
export const rocAuc = (scores: ArrayLike<number>, labels: ArrayLike<number>): number => {
  const n = scores.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
  let pos = 0
  let rankSum = 0
  let i = 0
  while (i < n) {
    let j = i
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++
    const avg = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        pos++
        rankSum += avg
      }
    }
    i = j + 1
  }
  const neg = n - pos
  if (pos === 0 || neg === 0) return NaN
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg)
}

/**
 * The default drift classifier: logistic regression on standardized features and their centred
 * squares (so shifts in spread are visible too, not only shifts in mean), fitted by 150 steps of
 * Nesterov-accelerated gradient descent with a small L2 penalty. Deterministic; ignores `rng`.
 */
export const logisticDriftClassifier: DriftClassifier = (trainX, trainY, testX) => {
  const p = trainX.cols
  const n = trainX.rows
  const mean = new Float64Array(p)
  const sd = new Float64Array(p)
  for (let r = 0; r < n; r++) for (let c = 0; c < p; c++) mean[c]! += trainX.data[r * p + c]!
  for (let c = 0; c < p; c++) mean[c]! /= n
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < p; c++) sd[c]! += (trainX.data[r * p + c]! - mean[c]!) ** 2
  }
  for (let c = 0; c < p; c++) sd[c] = Math.sqrt(sd[c]! / n) || 1
  const q = 2 * p + 1 // z, z^2 - 1, intercept
  const expand = (m: DesignMatrix): Float64Array => {
    const out = new Float64Array(m.rows * q)
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < p; c++) {
        const z = Math.max(-8, Math.min(8, (m.data[r * p + c]! - mean[c]!) / sd[c]!))
        out[r * q + c] = z
        out[r * q + p + c] = (z * z - 1) / Math.SQRT2
      }
      out[r * q + 2 * p] = 1
    }
    return out
  }
  const X = expand(trainX)
  const w = new Float64Array(q)
  const v = new Float64Array(q)
  const grad = new Float64Array(q)
  const lambda = 1e-3
  const step = 1 / (0.25 * (q + 1) + lambda)
  for (let it = 0; it < 150; it++) {
    const mom = it / (it + 3)
    const look = Float64Array.from(w, (wi, k) => wi + mom * v[k]!)
    grad.fill(0)
    for (let r = 0; r < n; r++) {
      let s = 0
      for (let k = 0; k < q; k++) s += X[r * q + k]! * look[k]!
      const err = 1 / (1 + Math.exp(-s)) - trainY[r]!
      for (let k = 0; k < q; k++) grad[k]! += err * X[r * q + k]!
    }
    for (let k = 0; k < q; k++) {
      const g = grad[k]! / n + (k < q - 1 ? lambda * look[k]! : 0)
      v[k] = mom * v[k]! - step * g
      w[k]! += v[k]!
    }
  }
  const T = expand(testX)
  const scores = new Float64Array(testX.rows)
  for (let r = 0; r < testX.rows; r++) {
    let s = 0
    for (let k = 0; k < q; k++) s += T[r * q + k]! * w[k]!
    scores[r] = s
  }
  return scores
}

/**
 * Encode the shared features of two frames as design matrices: numeric columns as values (NaN →
 * the reference mean), categorical and text columns as the category's frequency in the
 * reference (unseen → 0), which a classifier can split on without a vocabulary.
 */
export const encodeForAdversarial = (
  reference: Frame,
  current: Frame,
  features: readonly string[],
): [DesignMatrix, DesignMatrix] => {
  const cols = features.length
  const a = new Float64Array(reference.numRows * cols)
  const b = new Float64Array(current.numRows * cols)
  features.forEach((name, c) => {
    const kind = reference.kindOf(name)
    if (kind === 'categorical' || kind === 'text') {
      const ref = categoryValues(reference, name)
      const freq = new Map<string | null, number>()
      for (const v of ref) freq.set(v, (freq.get(v) ?? 0) + 1 / ref.length)
      ref.forEach((v, r) => (a[r * cols + c] = freq.get(v) ?? 0))
      categoryValues(current, name).forEach((v, r) => (b[r * cols + c] = freq.get(v) ?? 0))
      return
    }
    const ra = reference.numeric(name)
    const cb = current.numeric(name)
    let sum = 0
    let k = 0
    for (const v of ra) {
      if (Number.isNaN(v)) continue
      sum += v
      k++
    }
    const fill = k > 0 ? sum / k : 0
    ra.forEach((v, r) => (a[r * cols + c] = Number.isNaN(v) ? fill : v))
    cb.forEach((v, r) => (b[r * cols + c] = Number.isNaN(v) ? fill : v))
  })
  return [
    { rows: reference.numRows, cols, data: a },
    { rows: current.numRows, cols, data: b },
  ]
}

const takeRows = (m: DesignMatrix, idx: ArrayLike<number>): DesignMatrix => {
  const out = new Float64Array(idx.length * m.cols)
  for (let i = 0; i < idx.length; i++) {
    out.set(m.data.subarray(idx[i]! * m.cols, (idx[i]! + 1) * m.cols), i * m.cols)
  }
  return { rows: idx.length, cols: m.cols, data: out }
}

/**
 * Multivariate drift by adversarial validation: label reference rows 0 and current rows 1, train
 * a classifier to tell them apart, and report its stratified, seeded cross-validated ROC AUC.
 * Around 0.5 the two samples are exchangeable; well above (0.6+) the joint distribution moved,
 * even when every univariate test is quiet.
 *
 * @example
 * const { auc } = adversarialValidation(refMatrix, curMatrix, { seed: 7 })
 */
export const adversarialValidation = (
  reference: DesignMatrix,
  current: DesignMatrix,
  options: AdversarialOptions = {},
): AdversarialResult => {
  const folds = options.folds ?? 5
  const maxRows = options.maxRowsPerSide ?? 20_000
  const classifier = options.classifier ?? logisticDriftClassifier
  if (reference.cols !== current.cols) {
    throw new KeelError('INVALID_ARGUMENT', 'reference and current must have the same columns', {
      details: { reference: reference.cols, current: current.cols },
    })
  }
  if (!Number.isInteger(folds) || folds < 2) {
    throw new KeelError('INVALID_ARGUMENT', `folds must be an integer >= 2, got ${folds}`)
  }
  for (const [name, m] of [
    ['reference', reference],
    ['current', current],
  ] as const) {
    if (m.rows < folds) {
      throw new KeelError('INVALID_DATA', `${name} needs at least ${folds} rows (one per fold)`)
    }
    if (m.data.some((v) => !Number.isFinite(v))) {
      throw new KeelError('INVALID_DATA', `${name} contains non-finite values`, { path: [name] })
    }
  }
  const rng = createRng(options.seed ?? 0)
  const sample = (m: DesignMatrix, label: string): DesignMatrix => {
    const perm = permutation(rng.fork(label), m.rows)
    return takeRows(m, perm.subarray(0, Math.min(maxRows, m.rows)))
  }
  const ref = sample(reference, 'reference')
  const cur = sample(current, 'current')
  const rows = ref.rows + cur.rows
  const cols = ref.cols
  const all = new Float64Array(rows * cols)
  all.set(ref.data)
  all.set(cur.data, ref.data.length)
  const labels = new Uint8Array(rows).fill(1, ref.rows)
  const X: DesignMatrix = { rows, cols, data: all }
  // Stratified folds: deal each class's shuffled rows round-robin.
  const fold = new Int32Array(rows)
  const fr = rng.fork('folds')
  permutation(fr, ref.rows).forEach((r, k) => (fold[r] = k % folds))
  permutation(fr, cur.rows).forEach((r, k) => (fold[ref.rows + r] = k % folds))
  const foldAucs: number[] = []
  for (let f = 0; f < folds; f++) {
    const train: number[] = []
    const test: number[] = []
    for (let r = 0; r < rows; r++) (fold[r] === f ? test : train).push(r)
    const scores = classifier(
      takeRows(X, train),
      Uint8Array.from(train, (r) => labels[r]!),
      takeRows(X, test),
      rng.fork(`fold-${f}`),
    )
    if (scores.length !== test.length) {
      throw new KeelError('INVALID_ARGUMENT', 'the classifier must return one score per test row')
    }
    foldAucs.push(
      rocAuc(
        scores,
        Uint8Array.from(test, (r) => labels[r]!),
      ),
    )
  }
  return {
    auc: foldAucs.reduce((s, v) => s + v, 0) / folds,
    foldAucs,
    rows: { reference: ref.rows, current: cur.rows },
  }
}
