/**
 * Feature importance and feature generalization: permutation importance through the whole
 * inference path (matches scikit-learn's definition), boosted-tree gain / split counts, mean |SHAP|
 * and per-prediction explanations from TreeSHAP, and train-vs-test coverage and value overlap per
 * feature (the book's DAY_OF_THE_WEEK check). Results are plain, JSON-serialisable data.
 *
 * @module
 */
export {
  framePredictor,
  bundleFramePredictor,
  toFramePredictor,
  type FramePredictor,
  type FramePrediction,
  type FrameTransform,
  type BundleLikePredictions,
} from './predictor.js'
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportance,
  type PermutationImportanceReport,
} from './permutation.js'
export {
  rankImportance,
  treeImportance,
  meanAbsShap,
  hasContributions,
  type RankedImportance,
  type SplitImportanceModel,
  type ContributionModel,
  type MeanAbsShapOptions,
} from './model-importance.js'
export {
  explainPredictions,
  type FeatureContribution,
  type PredictionExplanation,
  type ExplainOptions,
} from './explain.js'
export {
  featureGeneralization,
  type GeneralizationThresholds,
  type GeneralizationFlag,
  type GeneralizationFlagCode,
  type FeatureGeneralization,
  type GeneralizationReport,
} from './generalization.js'
export { studentTCdf, studentTQuantile } from './student-t.js'
