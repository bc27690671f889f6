import { checkTrainingSet } from '../shared/training-set.js'
import { numericFeatureColumns, pinNumericFeatures } from '../shared/numeric-features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type { FitOptions, Learner, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { resolveClassWeights } from './class-weights.js'
import {
  SgdLinearModel,
  sgdLinearParams,
  type SgdLinearParams,
  type SgdModelParts,
} from './sgd-model.js'

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass', 'regression'] as const),
  categorical: false,
  missing: false,
  weights: true,
  incremental: true,
})

/**
 * A linear model trained by mini-batch Adam or SGD, for every task, whose fitted model implements
 * `update()` for incremental (stateful) retraining. Features are standardized with statistics
 * pinned at the first fit.
 */
export class SgdLinear implements Learner<SgdLinearModel, SgdLinearParams> {
  readonly kind = 'sgd-linear'
  readonly params: Readonly<SgdLinearParams>
  readonly capabilities = CAPABILITIES

  constructor(params: SgdLinearParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, options: FitOptions): SgdLinearModel {
    const checked = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const features = pinNumericFeatures(data.X, this.kind)
    const cols = numericFeatureColumns(data.X, features, this.kind)
    const d = cols.length
    const mean = new Float64Array(d)
    const scale = new Float64Array(d)
    const w = checked.weight
    for (let j = 0; j < d; j++) {
      const c = cols[j]!
      let m = 0
      for (let i = 0; i < c.length; i++) m += w[i]! * c[i]!
      m /= checked.weightSum
      let v = 0
      for (let i = 0; i < c.length; i++) v += w[i]! * (c[i]! - m) ** 2
      mean[j] = m
      scale[j] = v > 0 ? Math.sqrt(v / checked.weightSum) : 1
    }
    const K = data.task === 'multiclass' ? checked.numClasses : 1
    const classWeights = checked.classes
      ? resolveClassWeights(this.params.classWeight, checked.classes, data.y)
      : new Float64Array(0)
    const intercept = new Float64Array(K)
    if (data.task === 'regression') {
      let m = 0
      for (let i = 0; i < data.y.length; i++) m += w[i]! * data.y[i]!
      intercept[0] = m / checked.weightSum
    }
    const P = K * d + K
    const parts: SgdModelParts = {
      task: data.task,
      features,
      classes: checked.classes,
      params: this.params,
      scaler: { mean, scale },
      classWeights,
      state: {
        coef: new Float64Array(K * d),
        intercept,
        m: new Float64Array(P),
        v: new Float64Array(P),
        t: 0,
      },
      rowsSeen: 0,
    }
    return SgdLinearModel.fitFresh(parts, cols, data, checked.weight, options)
  }
}

/** An {@link SgdLinear} learner from loose hyperparameters. */
export const sgdLinear = (params: unknown = {}): SgdLinear =>
  new SgdLinear(parseParams('sgd-linear', sgdLinearParams, params))

/** Registry entry for `sgd-linear`. */
export const sgdLinearDefinition: LearnerDefinition<typeof sgdLinearParams> = {
  kind: 'sgd-linear',
  description:
    'Linear model (logistic / softmax / squared loss) trained by mini-batch Adam or SGD; supports update() for incremental retraining.',
  params: sgdLinearParams,
  create: (params) => new SgdLinear(params),
}
