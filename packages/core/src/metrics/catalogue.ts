import {
  averagePrecisionOvrScore,
  averagePrecisionScore,
  rocAucOvrScore,
  rocAucResampler,
  rocAucScore,
} from './auc.js'
import {
  accuracyScore,
  balancedAccuracyScore,
  cohenKappaScore,
  f1Score,
  matthewsCorrcoef,
  precisionScore,
  recallScore,
  type PrecisionRecallOptions,
} from './classification.js'
import {
  classCountOf,
  positiveScores,
  predictedClasses,
  predictedValues,
  probabilities,
} from './prediction-set.js'
import { brierScore, logLoss, multiclassBrierScore } from './probabilistic.js'
import {
  meanAveragePrecision,
  meanReciprocalRank,
  ndcgScore,
  precisionAtK,
  rankingQueriesFromGroups,
} from './ranking.js'
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanPinballLoss,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js'
import type { MetricTask, PredictionSet } from './types.js'
import { badArgument, matrixWidth } from './validate.js'

/**
 * One entry of the metric catalogue: the function plus what a config, a report or a gate needs to
 * know about it. Look entries up with `metricByName('auc')`, `metricByName('ndcg@10')`,
 * `metricByName('pinball@0.9')`.
 */
export interface MetricDefinition {
  /** Canonical name, e.g. `roc_auc` or `ndcg@10`. */
  readonly name: string
  readonly description: string
  readonly tasks: readonly MetricTask[]
  /** Direction: gates and comparisons orient differences with it. */
  readonly higherIsBetter: boolean
  /** What the prediction set must hold: hard labels, probabilities, regression values or scores. */
  readonly needs: 'label' | 'proba' | 'value' | 'score'
  /** Attainable range, for plots and sanity checks. */
  readonly range: readonly [number, number]
  /** The metric on a prediction set; throws an undefined-metric error where it has no value. */
  compute(data: PredictionSet): number
  /**
   * For metrics that are a weighted mean of a per-row quantity (accuracy, log loss, MAE, ...): that
   * quantity per row. Slice discovery uses it for fast, exact per-slice values and a Welch test.
   */
  readonly pointwise?: (data: PredictionSet) => Float64Array
  /**
   * For metrics with a faster way to score many bootstrap resamples of one prediction set: prepare
   * once (e.g. sort once), then score a resample given as row multiplicities (`counts[i]` copies of
   * row `i`). It must give exactly what `compute` gives on the repeated rows; `undefined` for sets
   * it does not cover (the bootstrap then takes the rows).
   */
  readonly resampled?: (data: PredictionSet) => ((counts: ArrayLike<number>) => number) | undefined
}

const w = (d: PredictionSet): { weight?: Float64Array } => (d.weight ? { weight: d.weight } : {})
const CLS: readonly MetricTask[] = ['binary', 'multiclass']
const REG: readonly MetricTask[] = ['regression']
const RANK: readonly MetricTask[] = ['ranking']

/** A definition with the common defaults: higher is better, range [0, 1]. */
const define = (
  d: Omit<MetricDefinition, 'higherIsBetter' | 'range'> &
    Partial<Pick<MetricDefinition, 'higherIsBetter' | 'range'>>,
): MetricDefinition => ({ higherIsBetter: true, range: [0, 1], ...d })

/** A lower-is-better loss in [0, ∞). */
const loss = (
  d: Omit<MetricDefinition, 'higherIsBetter' | 'range'> & Partial<Pick<MetricDefinition, 'range'>>,
): MetricDefinition => ({ higherIsBetter: false, range: [0, Infinity], ...d })

const rankingQueries = (d: PredictionSet) => {
  if (!d.group) return badArgument('ranking metrics need `group` (query id per row)', ['group'])
  return rankingQueriesFromGroups(d.group, d.y, predictedValues(d))
}

const prf = (
  base: 'precision' | 'recall' | 'f1',
  average: NonNullable<PrecisionRecallOptions['average']>,
): MetricDefinition => {
  const fn = base === 'precision' ? precisionScore : base === 'recall' ? recallScore : f1Score
  const label = base === 'f1' ? 'F1' : base
  const binary = average === 'binary'
  return define({
    name: binary ? base : `${base}_${average}`,
    description: binary ? `${label} of class 1` : `${label} averaged over classes (${average})`,
    tasks: binary ? ['binary'] : CLS,
    needs: 'label',
    compute: (d) => fn(d.y, predictedClasses(d), { ...w(d), average }),
  })
}

