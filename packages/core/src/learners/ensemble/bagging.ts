import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { pinFeatures } from '../features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type {
  FitOptions,
  FittedModel,
  Learner,
  LearnerCapabilities,
  TrainingSet,
} from '../protocol.js'
import { checkTrainingSet, subsetTrainingSet } from '../shared/training-set.js'
import { modelHeaderSchema, parseModelDocument } from '../shared/model-document.js'
import { defaultCvScorer } from '../../model-selection/scorers.js'
import { throwIfAborted } from '../shared/abort.js'
import { AveragingModel } from './averaging-model.js'
import {
  loadMembers,
  memberOutputs,
  ensembleMemberSchema,
  resolveMember,
  sharedCapabilities,
  type EnsembleMember,
} from './members.js'

/** The fitted-model kind of {@link Bagging}. */
export const BAGGING_MODEL_KIND = 'bagging'

/** Hyperparameters of {@link Bagging}. */
export const baggingParams = z.strictObject({
  base: ensembleMemberSchema.describe('The learner fitted on every bootstrap sample.'),
  nEstimators: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('Number of bootstrap members.'),
  maxSamples: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe('Bootstrap sample size as a share of the training rows.'),
  oobScore: z
    .boolean()
    .default(false)
    .describe(
      'Score each row with the members that did not see it (accuracy or R²), stored in the model.',
    ),
})

/** Parsed hyperparameters of {@link Bagging}. */
export type BaggingParams = z.output<typeof baggingParams>

const MAX_REDRAWS = 20

/** Out-of-bag estimate kept in a bagging model. */
export interface OutOfBag {
  readonly scoring: string
  readonly score: number
  /** Rows that were out of bag for at least one member (the rows scored). */
  readonly rows: number
}

/**
 * Bootstrap aggregating (Breiman 1996): fit the base learner on seeded bootstrap samples and
 * average the members (probabilities for classification, predictions for regression). Reduces the
 * variance of unstable learners. Member i draws from `rng.fork('bag-i')`, so the ensemble is
 * reproducible and a member does not depend on how many others there are. For classification, a
 * sample missing a class is redrawn (up to 20 times), so every member knows every class.
 */
export class Bagging implements Learner<AveragingModel, BaggingParams> {
  readonly kind = 'bagging'
  readonly params: Readonly<BaggingParams>
  readonly capabilities: LearnerCapabilities
  readonly #base: Learner

  constructor(params: Omit<BaggingParams, 'base'> & { base: EnsembleMember }) {
    const { learner, spec } = resolveMember(params.base)
    this.#base = learner
    // Parsing again puts the keys in schema order, so a reloaded model serializes identically.
    this.params = Object.freeze(baggingParams.parse({ ...params, base: spec }))
    this.capabilities = sharedCapabilities([learner])
  }

  fit(data: TrainingSet, options: FitOptions): AveragingModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: this.capabilities })
    const n = c.n
    const m = Math.max(1, Math.round(this.params.maxSamples * n))
    const inBag: Uint8Array[] = []
    const members: FittedModel[] = []
    for (let b = 0; b < this.params.nEstimators; b++) {
      throwIfAborted(options.signal)
      const rng = options.rng.fork(`bag-${b}`)
      let idx = new Int32Array(m)
      for (let attempt = 0; ; attempt++) {
        for (let i = 0; i < m; i++) idx[i] = rng.int(n)
        if (!c.classes || hasEveryClass(idx, data.y, c.classWeightSums, c.weight)) break
        if (attempt === MAX_REDRAWS) {
          throw new KeelError(
            'INVALID_DATA',
            `bagging: ${MAX_REDRAWS} bootstrap samples in a row missed a class; a class is too rare for ${m}-row samples`,
            { hint: 'raise maxSamples or drop the rare class' },
          )
        }
        idx = new Int32Array(m)
      }
      const mask = new Uint8Array(n)
      for (const i of idx) mask[i] = 1
      inBag.push(mask)
      members.push(this.#base.fit(subsetTrainingSet(data, idx), { rng: rng.fork('fit') }))
      options.onProgress?.({ done: b + 1, total: this.params.nEstimators })
    }
    const oob = this.params.oobScore ? outOfBag(data, members, inBag, c.weight) : undefined
    return new AveragingModel({
      kind: BAGGING_MODEL_KIND,
      task: data.task,
      features: pinFeatures(data.X),
      classes: c.classes,
      members,
      weights: members.map(() => 1),
      voting: 'soft',
      extra: { params: this.params, ...(oob ? { oob } : {}) },
    })
  }
}

