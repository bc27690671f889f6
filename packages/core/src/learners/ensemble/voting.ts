import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { pinFeatures } from '../features.js'
import { parseParams, type LearnerDefinition } from '../registry.js'
import type { FitOptions, Learner, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { checkTrainingSet } from '../shared/training-set.js'
import {
  assertModelShape,
  modelHeaderSchema,
  parseModelDocument,
} from '../shared/model-document.js'
import { throwIfAborted } from '../shared/abort.js'
import { AveragingModel } from './averaging-model.js'
import {
  loadMembers,
  ensembleMemberSchema,
  resolveMember,
  sharedCapabilities,
  type EnsembleMember,
} from './members.js'

/** The fitted-model kind of {@link Voting}. */
export const VOTING_MODEL_KIND = 'voting'

/** Hyperparameters of {@link Voting}. */
export const votingParams = z.strictObject({
  members: z.array(ensembleMemberSchema).min(1).describe('The learners that vote.'),
  voting: z
    .enum(['soft', 'hard'])
    .default('soft')
    .describe(
      'soft: average class probabilities; hard: each member votes for its predicted class (probabilities are vote shares). Regression always averages.',
    ),
  weights: z
    .array(z.number().positive().finite())
    .optional()
    .describe('One weight per member (default all 1).'),
})

/** Parsed hyperparameters of {@link Voting}. */
export type VotingParams = z.output<typeof votingParams>

/**
 * A voting / averaging ensemble: every member is fitted on all the training data (member i with
 * `rng.fork('member-i')`) and their outputs are combined with fixed weights. Diverse members
 * (a linear model, a tree ensemble, kNN) help most; perfectly correlated members help not at all.
 */
export class Voting implements Learner<AveragingModel, VotingParams> {
  readonly kind = 'voting'
  readonly params: Readonly<VotingParams>
  readonly capabilities: LearnerCapabilities
  readonly #members: Learner[]

  constructor(params: Omit<VotingParams, 'members'> & { members: readonly EnsembleMember[] }) {
    const resolved = params.members.map(resolveMember)
    if (params.weights && params.weights.length !== resolved.length) {
      throw new KeelError(
        'INVALID_PARAMS',
        `voting: ${params.weights.length} weights for ${resolved.length} members`,
        { path: ['weights'] },
      )
    }
    this.#members = resolved.map((r) => r.learner)
    // Parsing again puts the keys in schema order, so a reloaded model serializes identically.
    this.params = Object.freeze(
      votingParams.parse({ ...params, members: resolved.map((r) => r.spec) }),
    )
    this.capabilities = sharedCapabilities(this.#members)
  }

  fit(data: TrainingSet, options: FitOptions): AveragingModel {
    const c = checkTrainingSet(data, { learner: this.kind, capabilities: this.capabilities })
    const members = this.#members.map((m, i) => {
      throwIfAborted(options.signal)
      return m.fit(data, { rng: options.rng.fork(`member-${i}`) })
    })
    return new AveragingModel({
      kind: VOTING_MODEL_KIND,
      task: data.task,
      features: pinFeatures(data.X),
      classes: c.classes,
      members,
      weights: this.params.weights ?? members.map(() => 1),
      voting: this.params.voting,
      extra: { params: this.params },
    })
  }
}

const votingModelSchema = modelHeaderSchema.extend({
  params: votingParams,
  voting: z.enum(['soft', 'hard']),
  weights: z.array(z.number().positive().finite()),
  members: z.array(z.unknown()).min(1),
})

/** Load a voting model; its members load through the model registry. */
export const loadVotingModel = (json: unknown): AveragingModel => {
  const doc = parseModelDocument(VOTING_MODEL_KIND, votingModelSchema, json)
  assertModelShape(
    doc.weights.length === doc.members.length,
    VOTING_MODEL_KIND,
    'one weight per member',
  )
  const members = loadMembers(VOTING_MODEL_KIND, doc.members, doc.task, doc.classes)
  return new AveragingModel({
    kind: VOTING_MODEL_KIND,
    task: doc.task,
    features: doc.features,
    classes: doc.classes,
    members,
    weights: doc.weights,
    voting: doc.voting,
    extra: { params: doc.params },
  })
}

/** A {@link Voting} learner; members may be learner objects or `{ kind, params }`. */
export const votingEnsemble = (
  params: Partial<Omit<VotingParams, 'members'>> & { members: readonly EnsembleMember[] },
): Voting => {
  const { members, ...rest } = params
  const parsed = parseParams('voting', votingParams.omit({ members: true }), rest)
  return new Voting({ ...parsed, members })
}

/** Registry entry for `voting`. */
export const votingDefinition: LearnerDefinition<typeof votingParams> = {
  kind: 'voting',
  description: 'Voting / averaging ensemble of several learners (soft or hard voting, weights).',
  params: votingParams,
  create: (params) => new Voting(params),
}
