import type { Task } from '../learners/index.js'

/** What a metric scores: a learner task, or ranking (relevance grades grouped by query). */
export type MetricTask = Task | 'ranking'

/**
 * The predictions and targets of one evaluation, as flat typed arrays. This is what the metric
 * catalogue, bootstrap intervals, slices and gates consume, so one object can be scored by any metric
 * that fits its task.
 *
 * - classification: `y` holds class indices `0..K-1`; `proba` is row-major n×K (column 1 is the
 *   positive class when K = 2); `pred` holds predicted class indices (derived as the arg-max of
 *   `proba` when absent);
 * - regression: `y` and `pred` are values;
 * - ranking: `y` is the relevance grade (0 = not relevant), `pred` the model's score and `group` the
 *   query each row belongs to.
 */
export interface PredictionSet {
  readonly task: MetricTask
  readonly y: Float64Array
  readonly pred?: Float64Array
  readonly proba?: Float64Array
  /** Number of classes K; inferred from `proba` (or from the largest index seen) when absent. */
  readonly numClasses?: number
  /** Non-negative sample weights; absent means every row weighs 1. */
  readonly weight?: Float64Array
  /** Query id per row, for ranking. */
  readonly group?: ArrayLike<number>
}

/** Options shared by the classification metrics. */
export interface ClassificationOptions {
  readonly weight?: Float64Array
  /**
   * The classes that count, as indices. Default: every class present in `y` or `pred`, sorted, as
   * scikit-learn infers its `labels`.
   */
  readonly labels?: readonly number[]
}

/** How per-class precision / recall / F1 combine into one number (scikit-learn's `average`). */
export type AveragingMethod = 'binary' | 'macro' | 'micro' | 'weighted'

/**
 * A curve as plain data (arrays, not typed arrays, so it serialises to JSON unchanged).
 * `thresholds[i]` produced the point `(x[i], y[i])`; a row is predicted positive when its score is
 * `>= thresholds[i]`.
 */
export interface RocCurve {
  readonly fpr: number[]
  readonly tpr: number[]
  /**
   * Decreasing. The first entry is `max(score) + 1` (no row predicted positive): scikit-learn 1.2's
   * convention; 1.3+ uses `inf`, which JSON cannot carry.
   */
  readonly thresholds: number[]
}

/** A precision–recall curve; see {@link precisionRecallCurve} for the conventions. */
export interface PrecisionRecallCurve {
  readonly precision: number[]
  readonly recall: number[]
  /** Increasing; one fewer than `precision` and `recall` (the last point has no threshold). */
  readonly thresholds: number[]
}

/** One query's items for the ranking metrics: a relevance grade and a model score per item. */
export interface RankingQuery {
  /** Graded relevance (0 = not relevant); binary metrics treat any grade > 0 as relevant. */
  readonly relevance: ArrayLike<number>
  readonly scores: ArrayLike<number>
}
