export {
  ModelBundle,
  BUNDLE_FORMAT_VERSION,
  registerBundleComponents,
  predictionRecord,
  type BundleJSON,
  type BundleParts,
  type BundlePipeline,
  type BundleCalibrator,
  type BundleLineage,
  type BundleLabel,
  type BundlePostprocess,
  type BundlePredictions,
  type PredictionRecord,
} from './bundle.js'
export {
  checkInputRows,
  inputRowsToFrame,
  pinInputFields,
  DEFAULT_INPUT_LIMITS,
  type InputField,
  type InputLimits,
  type InputCheck,
} from './input-schema.js'
