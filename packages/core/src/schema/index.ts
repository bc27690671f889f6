export {
  FIELD_ROLES,
  roleOf,
  fieldsWithRole,
  contractField,
  resolveBound,
  parseInstant,
  type FieldRole,
  type FieldCheck,
  type RowCheck,
  type RangeBound,
  type ContractField,
  type SchemaContract,
} from './contract.js'
export {
  contractFieldSchema,
  schemaContractSchema,
  parseContract,
  defineContract,
} from './contract-schema.js'
export {
  coerceToContract,
  coerceColumn,
  looksLikeEpochMs,
  MIN_EPOCH_MS_MAGNITUDE,
  MISSING_TOKENS,
  type CoercedColumn,
} from './coerce.js'
export {
  type ContractIssue,
  type ContractIssueCode,
  type ValidationResult,
  type ValidationSummary,
} from './contract-issues.js'
export { FrameValidator, validateFrame, type FrameValidatorOptions } from './validate.js'
export {
  PROFILE_QUANTILES,
  type ProfileQuantile,
  type ColumnProfile,
  type NumericProfile,
  type BooleanProfile,
  type StringProfile,
  type ProfileOptions,
} from './profile-columns.js'
export {
  FrameProfiler,
  profileFrame,
  PROFILE_FORMAT_VERSION,
  type FrameProfile,
} from './profile.js'
export { renderProfile } from './render-profile.js'
export { renderValidation } from './render-validation.js'
export {
  inferContract,
  looksLikeFreeText,
  type InferContractOptions,
  type InferenceNote,
  type InferredContract,
} from './infer.js'
