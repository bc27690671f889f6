import { z } from 'zod'
import { checkTrainingSet } from '../shared/training-set.js'
import { numericFeatureColumns, pinNumericFeatures } from '../shared/numeric-features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type { FitOptions, Learner, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { solveGlm } from './glm.js'
import { LinearModel } from './linear-model.js'
import { solverParams } from './logistic-regression.js'

const alpha = (what: string) =>
  z.number().min(0).finite().default(1).describe(`Regularization strength (${what}).`)

/** Hyperparameters of ordinary least squares. */
export const linearRegressionParams = z.strictObject({ ...solverParams })
/** Hyperparameters of ridge regression: minimizes Σ sᵢ·rᵢ² + alpha·‖w‖² (scikit-learn's Ridge). */
export const ridgeParams = z.strictObject({
  alpha: alpha('Σ sᵢ·rᵢ² + alpha·‖w‖², no 1/n: scikit-learn Ridge'),
  ...solverParams,
})
/** Hyperparameters of the lasso: minimizes Σ sᵢ·rᵢ² / (2·Σ sᵢ) + alpha·‖w‖₁ (scikit-learn's Lasso). */
export const lassoParams = z.strictObject({
  alpha: alpha('Σ sᵢ·rᵢ² / (2·Σ sᵢ) + alpha·‖w‖₁: scikit-learn Lasso'),
  ...solverParams,
})
/** Hyperparameters of the elastic net (scikit-learn's ElasticNet objective). */
export const elasticNetParams = z.strictObject({
  alpha: alpha(
    'Σ sᵢ·rᵢ² / (2·Σ sᵢ) + alpha·l1Ratio·‖w‖₁ + alpha·(1 − l1Ratio)/2·‖w‖²: scikit-learn ElasticNet',
  ),
  l1Ratio: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Share of the L1 term: 1 is the lasso, 0 is ridge (with the 1/(2n) loss scaling).'),
  ...solverParams,
})

type SolverParams = z.output<z.ZodObject<typeof solverParams>>

/** How a regression learner's penalty maps onto λ₁, λ₂ of the weighted-mean objective. */
type Penalty = (weightSum: number) => { l1: number; l2: number }

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['regression'] as const),
  categorical: false,
  missing: false,
  weights: true,
  incremental: false,
})

/**
 * A penalized least-squares learner. The four kinds (`linear-regression`, `ridge`, `lasso`,
 * `elastic-net`) keep scikit-learn's separate objective scalings, so an `alpha` copied from
 * scikit-learn means the same thing here. Solved by L-BFGS (OWL-QN with an L1 term) on
 * standardized coordinates; features must be numeric and complete.
 */
export class PenalizedLinearRegression<P extends SolverParams = SolverParams> implements Learner<
  LinearModel,
  P
> {
  readonly kind: string
  readonly params: Readonly<P>
  readonly capabilities = CAPABILITIES
  readonly #penalty: Penalty

  constructor(kind: string, params: P, penalty: Penalty) {
    this.kind = kind
    this.params = Object.freeze({ ...params })
    this.#penalty = penalty
  }

  fit(data: TrainingSet, options: FitOptions): LinearModel {
    const checked = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const features = pinNumericFeatures(data.X, this.kind)
    const cols = numericFeatureColumns(data.X, features, this.kind)
    const { l1, l2 } = this.#penalty(checked.weightSum)
    const sol = solveGlm({
      cols,
      y: data.y,
      weight: checked.weight,
      loss: 'squared',
      outputs: 1,
      fitIntercept: this.params.fitIntercept,
      l1,
      l2,
      gtol: this.params.tol,
      maxIter: this.params.maxIter,
      signal: options.signal,
    })
    options.onProgress?.({ done: 1, total: 1, message: `${sol.result.iterations} iterations` })
    return new LinearModel({
      task: 'regression',
      features,
      classes: undefined,
      coef: sol.coef,
      intercept: sol.intercept,
      fit: {
        learner: this.kind,
        params: { ...this.params },
        iterations: sol.result.iterations,
        converged: sol.result.converged,
        gradientNorm: sol.result.gradNorm,
      },
    })
  }
}

type LinearParams = z.output<typeof linearRegressionParams>
type RidgeParams = z.output<typeof ridgeParams>
type LassoParams = z.output<typeof lassoParams>
type ElasticNetParams = z.output<typeof elasticNetParams>

const makeLinear = (p: LinearParams) =>
  new PenalizedLinearRegression('linear-regression', p, () => ({ l1: 0, l2: 0 }))
// Ridge: Σ s·r² + α‖w‖² = 2·Σs · [Σ s·r² / (2Σs) + (α/Σs)/2 · ‖w‖²].
const makeRidge = (p: RidgeParams) =>
  new PenalizedLinearRegression('ridge', p, (ws) => ({ l1: 0, l2: p.alpha / ws }))
const makeLasso = (p: LassoParams) =>
  new PenalizedLinearRegression('lasso', p, () => ({ l1: p.alpha, l2: 0 }))
const makeElasticNet = (p: ElasticNetParams) =>
  new PenalizedLinearRegression('elastic-net', p, () => ({
    l1: p.alpha * p.l1Ratio,
    l2: p.alpha * (1 - p.l1Ratio),
  }))

/** Ordinary least squares (weighted when the training set has weights). */
export const linearRegression = (params: unknown = {}) =>
  makeLinear(parseParams('linear-regression', linearRegressionParams, params))
/** Ridge regression with scikit-learn's `Ridge` objective. */
export const ridgeRegression = (params: unknown = {}) =>
  makeRidge(parseParams('ridge', ridgeParams, params))
/** Lasso regression with scikit-learn's `Lasso` objective. */
export const lassoRegression = (params: unknown = {}) =>
  makeLasso(parseParams('lasso', lassoParams, params))
/** Elastic-net regression with scikit-learn's `ElasticNet` objective. */
export const elasticNetRegression = (params: unknown = {}) =>
  makeElasticNet(parseParams('elastic-net', elasticNetParams, params))

/** Registry entry for `linear-regression`. */
export const linearRegressionDefinition: LearnerDefinition<typeof linearRegressionParams> = {
  kind: 'linear-regression',
  description: 'Ordinary least squares linear regression.',
  params: linearRegressionParams,
  create: makeLinear,
}
/** Registry entry for `ridge`. */
export const ridgeDefinition: LearnerDefinition<typeof ridgeParams> = {
  kind: 'ridge',
  description: 'Linear regression with an L2 penalty (scikit-learn Ridge objective).',
  params: ridgeParams,
  create: makeRidge,
}
/** Registry entry for `lasso`. */
export const lassoDefinition: LearnerDefinition<typeof lassoParams> = {
  kind: 'lasso',
  description: 'Linear regression with an L1 penalty (scikit-learn Lasso objective), via OWL-QN.',
  params: lassoParams,
  create: makeLasso,
}
/** Registry entry for `elastic-net`. */
export const elasticNetDefinition: LearnerDefinition<typeof elasticNetParams> = {
  kind: 'elastic-net',
  description: 'Linear regression with an L1 + L2 penalty (scikit-learn ElasticNet objective).',
  params: elasticNetParams,
  create: makeElasticNet,
}
