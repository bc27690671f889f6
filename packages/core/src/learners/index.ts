export type {
  Task,
  FeatureSpec,
  TrainingSet,
  FitOptions,
  FitProgress,
  LearnerCapabilities,
  Learner,
  ModelJSON,
  FittedModel,
  IncrementalModel,
} from './protocol.js'
export { isIncremental, rawWidth } from './protocol.js'
export {
  alignFeatures,
  pinFeatures,
  remapCodes,
  UNSEEN_CATEGORY,
  type AlignedColumn,
} from './features.js'
export {
  MODEL_FORMAT_VERSION,
  registerModelKind,
  modelKinds,
  loadModel,
  loadModelAsync,
  registerLearner,
  learnerDefinitions,
  parseParams,
  createLearner,
  type LearnerDefinition,
  type AsyncModelLoader,
} from './registry.js'
export { registerBuiltinLearners } from './builtin.js'
export * from './shared/index.js'
export * from './baseline/index.js'
export * from './linear/index.js'
export * from './neighbors/index.js'
export * from './naive-bayes/index.js'
export * from './ensemble/index.js'
export {
  gbdtDefinition,
  createGbdt,
  loadGbdtModel,
  loadGbdtModelAsync,
  GbdtLearner,
  GbdtModel,
  gbdtParamsSchema,
  GBDT_OBJECTIVES,
  GBDT_METRICS,
  type GbdtParams,
  type GbdtParamsInput,
} from './gbdt/index.js'
export {
  randomForestDefinition,
  extraTreesDefinition,
  randomForest,
  extraTrees,
  loadRandomForestModel,
  loadExtraTreesModel,
  loadRandomForestModelAsync,
  loadExtraTreesModelAsync,
  ForestLearner,
  ForestModel,
  randomForestParamsSchema,
  extraTreesParamsSchema,
  RANDOM_FOREST_MODEL_KIND,
  EXTRA_TREES_MODEL_KIND,
  type ForestParams,
  type ForestParamsInput,
  type OutOfBagScore as ForestOutOfBagScore,
} from './forest/index.js'
