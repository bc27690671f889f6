/**
 * Helpers every learner shares, on top of the protocol in `../protocol.ts`: checking and subsetting
 * a training set, pinning numeric feature columns, and reading a model document's header.
 *
 * @module
 */
export {
  checkTrainingSet,
  subsetTrainingSet,
  type CheckedTrainingSet,
  type CheckTrainingSetOptions,
} from './training-set.js'
export { pinNumericFeatures, numericFeatureColumns } from './numeric-features.js'
export { parseModelDocument, assertModelShape, modelHeaderSchema } from './model-document.js'
