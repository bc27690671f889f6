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
