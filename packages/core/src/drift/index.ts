/**
 * Drift statistics and streaming change detectors: two-sample tests and distances that match
 * scipy, reference profiles a model bundle stores at training time, per-feature drift reports
 * with multiple-testing correction, adversarial validation, and River-style ADWIN, Page–Hinkley
 * and DDM detectors.
 *
 * @module
 */
export {
  ksTwoSample,
  ksPValue,
  ecdfGapsSorted,
  ksStatisticFromGaps,
  type KsAlternative,
  type KsMethod,
  type KsOptions,
  type KsResult,
  type EcdfGaps,
} from './ks-two-sample.js'
export { chiSquareHomogeneity, type ChiSquareOptions, type ChiSquareResult } from './chi-square.js'
export { kolmogorovN } from './math/kolmogorov-n.js'
export { smirnovSf } from './math/smirnov.js'
export { populationStabilityIndex, jensenShannonDistance, PSI_EPSILON } from './divergence.js'
export { wassersteinDistance, wassersteinSorted, type WassersteinOptions } from './wasserstein.js'
export {
  correctDriftPValues,
  type DriftCorrectionMethod,
  type DriftCorrectionResult,
} from './multiple-testing.js'
export { mergeStatsSorted, type MergeStats } from './merge-stats.js'
export { sortSample as sortNumericSample, type SortedSample } from './sort.js'
export {
  profileNumeric,
  profileNumericSorted,
  profileCategorical,
  buildReferenceProfile,
  parseReferenceProfile,
  safeParseReferenceProfile,
  referenceProfileSchema,
  DEFAULT_PROFILE_BINS,
  DEFAULT_SKETCH_SIZE,
  type NumericReferenceProfile,
  type CategoricalReferenceProfile,
  type FeatureReferenceProfile,
  type ReferenceProfile,
  type ReferenceProfileOptions,
} from './profile.js'
export {
  compareNumericSamples,
  compareNumericSorted,
  compareNumericToProfile,
  compareNumericToPrepared,
  prepareNumericReference,
  prepareNumericReferenceSorted,
  type PreparedNumericReference,
  type NumericDrift,
  type NumericCompareOptions,
} from './compare-numeric.js'
export { compareCategoricalToProfile, type CategoricalDrift } from './compare-categorical.js'
export {
  driftReport,
  DRIFT_REPORT_NOTE,
  type DriftReport,
  type DriftReportOptions,
  type FeatureDriftReport,
  type EffectMetric,
  type EffectRule,
} from './report.js'
export {
  adversarialValidation,
  encodeForAdversarial,
  logisticDriftClassifier,
  type AdversarialOptions,
  type AdversarialResult,
  type DesignMatrix,
  type DriftClassifier,
} from './adversarial.js'
export * from './detectors/index.js'