const perRowRegression =
  (f: (t: number, p: number) => number) =>
  (d: PredictionSet): Float64Array => {
    const p = predictedValues(d)
    return Float64Array.from(d.y, (t, i) => f(t, p[i]!))
  }

/** Per-row values of a probability-matrix metric, row by row. */
const perRowProba =
  (f: (y: number, row: Float64Array) => number) =>
  (d: PredictionSet): Float64Array => {
    const p = probabilities(d)
    const k = matrixWidth('proba', p, d.y.length)
    return Float64Array.from(d.y, (t, i) => f(t, p.subarray(i * k, i * k + k)))
  }

const binaryOr = (
  d: PredictionSet,
  binary: (y: Float64Array, s: Float64Array) => number,
  multi: (y: Float64Array, p: Float64Array) => number,
): number => (classCountOf(d) === 2 ? binary(d.y, positiveScores(d)) : multi(d.y, probabilities(d)))

/** The pinball loss at level `alpha` (`pinball` is α = 0.5). */
export const pinballMetric = (alpha: number): MetricDefinition =>
  loss({
    name: alpha === 0.5 ? 'pinball' : `pinball@${alpha}`,
    description: `pinball (quantile) loss at level ${alpha}`,
    tasks: REG,
    needs: 'value',
    compute: (d) => meanPinballLoss(d.y, predictedValues(d), alpha, w(d)),
    pointwise: perRowRegression((t, p) => (t >= p ? alpha * (t - p) : (1 - alpha) * (p - t))),
  })

/** NDCG over the whole list or at cut-off `k`. */
export const ndcgMetric = (k?: number): MetricDefinition =>
  define({
    name: k === undefined ? 'ndcg' : `ndcg@${k}`,
    description: `normalised discounted cumulative gain${k === undefined ? '' : ` at ${k}`}`,
    tasks: RANK,
    needs: 'score',
    compute: (d) => ndcgScore(rankingQueries(d), k === undefined ? {} : { k }),
  })

/** Mean reciprocal rank, optionally within the top `k`. */
export const mrrMetric = (k?: number): MetricDefinition =>
  define({
    name: k === undefined ? 'mrr' : `mrr@${k}`,
    description: `mean reciprocal rank${k === undefined ? '' : ` within the top ${k}`}`,
    tasks: RANK,
    needs: 'score',
    compute: (d) => meanReciprocalRank(rankingQueries(d), k === undefined ? {} : { k }),
  })

/** Ranking precision at `k` (`precision@k`; plain `precision` is the classification metric). */
export const rankingPrecisionMetric = (k: number): MetricDefinition =>
  define({
    name: `precision@${k}`,
    description: `share of relevant items in the top ${k}`,
    tasks: RANK,
    needs: 'score',
    compute: (d) => precisionAtK(rankingQueries(d), k),
  })

