import { z } from 'zod'
import type { Frame } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
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
import { rawFromProba } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'
import {
  assertPriors,
  checkSchema,
  classPriors,
  probabilitiesSchema,
  repeatRows,
  weightedQuantiles,
} from './distribution.js'

/** The fitted-model kind of {@link RandomBaseline}. */
export const RANDOM_BASELINE_MODEL_KIND = 'random-baseline'

/** Hyperparameters of {@link RandomBaseline}. */
export const randomBaselineParams = z.strictObject({
  strategy: z
    .enum(['uniform', 'prior'])
    .default('prior')
    .describe(
      'uniform: every class (or every value between the training min and max) equally likely; prior: drawn from the training distribution of the labels.',
    ),
})

/** Parsed hyperparameters of {@link RandomBaseline}. */
export type RandomBaselineParams = z.output<typeof randomBaselineParams>

const CAPABILITIES: LearnerCapabilities = Object.freeze({
  tasks: Object.freeze(['binary', 'multiclass', 'regression'] as const),
  categorical: true,
  missing: true,
  weights: true,
  incremental: false,
})

/**
 * A model that guesses: the floor any real model must clear. Probabilities are the distribution it
 * guesses from (uniform or the class priors), so probability metrics score the guessing
 * distribution itself; `predict` draws from it.
 *
 * Draws come from a generator seeded with the model's stored `seed` and restarted on every call,
 * so the same frame always gets the same predictions, and a reloaded model predicts identically.
 * The draw for a row depends on its position in the frame, not on its content.
 */
export class RandomBaselineModel implements FittedModel {
  readonly kind = RANDOM_BASELINE_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly strategy: 'uniform' | 'prior'
  readonly seed: number
  /** Classification: the distribution guessed from. Regression: quantiles of the targets. */
  readonly distribution: Float64Array

  constructor(
    task: Task,
    features: readonly FeatureSpec[],
    classes: readonly string[] | undefined,
    strategy: 'uniform' | 'prior',
    seed: number,
    distribution: Float64Array,
  ) {
    this.task = task
    this.features = Object.freeze([...features])
    this.classes = classes ? Object.freeze([...classes]) : undefined
    this.strategy = strategy
    this.seed = seed
    this.distribution = Float64Array.from(distribution)
  }

  predictRaw(X: Frame): Float64Array {
    if (this.task === 'regression') return this.predict(X)
    return rawFromProba(this.predictProba(X), this.task)
  }

  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    checkSchema(X, this.features)
    return repeatRows(this.distribution, X.numRows)
  }

  predict(X: Frame): Float64Array {
    checkSchema(X, this.features)
    const rng = createRng(this.seed)
    const n = X.numRows
    const out = new Float64Array(n)
    const dist = this.distribution
    if (this.task === 'regression') {
      const q = dist.length - 1
      for (let i = 0; i < n; i++) {
        const u = rng.float()
        if (this.strategy === 'uniform') {
          out[i] = dist[0]! + u * (dist[q]! - dist[0]!)
        } else {
          // Inverse CDF through the stored quantiles, linear between levels.
          const pos = u * q
          const k = Math.floor(pos)
          out[i] = dist[k]! + (pos - k) * (dist[Math.min(q, k + 1)]! - dist[k]!)
        }
      }
      return out
    }
    for (let i = 0; i < n; i++) {
      const u = rng.float()
      let c = 0
      let cum = dist[0]!
      while (u >= cum && c < dist.length - 1) cum += dist[++c]!
      out[i] = c
    }
    return out
  }

  toJSON(): ModelJSON {
    return {
      ...modelDocumentHeader(this),
      strategy: this.strategy,
      seed: this.seed,
      distribution: Array.from(this.distribution),
    }
  }
}

/** Random-guess baseline (uniform or class-prior), seeded from the fit generator. */
export class RandomBaseline implements Learner<RandomBaselineModel, RandomBaselineParams> {
  readonly kind = 'random-baseline'
  readonly params: Readonly<RandomBaselineParams>
  readonly capabilities = CAPABILITIES

  constructor(params: RandomBaselineParams) {
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, options: FitOptions): RandomBaselineModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: CAPABILITIES })
    const features = pinFeatures(data.X)
    const seed = options.rng.uint32()
    const { strategy } = this.params
    let distribution: Float64Array
    if (data.task === 'regression') {
      const q = weightedQuantiles(data.y, c.weight)
      distribution = Float64Array.from(strategy === 'uniform' ? [q[0]!, q[q.length - 1]!] : q)
    } else if (strategy === 'uniform') {
      distribution = new Float64Array(c.numClasses).fill(1 / c.numClasses)
    } else {
      distribution = classPriors(c.classWeightSums)
    }
    return new RandomBaselineModel(data.task, features, c.classes, strategy, seed, distribution)
  }
}

const randomModelSchema = modelHeaderSchema.extend({
  strategy: z.enum(['uniform', 'prior']),
  seed: z.number().int().min(0).max(0xffffffff),
  distribution: z.array(z.number()).min(2),
})

/** Load a {@link RandomBaselineModel} from JSON. */
export const loadRandomBaselineModel = (json: unknown): RandomBaselineModel => {
  const doc = parseModelDocument(RANDOM_BASELINE_MODEL_KIND, randomModelSchema, json)
  if (doc.task === 'regression') {
    const d = doc.distribution
    assertModelShape(
      d.every((v, i) => i === 0 || v >= d[i - 1]!),
      RANDOM_BASELINE_MODEL_KIND,
      'regression quantiles must be sorted',
    )
  } else {
    assertModelShape(
      probabilitiesSchema.safeParse(doc.distribution).success,
      RANDOM_BASELINE_MODEL_KIND,
      'probabilities in [0, 1]',
    )
    assertPriors(RANDOM_BASELINE_MODEL_KIND, doc.distribution, doc.classes)
  }
  return new RandomBaselineModel(
    doc.task,
    doc.features,
    doc.classes,
    doc.strategy,
    doc.seed,
    Float64Array.from(doc.distribution),
  )
}

/** A {@link RandomBaseline} learner from loose hyperparameters. */
export const randomBaseline = (params: unknown = {}): RandomBaseline =>
  new RandomBaseline(parseParams('random-baseline', randomBaselineParams, params))

/** Registry entry for `random-baseline`. */
export const randomBaselineDefinition: LearnerDefinition<typeof randomBaselineParams> = {
  kind: 'random-baseline',
  description:
    'Baseline: random guesses, uniform or from the training label distribution (seeded).',
  params: randomBaselineParams,
  create: (params) => new RandomBaseline(params),
}
