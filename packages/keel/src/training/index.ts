/**
 * Training: a project's data prepared once (splits, fitted feature pipeline, leakage report), one
 * candidate fitted and scored on it (the unit a job or a tuning trial runs), the best one selected,
 * evaluated and registered, all inside one tracking run; and the views of recorded runs.
 *
 * @module
 */
export {
  trainProject,
  type TrainOptions,
  type TrainResult,
  type TrainArtifacts,
  type TrainEvaluation,
  type LearnerResult,
} from './train.js'
export {
  prepareTraining,
  prepareProjectData,
  type PreparedData,
  type PrepareTrainingOptions,
  type ProjectData,
} from './prepare.js'
export {
  fitCandidate,
  type CandidateResult,
  type CandidateMetrics,
  type CandidateError,
  type CandidateTracker,
  type FitContext,
} from './fit-candidate.js'
export {
  candidateSpec,
  resolveLearners,
  type CandidateSpec,
  type LearnerEntry,
} from './learners.js'
export { selectBest, bestOf } from './select.js'
export {
  listRuns,
  showRun,
  compareRuns,
  importRuns,
  commonMetricKeys,
  type ListRunsOptions,
} from './runs.js'
