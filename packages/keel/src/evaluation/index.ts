/**
 * Offline evaluation of a candidate model: the `evaluation` config section, the evaluation itself
 * (metrics with intervals, threshold and calibration, slices, behavioural tests, fairness, error
 * analysis, backtest, baselines and champion, the gate), and what it leaves in the bundle and the
 * registry.
 *
 * @module
 */
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
} from './config-schema.js'
export { parseEvaluationConfig, resolveMetrics } from './parse-config.js'
export {
  evaluateCandidate,
  type EvaluateCandidateInput,
  type EvaluationOutcome,
  type EvaluationSplit,
  type ChampionInput,
} from './evaluate-candidate.js'
export type { BaselinePredictions } from './predictions.js'
export {
  applyEvaluation,
  evaluationDigest,
  gateOutcomeOf,
  type EvaluationDigest,
  type GateOutcome,
} from './bundle-evaluation.js'
export {
  encodeForBundle,
  evaluationSplits,
  baselinePredictions,
  timestampColumnOf,
  reloadEvaluationData,
  evaluationExclusions,
  type SplitIndices,
  type ReloadedData,
} from './evaluation-data.js'
export { loadChampion } from './load-bundle.js'
export {
  registerEvaluatedBundle,
  storeEvaluationReport,
  statusForGate,
  type RegisterEvaluatedInput,
  type RegisteredBundle,
} from '../release/register-evaluated.js'
export { writeVersionCard, type VersionCardInput } from './version-card.js'
export { precheckEvaluation } from './precheck.js'
export { cardImportance } from './card-importance.js'
export { startEvaluationRun, type EvaluationRunInput } from './evaluation-run.js'
export {
  promoteVersion,
  gateOutcomeForVersion,
  EVALUATION_TAGS,
  type PromoteOptions,
  type PromoteResult,
  type GateSource,
} from '../release/promote.js'
export {
  evaluateVersion,
  trainingLeakage,
  type EvaluateVersionOptions,
  type EvaluateVersionResult,
} from './evaluate-version.js'
export type * from './report-types.js'
