import type { FitOptions, Learner, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { fitBoosted } from './fit.js'
import { GbdtModel } from './model.js'
import type { GbdtParams } from './params.js'

/**
 * Histogram gradient-boosted decision trees: the default learner for tabular data. Binary,
 * multiclass and regression; native missing values and categorical features; sample and class
 * weights; monotone constraints; early stopping; warm start through the fitted model's `update`.
 *
 * @example
 * const learner = createLearner('gbdt', { nEstimators: 200, maxDepth: 6 })
 * const data = { X, y, task: 'binary', classes: ['on time', 'late'] } as const
 * const model = learner.fit(data, { rng: createRng(1) })
 */
export class GbdtLearner implements Learner<GbdtModel, GbdtParams> {
  readonly kind = 'gbdt'
  readonly params: Readonly<GbdtParams>
  readonly capabilities: LearnerCapabilities = {
    tasks: ['binary', 'multiclass', 'regression'],
    categorical: true,
    missing: true,
    weights: true,
    incremental: true,
  }

  constructor(params: GbdtParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, options: FitOptions): GbdtModel {
    return new GbdtModel(fitBoosted(this.params, data, options))
  }
}
