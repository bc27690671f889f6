/**
 * Ensembles that are learners themselves: bagging, voting and stacking of other learners.
 *
 * Stacking imports two things from outside `learners/shared/`, on purpose: its default final
 * learner (ridge regression or logistic regression, from `../linear/`, as scikit-learn's
 * `StackingRegressor` / `StackingClassifier` default to linear models), and `crossValidate` with
 * the k-fold splitters from `model-selection/`, which produce the out-of-fold predictions the final
 * learner is fitted on.
 *
 * @module
 */
export {
  Bagging,
  baggingEnsemble,
  baggingDefinition,
  baggingParams,
  loadBaggingModel,
  BAGGING_MODEL_KIND,
  type BaggingParams,
  type OutOfBag,
} from './bagging.js'
export {
  Voting,
  votingEnsemble,
  votingDefinition,
  votingParams,
  loadVotingModel,
  VOTING_MODEL_KIND,
  type VotingParams,
} from './voting.js'
export {
  Stacking,
  StackingModel,
  stackingEnsemble,
  stackingDefinition,
  stackingParams,
  loadStackingModel,
  STACKING_MODEL_KIND,
  type StackingParams,
} from './stacking.js'
export { AveragingModel } from './averaging-model.js'
export { ensembleMemberSchema, type EnsembleMemberSpec, type EnsembleMember } from './members.js'
