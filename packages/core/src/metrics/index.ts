/**
 * Metrics: classification, probabilistic, regression and ranking scores defined as scikit-learn
 * defines them (golden fixtures in `test/fixtures/metrics`), ROC and precision–recall curves, and a
 * catalogue that resolves metric names used in configs.
 *
 * @module
 */
export type {
  MetricTask,
  PredictionSet,
  ClassificationOptions,
  AveragingMethod,
  RocCurve,
  PrecisionRecallCurve,
  RankingQuery,
} from './types.js'
export { isUndefinedMetricError } from './validate.js'
export {
  confusionMatrix,
  accuracyScore,
  balancedAccuracyScore,
  perClassScores,
  precisionScore,
  recallScore,
  fbetaScore,
  f1Score,
  matthewsCorrcoef,
  cohenKappaScore,
  type ConfusionMatrix,
  type PrecisionRecallOptions,
  type PerClassScores,
  type KappaOptions,
} from './classification.js'
export {
  binaryCounts,
  rocCurve,
  precisionRecallCurve,
  type BinaryCounts,
  type RocCurveOptions,
  type PrecisionRecallCurveOptions,
} from './curves.js'
export {
  rocAucScore,
  rocAucResampler,
  averagePrecisionScore,
  rocAucOvrScore,
  averagePrecisionOvrScore,
  probaColumn,
  type BinaryScoreOptions,
  type OvrOptions,
} from './auc.js'
export { logLoss, brierScore, multiclassBrierScore, type LogLossOptions } from './probabilistic.js'
export {
  meanAbsoluteError,
  meanSquaredError,
  rootMeanSquaredError,
  meanAbsolutePercentageError,
  r2Score,
  meanPinballLoss,
  type RegressionOptions,
} from './regression.js'
export {
  rankingQueriesFromGroups,
  ndcgScore,
  meanAveragePrecision,
  meanReciprocalRank,
  precisionAtK,
  type RankingOptions,
  type NdcgOptions,
} from './ranking.js'
export {
  classCountOf,
  predictedClasses,
  positiveScores,
  checkPredictionSet,
  takePredictionRows,
  filterPredictionRows,
} from './prediction-set.js'
export type { MetricDefinition } from './catalogue.js'
export {
  metricByName,
  metricNames,
  metricsForTask,
  registerMetric,
  computeMetric,
} from './metric-registry.js'
