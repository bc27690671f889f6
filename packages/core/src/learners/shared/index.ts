/**
 * Helpers every learner shares, on top of the protocol in `../protocol.ts`, so that no learner
 * folder reaches into another's: checking and subsetting a training set (`training-set.ts`),
 * pinning numeric feature columns (`numeric-features.ts`), a model document's header
 * (`model-document.ts`), the link between raw scores and probabilities (`link.ts`), the error a
 * regression model gives for probabilities (`no-probabilities.ts`) and fit cancellation
 * (`abort.ts`). Only the first three are public.
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
