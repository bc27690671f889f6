/**
 * Model selection: how rows are held out and how a learner is scored on rows it did not see.
 *
 * - `split-spec.ts`, `split-assign.ts`, `split-frame.ts`, `split-report.ts`, `row-hash.ts` — the
 *   train/validation/test split of a frame (random, stratified, grouped or by time) and its report,
 *   with duplicate rows found across splits;
 * - `splitters.ts` — cross-validation splitters (k-fold, stratified, grouped, time series);
 * - `scorers.ts` — the default score per task;
 * - `cross-validate.ts`, `learning-curve.ts`, `overfit-small-batch.ts` — fit and score a learner
 *   over folds, over growing training sizes, and on one tiny batch it should memorize.
 *
 * @module
 */
export {
  SPLIT_NAMES,
  DEFAULT_SPLIT_FRACTIONS,
  type SplitName,
  type SplitKind,
  type SplitSpec,
} from './split-spec.js'
export { splitFrame, type SplitOptions, type FrameSplit } from './split-frame.js'
export {
  type SplitReport,
  type PerSplit,
  type LabelBalance,
  type DuplicateReport,
} from './split-report.js'
export { hashRows, duplicateRowGroups } from './row-hash.js'
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
export { requireTrainAndTest } from './split-check.js'
export { assignPredefined } from './split-predefined.js'
