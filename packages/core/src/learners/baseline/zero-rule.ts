import { z } from 'zod'
import type { Frame } from '../../frame/index.js'
import { pinFeatures } from '../features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type {
  FeatureSpec,
  FitOptions,
  FittedModel,
  Learner,
  LearnerCapabilities,
  ModelJSON,
  Task,
  TrainingSet,
} from '../protocol.js'
import { checkTrainingSet } from '../shared/training-set.js'
import {
  assertModelShape,
  modelDocumentHeader,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import { argmaxRows, rawFromProba } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'
import {
  assertPriors,
  checkSchema,
  classPriors,
  probabilitiesSchema,
  repeatRows,
  weightedMean,
  weightedMedian,
} from './distribution.js'

/** The fitted-model kind of {@link ZeroRule}. */
export const ZERO_RULE_MODEL_KIND = 'zero-rule'

/** Hyperparameters of {@link ZeroRule}. */
export const zeroRuleParams = z.strictObject({
  regression: z
    .enum(['mean', 'median'])
    .default('mean')
    .describe('Constant predicted for regression: the weighted mean or the weighted median.'),
})

/** Parsed hyperparameters of {@link ZeroRule}. */
export type ZeroRuleParams = z.output<typeof zeroRuleParams>

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass', 'regression'] as const),
  categorical: true,
  missing: true,
  weights: true,
  incremental: false,
})

/**
 * The zero-rule model: ignores the features. Classification predicts the majority class and
 * reports the training class frequencies as probabilities (so log loss and Brier score have a
 * meaningful floor); regression predicts a constant (mean or median).
 */
export class ZeroRuleModel implements FittedModel {
  readonly kind = ZERO_RULE_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  /** Class frequencies (classification) — empty for regression. */
  readonly priors: Float64Array
  /** The constant prediction (regression) — NaN-free; 0 for classification. */
  readonly value: number

  constructor(
    task: Task,
    features: readonly FeatureSpec[],
    classes: readonly string[] | undefined,
    priors: Float64Array,
    value: number,
  ) {
    this.task = task
    this.features = Object.freeze([...features])
    this.classes = classes ? Object.freeze([...classes]) : undefined
    this.priors = Float64Array.from(priors)
    this.value = value
  }

  predictRaw(X: Frame): Float64Array {
    if (this.task === 'regression') return this.predict(X)
    return rawFromProba(this.predictProba(X), this.task)
  }

  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    checkSchema(X, this.features)
    return repeatRows(this.priors, X.numRows)
  }

  predict(X: Frame): Float64Array {
    checkSchema(X, this.features)
    if (this.task === 'regression') return new Float64Array(X.numRows).fill(this.value)
    const majority = argmaxRows(this.priors, this.priors.length)[0]!
    return new Float64Array(X.numRows).fill(majority)
  }

  toJSON(): ModelJSON {
    return {
      ...modelDocumentHeader(this),
      ...(this.task === 'regression' ? { value: this.value } : { priors: Array.from(this.priors) }),
    }
  }
}

/** Zero-rule learner: majority class / class frequencies, or the mean or median target. */
export class ZeroRule implements Learner<ZeroRuleModel, ZeroRuleParams> {
  readonly kind = 'zero-rule'
  readonly params: Readonly<ZeroRuleParams>
  readonly capabilities = CAPABILITIES

  constructor(params: ZeroRuleParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, _options: FitOptions): ZeroRuleModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const features = pinFeatures(data.X)
    if (data.task === 'regression') {
      const value =
        this.params.regression === 'mean'
          ? weightedMean(data.y, c.weight)
          : weightedMedian(data.y, c.weight)
      return new ZeroRuleModel('regression', features, undefined, new Float64Array(0), value)
    }
    return new ZeroRuleModel(data.task, features, c.classes, classPriors(c.classWeightSums), 0)
  }
}

const zeroRuleModelSchema = modelHeaderSchema.extend({
  priors: probabilitiesSchema.optional(),
  value: z.number().optional(),
})

/** Load a {@link ZeroRuleModel} from JSON. */
export const loadZeroRuleModel = (json: unknown): ZeroRuleModel => {
  const doc = parseModelDocument(ZERO_RULE_MODEL_KIND, zeroRuleModelSchema, json)
  if (doc.task === 'regression') {
    assertModelShape(doc.value !== undefined, ZERO_RULE_MODEL_KIND, 'regression needs value')
    return new ZeroRuleModel('regression', doc.features, undefined, new Float64Array(0), doc.value!)
  }
  assertPriors(ZERO_RULE_MODEL_KIND, doc.priors ?? [], doc.classes)
  return new ZeroRuleModel(doc.task, doc.features, doc.classes, Float64Array.from(doc.priors!), 0)
}

/** A {@link ZeroRule} learner from loose hyperparameters. */
export const zeroRule = (params: unknown = {}): ZeroRule =>
  new ZeroRule(parseParams('zero-rule', zeroRuleParams, params))

/** Registry entry for `zero-rule`. */
export const zeroRuleDefinition: LearnerDefinition<typeof zeroRuleParams> = {
  kind: 'zero-rule',
  description: 'Baseline: the majority class (with class frequencies) or the mean / median target.',
  params: zeroRuleParams,
  create: (params) => new ZeroRule(params),
}