const hasEveryClass = (
  idx: Int32Array,
  y: Float64Array,
  classWeightSums: Float64Array,
  weight: Float64Array,
): boolean => {
  const seen = new Uint8Array(classWeightSums.length)
  for (const i of idx) if (weight[i]! > 0) seen[y[i]!] = 1
  return classWeightSums.every((s, k) => !(s > 0) || seen[k] === 1)
}

/** Average each row's predictions over the members that did not train on it, then score. */
const outOfBag = (
  data: TrainingSet,
  members: readonly FittedModel[],
  inBag: readonly Uint8Array[],
  weight: Float64Array,
): OutOfBag | undefined => {
  const n = data.y.length
  const width = data.task === 'regression' ? 1 : (data.classes?.length ?? 2)
  const sum = new Float64Array(n * width)
  const count = new Int32Array(n)
  members.forEach((m, b) => {
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => inBag[b]![i] === 0)
    if (rows.length === 0) return
    const out = memberOutputs(m, data.X.take(rows))
    rows.forEach((r, t) => {
      count[r]!++
      for (let c = 0; c < width; c++) sum[r * width + c] = sum[r * width + c]! + out[t * width + c]!
    })
  })
  const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => count[i]! > 0)
  if (rows.length === 0) return undefined
  const pred = new Float64Array(rows.length * width)
  rows.forEach((r, t) => {
    for (let c = 0; c < width; c++) pred[t * width + c] = sum[r * width + c]! / count[r]!
  })
  const { name, score } = defaultCvScorer(data.task)
  const y = Float64Array.from(rows, (r) => data.y[r]!)
  const w = Float64Array.from(rows, (r) => weight[r]!)
  return { scoring: name, score: score(y, pred, data.task, w), rows: rows.length }
}

const baggingModelSchema = modelHeaderSchema.extend({
  params: baggingParams,
  oob: z
    .object({ scoring: z.string(), score: z.number(), rows: z.number().int().min(1) })
    .optional(),
  voting: z.literal('soft'),
  weights: z.array(z.literal(1)),
  members: z.array(z.unknown()).min(1),
})

/** Load a bagging model; its members load through the model registry. */
export const loadBaggingModel = (json: unknown): AveragingModel => {
  const doc = parseModelDocument(BAGGING_MODEL_KIND, baggingModelSchema, json)
  const members = loadMembers(BAGGING_MODEL_KIND, doc.members, doc.task, doc.classes)
  return new AveragingModel({
    kind: BAGGING_MODEL_KIND,
    task: doc.task,
    features: doc.features,
    classes: doc.classes,
    members,
    weights: members.map(() => 1),
    voting: 'soft',
    extra: { params: doc.params, ...(doc.oob ? { oob: doc.oob } : {}) },
  })
}

/** A {@link Bagging} learner; `base` may be a learner object or `{ kind, params }`. */
export const baggingEnsemble = (
  params: Partial<Omit<BaggingParams, 'base'>> & { base: EnsembleMember },
): Bagging => {
  const { base, ...rest } = params
  const parsed = parseParams('bagging', baggingParams.omit({ base: true }), rest)
  return new Bagging({ ...parsed, base })
}

/** Registry entry for `bagging`. */
export const baggingDefinition: LearnerDefinition<typeof baggingParams> = {
  kind: 'bagging',
  description: 'Bootstrap aggregating of any learner, with an optional out-of-bag score.',
  params: baggingParams,
  create: (params) => new Bagging(params),
}
