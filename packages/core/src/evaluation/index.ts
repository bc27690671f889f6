/**
 * Offline evaluation on top of the metrics: bootstrap intervals and paired comparisons (DeLong),
 * threshold moving, calibration (reliability, ECE, Platt and isotonic calibrators), confidence and
 * deferral, slices (declared and discovered, Simpson's paradox), behavioural tests, fairness,
 * backtests, error analysis and the promotion gate. On top of these, `candidate/` evaluates one
 * candidate model end to end: the `evaluation` config section, the report, the chosen
 * post-processing and the digest a bundle and a registry version keep. Everything returns plain
 * JSON-serialisable data and performs no I/O.
 *
 * @module
 */
export {
  bootstrapInterval,
  bootstrapMetric,
  bootstrapReplicates,
  intervalFromReplicates,
  resampler,
  resamplePredictionSet,
  type BootstrapOptions,
  type BootstrapReplicates,
  type BootstrapCi,
  type BootstrapResample,
  type ResampleScheme,
  type ResampleStatistic,
} from './bootstrap.js'
export { delongTest, delongInterval, type DelongResult, type AucInterval } from './delong.js'
export { compareModels, type PairedComparison, type CompareOptions } from './paired.js'
export {
  wilsonInterval,
  allSuccessLowerBound,
  aucBoundaryInterval,
  proportionCounts,
  MIN_DISTINCT_REPLICATES,
  type BoundaryInterval,
} from './boundary.js'
export {
  chooseThreshold,
  operatingPoints,
  operatingPointAt,
  type ThresholdObjective,
  type ThresholdChoice,
  type OperatingPoint,
} from './threshold.js'
export {
  calibrationReport,
  topLabelCalibrationReport,
  calibratorFromJSON,
  type CalibrationBinStrategy,
  type CalibrationOptions,
  type CalibrationReport,
  type ReliabilityBin,
  type Calibrator,
  type CalibratorJSON,
} from './calibration.js'
export {
  fitPlattCalibrator,
  plattCalibrator,
  type PlattCalibrator,
  type PlattCalibratorJSON,
} from './platt.js'
export {
  fitIsotonicCalibrator,
  isotonicCalibrator,
  isotonicRegression,
  type IsotonicCalibrator,
  type IsotonicCalibratorJSON,
} from './isotonic.js'
export {
  predictionConfidence,
  deferBelow,
  deferralSummary,
  coverageCurve,
  type ConfidenceKind,
  type DeferralSummary,
} from './confidence.js'
export {
  describeCondition,
  sliceByValues,
  sliceByRange,
  sliceWhere,
  sliceFromMask,
  sliceIntersection,
  slicesByColumn,
  evaluateSlices,
  type Slice,
  type SliceCondition,
  type SliceEvaluation,
  type SliceEvaluationOptions,
  type SliceMetricValue,
} from './slices.js'
export {
  candidateConditions,
  type ConditionMask,
  type SliceCandidateOptions,
} from './conditions.js'
export {
  discoverWeakSlices,
  type WeakSlice,
  type WeakSliceOptions,
  type WeakSliceReport,
} from './slice-discovery.js'
export { adjustPValues, type PValueCorrection } from './multiple-testing.js'
export {
  checkSimpsonsParadox,
  type SimpsonReport,
  type SimpsonSlice,
  type SimpsonWinner,
} from './simpson.js'
export {
  runBehaviouralTest,
  runBehaviouralTests,
  type BehaviouralPredictFn,
  type BehaviouralTestSpec,
  type PerturbationSpec,
  type InvarianceSpec,
  type DirectionalSpec,
  type BehaviouralFailure,
  type BehaviouralResult,
  type BehaviouralReport,
  type BehaviouralOptions,
} from './behavioural.js'
export {
  fairnessReport,
  demographicParityDifference,
  demographicParityRatio,
  equalOpportunityDifference,
  equalizedOddsDifference,
  type SensitiveAttribute,
  type DisparityMethod,
  type FairnessOptions,
  type FairnessReport,
  type GroupRates,
} from './fairness.js'
export {
  metricsOverTime,
  type BacktestPeriod,
  type BacktestOptions,
  type BacktestWindow,
  type BacktestTable,
} from './backtest.js'
export {
  clusterErrors,
  type ErrorAnalysisOptions,
  type ErrorAnalysisReport,
  type ErrorCluster,
  type OverRepresentedCondition,
} from './error-analysis.js'
export {
  evaluateGate,
  gateStatement,
  gateVerdict,
  validateGateSpec,
  summarizeEvaluation,
  type GateVerdict,
  type GateLeakage,
  type GateLeakageInput,
  type LeakageStance,
  DEFAULT_LEAKAGE_STANCE,
  type GateSpec,
  type GateCheck,
  type GateDecision,
  type EvaluationSummary,
  type MetricEstimate,
  type RegressionRule,
  type GateBaseline,
} from './gate.js'

// One candidate, end to end (what `keel train` and `keel evaluate` run, and what a UI can re-run).
export {
  evaluationConfigSchema,
  thresholdStrategySchema,
  sliceSpecSchema,
  behaviouralTestSchema,
  gateSpecSchema,
  type EvaluationConfig,
  type EvaluationConfigInput,
  type SliceSpec,
  type BehaviouralTestConfig,
  type ThresholdStrategy,
} from './candidate/config-schema.js'
export { parseEvaluationConfig, resolveMetrics } from './candidate/parse-config.js'
export { precheckEvaluation } from './candidate/precheck.js'
export {
  DEFAULT_METRICS,
  predictSplit,
  scoreSplit,
  type SplitPredictions,
} from './candidate/split-scores.js'
export type { EvaluationSplit } from './candidate/evaluation-split.js'
export {
  evaluateCandidate,
  type EvaluateCandidateInput,
  type EvaluationOutcome,
  type ChampionInput,
} from './candidate/evaluate-candidate.js'
export { bundleInputs, type BaselinePredictions } from './candidate/predictions.js'
export {
  classReport,
  type ClassReport,
  type ClassScores,
  type AveragedScores,
} from './candidate/class-report.js'
export {
  applyEvaluation,
  evaluationDigest,
  gateOutcomeOf,
  type EvaluationDigest,
  type EvaluationJson,
  type GateOutcome,
} from './candidate/bundle-evaluation.js'
export type {
  EvaluationReport,
  MetricWithInterval,
  CurvePoints,
  ThresholdSection,
  CalibrationSection,
  ConfidenceSection,
  ComparedModel,
  DiscoveredSlice,
  BehaviouralExample,
  BehaviouralSectionResult,
} from './candidate/report-types.js'
