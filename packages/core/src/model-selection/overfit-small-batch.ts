import { KeelError } from '../errors/index.js'
import { permutation, type Rng } from '../random/index.js'
import type { Learner, TrainingSet } from '../learners/protocol.js'
import { scoringPredictions } from './cross-validate.js'
import { defaultCvScorer, type CvScorer } from './scorers.js'
import { subsetTrainingSet } from '../learners/shared/training-set.js'

/** Options of {@link overfitSmallBatch}. */
export interface OverfitSmallBatchOptions {
  readonly rng: Rng
  /** Rows in the batch (default 16). */
  readonly size?: number
  /** Default: accuracy for classification, R² for regression. */
  readonly scoring?: CvScorer
  readonly scoringName?: string
  /** Training score that counts as "near-perfect" (default 0.99). */
  readonly target?: number
}

/** What {@link overfitSmallBatch} found. */
export interface OverfitReport {
  readonly size: number
  readonly scoring: string
  readonly score: number
  readonly target: number
  readonly passed: boolean
  /** One sentence for people: what happened and what to look at when it failed. */
  readonly message: string
  /** The rows used (for reproducing the check). */
  readonly rows: Int32Array
}

/**
 * The "overfit one batch" sanity check: fit a handful of rows and score on the same rows. A
 * flexible learner should get them (almost) all right; when it cannot, something upstream is
 * wrong — labels misaligned with features, features constant, regularization or a learning rate
 * that stops the model from learning at all. Classification batches are drawn round-robin across
 * classes so every class is present.
 */
export const overfitSmallBatch = (
  learner: Learner,
  data: TrainingSet,
  options: OverfitSmallBatchOptions,
): OverfitReport => {
  const n = data.X.numRows
  const size = Math.min(options.size ?? 16, n)
  if (size < 2) throw new KeelError('INVALID_DATA', 'overfitSmallBatch needs at least 2 rows')
  const order = permutation(options.rng.fork('batch'), n)
  let rows: number[]
  if (data.task === 'regression') {
    rows = Array.from(order.subarray(0, size))
  } else {
    const byClass = new Map<number, number[]>()
    for (const i of order) {
      const c = data.y[i]!
      if (!byClass.has(c)) byClass.set(c, [])
      byClass.get(c)!.push(i)
    }
    const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, q]) => q)
    rows = []
    for (let r = 0; rows.length < size; r++) {
      for (const q of queues) if (r < q.length && rows.length < size) rows.push(q[r]!)
    }
  }
  const idx = Int32Array.from(rows).sort()
  const batch = subsetTrainingSet(data, idx)
  const fallback = defaultCvScorer(data.task)
  const score = options.scoring ?? fallback.score
  const scoring = options.scoringName ?? (options.scoring ? 'score' : fallback.name)
  const target = options.target ?? 0.99
  const model = learner.fit(batch, { rng: options.rng.fork('fit') })
  const s = score(batch.y, scoringPredictions(model, batch.X), data.task, batch.weight)
  const passed = s >= target
  const message = passed
    ? `${learner.kind} fits ${size} training rows to ${scoring} ${s.toFixed(3)} (target ${target})`
    : `${learner.kind} cannot fit ${size} training rows: ${scoring} ${s.toFixed(3)} < ${target}. Check that labels line up with features, that features vary, and that regularization or the learning rate lets the model learn`
  return { size, scoring, score: s, target, passed, message, rows: idx }
}
