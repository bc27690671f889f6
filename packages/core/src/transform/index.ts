/**
 * Feature transformers and pipelines that serve exactly as they train: fit on training rows only,
 * fitted state as plain versioned JSON, and a transform that is a pure row-wise function of that
 * state (a row gives the same features alone or in any batch).
 *
 * @module
 */
export type {
  Transformer,
  FittedTransformer,
  TransformerColumn,
  TransformerFitOptions,
  TransformerJSON,
  TransformerSpec,
  FitTransformResult,
} from './protocol.js'
export {
  TRANSFORMER_FORMAT_VERSION,
  FittedLeaf,
  defineLeaf,
  pinnedCategorical,
  type LeafDefinition,
  type LeafKind,
  type LeafFitContext,
  type LeafApplyContext,
  type LeafFit,
  type TransformerDefinition,
  type TransformerResolver,
} from './define.js'
export {
  registerTransformer,
  registerTransformerKind,
  transformerKinds,
  transformerDefinitions,
  createTransformer,
  loadTransformer,
  type TransformerLoader,
} from './registry.js'
export { UNKNOWN_CATEGORY, MISSING_CATEGORY } from './labels.js'
export { imputer, imputerKind, type ImputerParams } from './impute.js'
export {
  standardScaler,
  standardScalerKind,
  minMaxScaler,
  minMaxScalerKind,
  robustScaler,
  robustScalerKind,
  log1pTransform,
  log1pKind,
  quantileClipper,
  quantileClipperKind,
} from './scale.js'
export { powerTransformer, powerTransformerKind } from './power.js'
export { discretizer, discretizerKind, type DiscretizerParams } from './discretize.js'
export { oneHotEncoder, oneHotEncoderKind, type OneHotEncoderParams } from './one-hot.js'
export { ordinalEncoder, ordinalEncoderKind, type OrdinalEncoderParams } from './ordinal.js'
export { frequencyEncoder, frequencyEncoderKind } from './frequency.js'
export { targetEncoder, targetEncoderKind, type TargetEncoderParams } from './target-encoder.js'
export { murmurHash3, murmurHash3Signed, hashBucket, hashSign } from './murmur.js'
export { featureHasher, featureHasherKind, type FeatureHasherParams } from './hashing.js'
export {
  hashCross,
  hashCrossKind,
  numericCross,
  numericCrossKind,
  type HashCrossParams,
} from './cross.js'
export {
  timeFeatures,
  timeFeaturesKind,
  utcFields,
  type TimeFeaturesParams,
  type UtcFields,
} from './time-features.js'
export {
  positionalEmbedding,
  positionalEmbeddingKind,
  type PositionalEmbeddingParams,
} from './positional.js'
export { tokenizeText, wordNgrams, analyzeText, type AnalyzerOptions } from './text/analyzer.js'
export {
  hashingVectorizer,
  hashingVectorizerKind,
  hashingVectorize,
  type HashingVectorizerParams,
  type HashingVectorizeOptions,
  type SparseRow,
} from './text/hashing-vectorizer.js'
export { tfidfVectorizer, tfidfVectorizerKind, type TfidfVectorizerParams } from './text/tfidf.js'
export {
  rowFunction,
  rowFunctionKind,
  registerRowFunction,
  rowFunctionNames,
  type RowFunctionDefinition,
} from './row-function.js'
export { pipeline, Pipeline, FittedPipeline, type PipelineStep } from './pipeline.js'
export {
  columnTransformer,
  ColumnTransformer,
  FittedColumnTransformer,
  type ColumnTransformerStep,
} from './column-transformer.js'
export { columnSelectorSchema, resolveSelector, type ColumnSelector } from './select.js'
