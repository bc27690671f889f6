/**
 * Helpers every learner shares, on top of the protocol in `../protocol.ts`, so that no learner
 * folder reaches into another's: checking and subsetting a training set (`training-set.ts`),
 * pinning numeric feature columns (`numeric-features.ts`), a model document's header
 * (`model-document.ts`), the link between raw scores and probabilities (`link.ts`), the error a
 * regression model gives for probabilities (`no-probabilities.ts`), fit cancellation
 * (`abort.ts`) and yielding to the event loop while loading (`load-yield.ts`). Only the first three
 * and the options of the async loaders are public.
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
export type { AsyncLoadOptions } from './load-yield.js'
