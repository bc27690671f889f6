import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { checkTrainingSet } from '../shared/training-set.js'
import { numericFeatureColumns, pinNumericFeatures } from '../shared/numeric-features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type { FitOptions, Learner, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { classWeightSchema, effectiveWeights, resolveClassWeights } from './class-weights.js'
import { solveGlm } from './glm.js'
import { LinearModel } from './linear-model.js'

/** Optimizer controls shared by the batch linear learners. */
export const solverParams = {
  fitIntercept: z
    .boolean()
    .default(true)
    .describe('Fit an (unpenalized) intercept. Without one, the model passes through the origin.'),
  maxIter: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1000)
    .describe('Most L-BFGS / OWL-QN iterations; the model records whether it converged.'),
  tol: z
    .number()
    .positive()
    .max(1)
    .default(1e-10)
    .describe(
      'Stop when the largest |gradient| of the weighted-mean objective, in standardized coordinates, is at most this.',
    ),
}

/** Hyperparameters of {@link LogisticRegression}: scikit-learn's objective, camelCased. */
export const logisticRegressionParams = z
  .strictObject({
    penalty: z
      .enum(['l2', 'l1', 'elasticnet', 'none'])
      .default('l2')
      .describe('Regularization of the coefficients (never the intercept).'),
    C: z
      .number()
      .positive()
      .finite()
      .default(1)
      .describe(
        'Inverse regularization strength: minimizes C·Σ wᵢ·lossᵢ + penalty, as scikit-learn.',
      ),
    l1Ratio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Elastic-net mix: penalty = l1Ratio·‖w‖₁ + (1 − l1Ratio)/2·‖w‖². Required for elasticnet.',
      ),
    classWeight: classWeightSchema,
    ...solverParams,
  })
  .refine((p) => p.penalty !== 'elasticnet' || p.l1Ratio !== undefined, {
    message: 'penalty "elasticnet" needs l1Ratio',
    path: ['l1Ratio'],
  })

/** Parsed hyperparameters of {@link LogisticRegression}. */
export type LogisticRegressionParams = z.output<typeof logisticRegressionParams>

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass'] as const),
  categorical: false,
  missing: false,
  weights: true,
  incremental: false,
})

/**
 * Logistic regression: binary (sigmoid) or multinomial (softmax), minimizing exactly
 * scikit-learn's `LogisticRegression` objective — C·Σᵢ sᵢ·cᵧᵢ·lossᵢ + ½‖W‖² for L2, with ‖W‖₁ or
 * the elastic-net mix for L1 / elastic net — so coefficients agree with scikit-learn's. Solved by
 * L-BFGS (OWL-QN with an L1 term) on standardized coordinates to a 1e-10 gradient tolerance.
 * Features must be numeric and complete.
 *
 * @example
 * const model = logisticRegression({ C: 0.5 }).fit(data, { rng: createRng(1) })
 * model.coefficients() // { distance: 0.0012, hour: 0.08 }
 */
export class LogisticRegression implements Learner<LinearModel, LogisticRegressionParams> {
  readonly kind = 'logistic-regression'
  readonly params: Readonly<LogisticRegressionParams>
  readonly capabilities = CAPABILITIES

  constructor(params: LogisticRegressionParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, options: FitOptions): LinearModel {
    const p = this.params
    const checked = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const classes = checked.classes!
    const features = pinNumericFeatures(data.X, this.kind)
    const cols = numericFeatureColumns(data.X, features, this.kind)
    const cw = resolveClassWeights(p.classWeight, classes, data.y)
    const weight = effectiveWeights(checked.weight, data.y, cw)
    const perClass = new Float64Array(classes.length)
    let total = 0
    for (let i = 0; i < weight.length; i++) {
      perClass[data.y[i]!] = perClass[data.y[i]!]! + weight[i]!
      total += weight[i]!
    }
    const absent = classes.filter((_, c) => !(perClass[c]! > 0))
    if (absent.length > 0) {
      throw new KeelError(
        'INVALID_DATA',
        `${this.kind}: class ${absent.map((c) => `"${c}"`).join(', ')} has no training rows with positive weight; its intercept would diverge`,
        { path: ['y'], hint: 'drop the class from `classes`, or use a stratified split' },
      )
    }
    const ratio = p.penalty === 'elasticnet' ? p.l1Ratio! : p.penalty === 'l1' ? 1 : 0
    const scale = p.C * total
    const l2 = p.penalty === 'none' ? 0 : (1 - ratio) / scale
    const l1 = p.penalty === 'none' ? 0 : ratio / scale
    const multinomial = data.task === 'multiclass'
    const sol = solveGlm({
      cols,
      y: data.y,
      weight,
      loss: multinomial ? 'multinomial' : 'logistic',
      outputs: multinomial ? classes.length : 1,
      fitIntercept: p.fitIntercept,
      l2,
      l1,
      gtol: p.tol,
      maxIter: p.maxIter,
      signal: options.signal,
    })
    options.onProgress?.({ done: 1, total: 1, message: `${sol.result.iterations} iterations` })
    return new LinearModel({
      task: data.task,
      features,
      classes,
      coef: sol.coef,
      intercept: sol.intercept,
      fit: {
        learner: this.kind,
        params: { ...p },
        iterations: sol.result.iterations,
        converged: sol.result.converged,
        gradientNorm: sol.result.gradNorm,
      },
    })
  }
}

/** A {@link LogisticRegression} from loose hyperparameters (`INVALID_PARAMS` when invalid). */
export const logisticRegression = (params: unknown = {}): LogisticRegression =>
  new LogisticRegression(parseParams('logistic-regression', logisticRegressionParams, params))

/** Registry entry for `logistic-regression`. */
export const logisticRegressionDefinition: LearnerDefinition<typeof logisticRegressionParams> = {
  kind: 'logistic-regression',
  description:
    'Logistic regression (binary or multinomial) with L2, L1 or elastic-net penalty; scikit-learn objective.',
  params: logisticRegressionParams,
  create: (params) => new LogisticRegression(params),
}
