import { KeelError } from '../errors/index.js'
import {
  checkPredictionSet,
  metricByName,
  positiveScores,
  type MetricDefinition,
  type PredictionSet,
} from '../metrics/index.js'
import {
  bootstrapReplicates,
  intervalFromReplicates,
  resamplePredictionSet,
  type BootstrapOptions,
  type BootstrapResample,
} from './bootstrap.js'
import { delongTest } from './delong.js'

/**
 * Paired comparison of two models scored on the same rows (a candidate against the champion, a
 * model against a baseline). Pairing matters: both models see the same hard and easy rows, so the
 * difference is far less noisy than the two separate intervals suggest.
 */

/** The comparison of model A with model B on one metric, as plain data. */
export interface PairedComparison {
  readonly metric: string
  readonly higherIsBetter: boolean
  readonly method: 'delong' | 'paired-bootstrap'
  readonly a: number
  readonly b: number
  /** `a − b` in the metric's own direction (for log loss, negative means A is better). */
  readonly difference: number
  /** Interval for the difference at `level`. */
  readonly lower: number
  readonly upper: number
  readonly level: number
  /**
   * Two-sided p-value for "no difference". DeLong: normal theory. Bootstrap: from the share of
   * resampled differences on either side of 0, `2·min(#≤0, #≥0)+1 / (B+1)` (so never below
   * ~2/B: use more resamples for small p-values).
   */
  readonly pValue: number
  /** Resamples used (bootstrap only). */
  readonly resamples?: number
  /**
   * Set when the interval had to be made another way or cannot show the uncertainty (a zero-width
   * DeLong interval at an AUC of 1, a bootstrap with only a few distinct differences).
   */
  readonly note?: string
}

/** Options for {@link compareModels}. */
export interface CompareOptions extends BootstrapOptions {
  /**
   * `'auto'` (default): DeLong for unweighted binary ROC-AUC, the paired bootstrap otherwise;
   * `'delong'` insists (error if it does not apply); `'bootstrap'` always resamples.
   */
  readonly test?: 'auto' | 'delong' | 'bootstrap'
}

const sameRows = (a: PredictionSet, b: PredictionSet): void => {
  const n = a.y.length
  let same = b.y.length === n && a.task === b.task
  for (let i = 0; same && i < n; i++) same = a.y[i] === b.y[i]
  if (same && (a.weight || b.weight)) {
    for (let i = 0; same && i < n; i++) same = (a.weight?.[i] ?? 1) === (b.weight?.[i] ?? 1)
  }
  if (!same) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'a paired comparison needs both prediction sets on the same rows (same task, targets and weights)',
    )
  }
}

/**
 * Compare two models' metric on the same rows: DeLong's test for binary ROC-AUC, a paired bootstrap
 * (the same resampled rows for both models in each resample) for any other metric.
 *
 * @example
 * const c = compareModels('auc', candidate, champion, { rng: createRng(7) })
 * if (c.lower > 0) console.log('the candidate is better')
 */
export const compareModels = (
  metric: string | MetricDefinition,
  a: PredictionSet,
  b: PredictionSet,
  options: CompareOptions,
): PairedComparison => {
  const def = typeof metric === 'string' ? metricByName(metric) : metric
  checkPredictionSet(a)
  checkPredictionSet(b)
  sameRows(a, b)
  const level = options.level ?? 0.95
  const delongApplies = def.name === 'roc_auc' && a.task === 'binary' && !a.weight
  const test = options.test ?? 'auto'
  if (test === 'delong' && !delongApplies) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      "DeLong's test applies to unweighted binary ROC-AUC only",
    )
  }
  if (delongApplies && test !== 'bootstrap') {
    const d = delongTest(a.y, positiveScores(a), positiveScores(b), level)
    return {
      metric: def.name,
      higherIsBetter: true,
      method: 'delong',
      a: d.aucA,
      b: d.aucB,
      difference: d.difference,
      lower: d.lower,
      upper: d.upper,
      level,
      pValue: d.pValue,
    }
  }
  const scheme =
    options.clusters || options.strata || a.task !== 'ranking' || !a.group
      ? options
      : { ...options, clusters: a.group }
  const statistic = (r: BootstrapResample): number =>
    def.compute(resamplePredictionSet(a, r)) - def.compute(resamplePredictionSet(b, r))
  const replicates = bootstrapReplicates(a.y.length, statistic, scheme)
  const ci = intervalFromReplicates(replicates, a.y.length, statistic, scheme)
  let le = 0
  let ge = 0
  for (const d of replicates.values) {
    if (d <= 0) le++
    if (d >= 0) ge++
  }
  const B = replicates.values.length
  return {
    metric: def.name,
    higherIsBetter: def.higherIsBetter,
    method: 'paired-bootstrap',
    a: def.compute(a),
    b: def.compute(b),
    difference: ci.estimate,
    lower: ci.lower,
    upper: ci.upper,
    level: ci.level,
    pValue: Math.min(1, (2 * Math.min(le, ge) + 1) / (B + 1)),
    resamples: ci.resamples,
  }
}
