import { registerModelKind } from '../registry.js'
import { runLearnerConformance } from '../conformance/conformance.js'
import { syntheticData } from '../conformance/datasets.js'
import { LINEAR_MODEL_KIND, loadLinearModel } from './linear-model.js'
import { sgdLinear } from './sgd-linear.js'
import { SGD_LINEAR_MODEL_KIND, loadSgdLinearModel } from './sgd-model.js'
import { logisticRegression } from './logistic-regression.js'
import { elasticNetRegression, lassoRegression, ridgeRegression } from './linear-regression.js'

registerModelKind(LINEAR_MODEL_KIND, loadLinearModel)
registerModelKind(SGD_LINEAR_MODEL_KIND, loadSgdLinearModel)

// L-BFGS / OWL-QN reach the same optimum from the weighted and the duplicated data, but along
// different floating-point paths; both stop at a 1e-10 gradient, so raw scores agree to ~1e-9.
const solverTolerance = 1e-7

runLearnerConformance({
  name: 'logistic-regression (binary)',
  make: () => logisticRegression({ C: 0.5 }),
  data: () => syntheticData.binary({ weighted: true }),
  weightTolerance: solverTolerance,
})
runLearnerConformance({
  name: 'logistic-regression (multinomial, elastic net)',
  make: () => logisticRegression({ penalty: 'elasticnet', l1Ratio: 0.5, classWeight: 'balanced' }),
  data: () => syntheticData.multiclass(),
  weightTolerance: solverTolerance,
  skip: {
    weights:
      'classWeight "balanced" counts rows, so a duplicated row changes the class weights; weights are covered by the binary run',
  },
})
runLearnerConformance({
  name: 'ridge',
  make: () => ridgeRegression({ alpha: 2 }),
  data: () => syntheticData.regression({ weighted: true }),
  weightTolerance: solverTolerance,
})
runLearnerConformance({
  name: 'lasso',
  make: () => lassoRegression({ alpha: 0.1 }),
  data: () => syntheticData.regression(),
  weightTolerance: solverTolerance,
})
runLearnerConformance({
  name: 'elastic-net',
  make: () => elasticNetRegression({ alpha: 0.2, l1Ratio: 0.3 }),
  data: () => syntheticData.regression({ features: 5 }),
  weightTolerance: solverTolerance,
})
const sgdWeights =
  'mini-batches see a duplicated row in a different batch than its weighted twin; weighted SGD is an unbiased, not identical, estimate'
runLearnerConformance({
  name: 'sgd-linear (binary, adam)',
  make: () => sgdLinear({ epochs: 3 }),
  data: () => syntheticData.binary({ weighted: true }),
  skip: { weights: sgdWeights },
})
runLearnerConformance({
  name: 'sgd-linear (multiclass, sgd)',
  make: () => sgdLinear({ optimizer: 'sgd', epochs: 2, classWeight: 'balanced' }),
  data: () => syntheticData.multiclass(),
  skip: { weights: sgdWeights },
})
runLearnerConformance({
  name: 'sgd-linear (regression)',
  make: () => sgdLinear({ epochs: 2, batchSize: 8 }),
  data: () => syntheticData.regression(),
  skip: { weights: sgdWeights },
})
