export {
  checkTrainingSet,
  subsetTrainingSet,
  type CheckedTrainingSet,
  type CheckTrainingSetOptions,
} from './training-set.js'
export { pinNumericFeatures, numericFeatureColumns } from './numeric-features.js'
export { parseModelDocument, assertModelShape, modelHeaderSchema } from './model-document.js'
export {
  kFoldSplitter,
  stratifiedKFoldSplitter,
  groupKFoldSplitter,
  timeSeriesSplitter,
  type CvSplitter,
  type CvSplitInput,
  type CvFold,
  type TimeSeriesSplitOptions,
} from './splitters.js'
export { cvAccuracy, cvR2, defaultCvScorer, type CvScorer } from './scorers.js'
export {
  crossValidate,
  type CrossValidateOptions,
  type CrossValidationResult,
  type CvFoldResult,
} from './cross-validate.js'
export {
  learningCurve,
  type LearningCurveOptions,
  type LearningCurvePoint,
} from './learning-curve.js'
export {
  overfitSmallBatch,
  type OverfitSmallBatchOptions,
  type OverfitReport,
} from './overfit-small-batch.js'