/** Every built-in metric with a fixed name. */
export const BASE_METRICS: readonly MetricDefinition[] = [
  define({
    name: 'accuracy',
    description: 'share of rows predicted correctly',
    tasks: CLS,
    needs: 'label',
    compute: (d) => accuracyScore(d.y, predictedClasses(d), w(d)),
    pointwise: (d) => {
      const p = predictedClasses(d)
      return Float64Array.from(d.y, (t, i) => (t === p[i] ? 1 : 0))
    },
  }),
  define({
    name: 'balanced_accuracy',
    description: 'mean recall over classes',
    tasks: CLS,
    needs: 'label',
    compute: (d) => balancedAccuracyScore(d.y, predictedClasses(d), w(d)),
  }),
  ...(['precision', 'recall', 'f1'] as const).flatMap((b) =>
    (['binary', 'macro', 'micro', 'weighted'] as const).map((a) => prf(b, a)),
  ),
  define({
    name: 'roc_auc',
    description: 'area under the ROC curve (one-vs-rest macro for multiclass)',
    tasks: CLS,
    needs: 'proba',
    compute: (d) =>
      binaryOr(
        d,
        (y, s) => rocAucScore(y, s, w(d)),
        (y, p) => rocAucOvrScore(y, p, w(d)),
      ),
    // Sample weights would sum in another order than on the repeated rows: take the rows then.
    resampled: (d) =>
      d.weight || classCountOf(d) !== 2 ? undefined : rocAucResampler(d.y, positiveScores(d)),
  }),
  define({
    name: 'roc_auc_ovr_weighted',
    description: 'one-vs-rest ROC-AUC weighted by class prevalence',
    tasks: CLS,
    needs: 'proba',
    compute: (d) => rocAucOvrScore(d.y, probabilities(d), { ...w(d), average: 'weighted' }),
  }),
  define({
    name: 'average_precision',
    description: 'area under the precision-recall curve, step definition',
    tasks: CLS,
    needs: 'proba',
    compute: (d) =>
      binaryOr(
        d,
        (y, s) => averagePrecisionScore(y, s, w(d)),
        (y, p) => averagePrecisionOvrScore(y, p, w(d)),
      ),
  }),
  loss({
    name: 'log_loss',
    description: 'cross-entropy of the predicted probabilities',
    tasks: CLS,
    needs: 'proba',
    compute: (d) => logLoss(d.y, probabilities(d), w(d)),
    pointwise: perRowProba((t, row) => logLoss([t], row)),
  }),
  loss({
    name: 'brier',
    description: 'mean squared error of the probabilities (positive class for binary)',
    tasks: CLS,
    needs: 'proba',
    range: [0, 2],
    compute: (d) =>
      binaryOr(
        d,
        (y, s) => brierScore(y, s, w(d)),
        (y, p) => multiclassBrierScore(y, p, w(d)),
      ),
    pointwise: perRowProba((t, row) =>
      row.length === 2 ? (t - row[1]!) ** 2 : multiclassBrierScore([t], row),
    ),
  }),
  define({
    name: 'mcc',
    description: 'Matthews correlation coefficient',
    tasks: CLS,
    needs: 'label',
    range: [-1, 1],
    compute: (d) => matthewsCorrcoef(d.y, predictedClasses(d), w(d)),
  }),
  define({
    name: 'cohen_kappa',
    description: "Cohen's kappa between predictions and truth",
    tasks: CLS,
    needs: 'label',
    range: [-1, 1],
    compute: (d) => cohenKappaScore(d.y, predictedClasses(d), w(d)),
  }),
  loss({
    name: 'mae',
    description: 'mean absolute error',
    tasks: REG,
    needs: 'value',
    compute: (d) => meanAbsoluteError(d.y, predictedValues(d), w(d)),
    pointwise: perRowRegression((t, p) => Math.abs(t - p)),
  }),
  loss({
    name: 'mse',
    description: 'mean squared error',
    tasks: REG,
    needs: 'value',
    compute: (d) => meanSquaredError(d.y, predictedValues(d), w(d)),
    pointwise: perRowRegression((t, p) => (t - p) ** 2),
  }),
  loss({
    name: 'rmse',
    description: 'root mean squared error',
    tasks: REG,
    needs: 'value',
    compute: (d) => rootMeanSquaredError(d.y, predictedValues(d), w(d)),
  }),
  loss({
    name: 'mape',
    description: 'mean absolute percentage error (fraction)',
    tasks: REG,
    needs: 'value',
    compute: (d) => meanAbsolutePercentageError(d.y, predictedValues(d), w(d)),
    pointwise: perRowRegression((t, p) => Math.abs(t - p) / Math.max(Math.abs(t), Number.EPSILON)),
  }),
  define({
    name: 'r2',
    description: 'coefficient of determination',
    tasks: REG,
    needs: 'value',
    range: [-Infinity, 1],
    compute: (d) => r2Score(d.y, predictedValues(d), w(d)),
  }),
  pinballMetric(0.5),
  ndcgMetric(),
  define({
    name: 'map',
    description: 'mean average precision over queries',
    tasks: RANK,
    needs: 'score',
    compute: (d) => meanAveragePrecision(rankingQueries(d)),
  }),
  mrrMetric(),
]
