/**
 * Release: what happens to a registered version after its evaluation — its status from the gate's
 * verdict, promotion to an alias (gate-checked, compare-and-set, recorded in the alias history),
 * and the registry views the CLI and the dashboard show.
 *
 * @module
 */
export {
  promoteVersion,
  promoteModelRef,
  gateOutcomeForVersion,
  EVALUATION_TAGS,
  type PromoteOptions,
  type PromoteRefOptions,
  type PromoteResult,
  type GateSource,
} from './promote.js'
export {
  registerEvaluatedBundle,
  storeEvaluationReport,
  statusForGate,
  type RegisterEvaluatedInput,
  type RegisteredBundle,
} from './register-evaluated.js'
export {
  listRegisteredModels,
  modelView,
  versionView,
  registryView,
  isModelView,
  diffModelVersions,
  loadRegisteredBundle,
  type ModelView,
  type VersionView,
  type LoadedVersion,
} from './registry-views.js'
