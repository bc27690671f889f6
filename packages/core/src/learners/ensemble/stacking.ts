import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { Frame, numericColumn, type Column } from '../../frame/index.js'
import { alignFeatures, pinFeatures } from '../features.js'
import { loadModel, parseParams, type LearnerDefinition } from '../registry.js'
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
import { crossValidate } from '../../model-selection/cross-validate.js'
import { kFoldSplitter, stratifiedKFoldSplitter } from '../../model-selection/splitters.js'
import { logisticRegression } from '../linear/logistic-regression.js'
import { ridgeRegression } from '../linear/linear-regression.js'
import {
  loadMembers,
  memberOutputs,
  ensembleMemberSchema,
  membersToJSON,
  resolveMember,
  sharedCapabilities,
  type EnsembleMember,
} from './members.js'

/** The fitted-model kind of {@link Stacking}. */
export const STACKING_MODEL_KIND = 'stacking'

/** Hyperparameters of {@link Stacking}. */
export const stackingParams = z.strictObject({
  members: z.array(ensembleMemberSchema).min(1).describe('The base learners.'),
  final: ensembleMemberSchema
    .optional()
    .describe(
      'The meta-learner fitted on the members’ out-of-fold outputs (default: logistic regression, or ridge for regression).',
    ),
  folds: z
    .number()
    .int()
    .min(2)
    .max(50)
    .default(5)
    .describe('Folds of the out-of-fold predictions (stratified for classification, shuffled).'),
  passthrough: z
    .boolean()
    .default(false)
    .describe('Also give the meta-learner the original features.'),
})

/** Parsed hyperparameters of {@link Stacking}. */
export type StackingParams = z.output<typeof stackingParams>

/** Names of the meta-features member `m` contributes (binary keeps the positive class only). */
const metaNames = (m: number, task: Task, classes: readonly string[] | undefined): string[] =>
  task === 'regression'
    ? [`__stack_${m}`]
    : task === 'binary'
      ? [`__stack_${m}_${classes![1]!}`]
      : classes!.map((c) => `__stack_${m}_${c}`)

/** Meta-feature columns from member outputs (probabilities n × K or values n). */
const metaColumns = (
  outputs: readonly Float64Array[],
  task: Task,
  classes: readonly string[] | undefined,
  n: number,
): [string, Column][] =>
  outputs.flatMap((out, m) => {
    const names = metaNames(m, task, classes)
    const k = task === 'regression' ? 1 : classes!.length
    return names.map((name, j): [string, Column] => {
      const c = task === 'binary' ? 1 : j
      return [name, numericColumn(Float64Array.from({ length: n }, (_, i) => out[i * k + c]!))]
    })
  })

/** Parts of a fitted stacking model. */
interface StackingParts {
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly members: readonly FittedModel[]
  readonly final: FittedModel
  readonly passthrough: boolean
  readonly params: StackingParams
}

/** A fitted stack: base models refitted on all data, and a meta-model over their outputs. */
export class StackingModel implements FittedModel {
  readonly kind = STACKING_MODEL_KIND
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly members: readonly FittedModel[]
  readonly final: FittedModel
  readonly #p: StackingParts

  constructor(p: StackingParts) {
    this.#p = p
    this.task = p.task
    this.features = Object.freeze([...p.features])
    this.classes = p.classes ? Object.freeze([...p.classes]) : undefined
    this.members = Object.freeze([...p.members])
    this.final = p.final
  }

  /** The meta-learner's input for `X`. */
  metaFrame(X: Frame): Frame {
    alignFeatures(X, this.features)
    const cols = metaColumns(
      this.members.map((m) => memberOutputs(m, X)),
      this.task,
      this.classes,
      X.numRows,
    )
    const base = this.#p.passthrough ? X.select(this.features.map((f) => f.name)).entries() : []
    return Frame.fromColumns(new Map([...cols, ...base]))
  }

  predictRaw(X: Frame): Float64Array {
    return this.final.predictRaw(this.metaFrame(X))
  }

  predictProba(X: Frame): Float64Array {
    return this.final.predictProba(this.metaFrame(X))
  }

  predict(X: Frame): Float64Array {
    return this.final.predict(this.metaFrame(X))
  }

  toJSON(): ModelJSON {
    return {
      ...modelDocumentHeader(this),
      params: this.#p.params,
      passthrough: this.#p.passthrough,
      members: membersToJSON(this.members),
      final: this.final.toJSON(),
    }
  }
}

/**
 * Stacked generalization (Wolpert 1992): the meta-learner is trained on out-of-fold predictions of
 * the base learners — predictions each base model made on rows it did not see — so it learns how
 * far to trust each member on new data rather than on memorized rows. The base learners are then
 * refitted on all the data for prediction. Folds come from the cross-validation splitters with
 * `rng.fork('member-i')`.
 */
