/**
 * Evaluating a registered version from its stores: reload the project's splits and baselines,
 * load the bundle (verified against its digest) and the champion, record the evaluation run. The
 * evaluation itself (config section, report, post-processing, gate) is pure and lives in
 * `@keel/core`; the model card is written by `reports/model-card/`.
 *
 * @module
 */
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
export { startEvaluationRun, type EvaluationRunInput } from './evaluation-run.js'
export {
  evaluateVersion,
  trainingLeakage,
  type EvaluateVersionOptions,
  type EvaluateVersionResult,
} from './evaluate-version.js'
