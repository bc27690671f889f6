export {
  LogisticRegression,
  logisticRegression,
  logisticRegressionDefinition,
  logisticRegressionParams,
  type LogisticRegressionParams,
} from './logistic-regression.js'
export {
  PenalizedLinearRegression,
  linearRegression,
  ridgeRegression,
  lassoRegression,
  elasticNetRegression,
  linearRegressionDefinition,
  ridgeDefinition,
  lassoDefinition,
  elasticNetDefinition,
  linearRegressionParams,
  ridgeParams,
  lassoParams,
  elasticNetParams,
} from './linear-regression.js'
export {
  LinearModel,
  loadLinearModel,
  LINEAR_MODEL_KIND,
  type LinearLink,
  type LinearFitSummary,
} from './linear-model.js'
export { linearContributions, type LinearContributions } from './contributions.js'
export { SgdLinear, sgdLinear, sgdLinearDefinition } from './sgd-linear.js'
export {
  SgdLinearModel,
  sgdLinearParams,
  loadSgdLinearModel,
  SGD_LINEAR_MODEL_KIND,
  type SgdLinearParams,
} from './sgd-model.js'
export {
  minimizeLbfgs,
  type SmoothObjective,
  type OptimizerOptions,
  type OptimizerResult,
} from './lbfgs.js'
export { minimizeOwlqn } from './owlqn.js'