export class Stacking implements Learner<StackingModel, StackingParams> {
  readonly kind = 'stacking'
  readonly params: Readonly<StackingParams>
  readonly capabilities: LearnerCapabilities
  readonly #members: Learner[]
  readonly #final: Learner | undefined

  constructor(
    params: Omit<StackingParams, 'members' | 'final'> & {
      members: readonly EnsembleMember[]
      final?: EnsembleMember | undefined
    },
  ) {
    const resolved = params.members.map(resolveMember)
    const final = params.final ? resolveMember(params.final) : undefined
    this.#members = resolved.map((r) => r.learner)
    this.#final = final?.learner
    const { members: _members, final: _final, ...rest } = params
    // Parsing again puts the keys in schema order, so a reloaded model serializes identically.
    this.params = Object.freeze(
      stackingParams.parse({
        ...rest,
        members: resolved.map((r) => r.spec),
        ...(final ? { final: final.spec } : {}),
      }),
    )
    this.capabilities = sharedCapabilities(this.#members)
  }

  fit(data: TrainingSet, options: FitOptions): StackingModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: this.capabilities })
    const finalLearner =
      this.#final ?? (data.task === 'regression' ? ridgeRegression() : logisticRegression())
    const k = this.params.folds
    const splitter =
      data.task === 'regression' ? kFoldSplitter({ k }) : stratifiedKFoldSplitter({ k })
    const oof = this.#members.map((m, i) => {
      const cv = crossValidate(m, data, {
        splitter,
        scoring: {},
        rng: options.rng.fork(`member-${i}`),
        ...(options.signal ? { signal: options.signal } : {}),
      })
      return cv.oof
    })
    const meta = Frame.fromColumns(
      new Map([
        ...metaColumns(oof, data.task, c.classes, c.n),
        ...(this.params.passthrough ? data.X.entries() : []),
      ]),
    )
    const members = this.#members.map((m, i) =>
      m.fit(data, { rng: options.rng.fork(`member-${i}-full`) }),
    )
    const final = finalLearner.fit({ ...data, X: meta }, { rng: options.rng.fork('final') })
    return new StackingModel({
      task: data.task,
      features: pinFeatures(data.X),
      classes: c.classes,
      members,
      final,
      passthrough: this.params.passthrough,
      params: this.params,
    })
  }
}

const stackingModelSchema = modelHeaderSchema.extend({
  params: stackingParams,
  passthrough: z.boolean(),
  members: z.array(z.unknown()).min(1),
  final: z.unknown().refine((v) => typeof v === 'object' && v !== null, 'a model document'),
})

/** Load a stacking model; its members and meta-model load through the model registry. */
export const loadStackingModel = (json: unknown): StackingModel => {
  const doc = parseModelDocument(STACKING_MODEL_KIND, stackingModelSchema, json)
  const members = loadMembers(STACKING_MODEL_KIND, doc.members, doc.task, doc.classes)
  let final: FittedModel
  try {
    final = loadModel(doc.final)
  } catch (e) {
    if (e instanceof KeelError)
      throw new KeelError(e.code, `stacking meta-model: ${e.message}`, { cause: e })
    throw e
  }
  assertModelShape(final.task === doc.task, STACKING_MODEL_KIND, 'the meta-model has another task')
  const expected = new Set([
    ...members.flatMap((_, m) => metaNames(m, doc.task, doc.classes)),
    ...(doc.passthrough ? doc.features.map((f) => f.name) : []),
  ])
  assertModelShape(
    final.features.every((f) => expected.has(f.name)),
    STACKING_MODEL_KIND,
    'the meta-model reads features the members do not produce',
  )
  return new StackingModel({
    task: doc.task,
    features: doc.features,
    classes: doc.classes,
    members,
    final,
    passthrough: doc.passthrough,
    params: doc.params,
  })
}

/** A {@link Stacking} learner; members and `final` may be learner objects or `{ kind, params }`. */
export const stackingEnsemble = (
  params: Partial<Omit<StackingParams, 'members' | 'final'>> & {
    members: readonly EnsembleMember[]
    final?: EnsembleMember
  },
): Stacking => {
  const { members, final, ...rest } = params
  const parsed = parseParams('stacking', stackingParams.omit({ members: true, final: true }), rest)
  return new Stacking({ ...parsed, members, final })
}

/** Registry entry for `stacking`. */
export const stackingDefinition: LearnerDefinition<typeof stackingParams> = {
  kind: 'stacking',
  description: 'Stacking: a meta-learner trained on the base learners’ out-of-fold predictions.',
  params: stackingParams,
  create: (params) => new Stacking(params),
}
