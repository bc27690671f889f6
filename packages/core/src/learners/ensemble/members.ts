import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import { createLearner, loadModel } from '../registry.js'
import type { FittedModel, Learner, LearnerCapabilities, ModelJSON, Task } from '../protocol.js'
import { assertModelShape } from '../shared/model-document.js'

/** A member learner named by kind and hyperparameters, as it appears in configs and model JSON. */
export const ensembleMemberSchema = z
  .strictObject({
    kind: z.string().min(1).describe('A registered learner kind, e.g. "logistic-regression".'),
    params: z.record(z.string(), z.unknown()).default({}).describe('Its hyperparameters.'),
  })
  .describe('A learner: { kind, params }.')

/** A parsed member spec. */
export type EnsembleMemberSpec = z.output<typeof ensembleMemberSchema>

/** A member given either as a learner object or as a spec resolved through the registry. */
export type EnsembleMember = Learner | { readonly kind: string; readonly params?: unknown }

const isLearner = (m: EnsembleMember): m is Learner => typeof (m as Learner).fit === 'function'

/**
 * Resolve a member: a learner object is used as is (its spec is recorded for lineage); a spec is
 * built with `createLearner`, so its hyperparameters are validated by the member's own schema.
 */
export const resolveMember = (
  m: EnsembleMember,
): { learner: Learner; spec: EnsembleMemberSpec } => {
  if (isLearner(m)) {
    return {
      learner: m,
      spec: {
        kind: m.kind,
        params: JSON.parse(JSON.stringify(m.params ?? {})) as Record<string, unknown>,
      },
    }
  }
  const params = (m.params ?? {}) as Record<string, unknown>
  return { learner: createLearner(m.kind, params), spec: { kind: m.kind, params } }
}

/** What a composite can do: only what every member can. */
export const sharedCapabilities = (
  members: readonly Learner[],
  extra: Partial<LearnerCapabilities> = {},
): LearnerCapabilities => {
  const all = (f: (c: LearnerCapabilities) => boolean) => members.every((m) => f(m.capabilities))
  const tasks = (['binary', 'multiclass', 'regression'] as const).filter((t) =>
    all((c) => c.tasks.includes(t)),
  )
  return Object.freeze({
    tasks: Object.freeze(tasks),
    categorical: all((c) => c.categorical),
    missing: all((c) => c.missing),
    weights: all((c) => c.weights),
    incremental: false,
    ...extra,
  })
}

/** A member's outputs: class probabilities (n × K) or predicted values (n). */
export const memberOutputs = (m: FittedModel, X: Frame): Float64Array =>
  m.task === 'regression' ? m.predict(X) : m.predictProba(X)

/** Weighted average of equally shaped output arrays. */
export const weightedAverage = (
  outputs: readonly Float64Array[],
  weights: readonly number[],
): Float64Array => {
  const out = new Float64Array(outputs[0]!.length)
  let total = 0
  outputs.forEach((o, m) => {
    const w = weights[m]!
    total += w
    for (let i = 0; i < o.length; i++) out[i] = out[i]! + w * o[i]!
  })
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / total
  return out
}

/** Serialize members for an ensemble's JSON. */
export const membersToJSON = (members: readonly FittedModel[]): ModelJSON[] =>
  members.map((m) => m.toJSON())

/**
 * Load member models through the registry and check that they fit the ensemble: same task and the
 * same classes. Member errors keep their codes (an unknown member kind is UNSUPPORTED_FORMAT).
 */
export const loadMembers = (
  kind: string,
  docs: readonly unknown[],
  task: Task,
  classes: readonly string[] | undefined,
): FittedModel[] =>
  docs.map((doc, i) => {
    let m: FittedModel
    try {
      m = loadModel(doc)
    } catch (e) {
      if (e instanceof KeelError) {
        throw new KeelError(e.code, `${kind} member ${i}: ${e.message}`, {
          path: ['members', i, ...e.path],
          issues: e.issues,
          cause: e,
          ...(e.hint ? { hint: e.hint } : {}),
        })
      }
      throw e
    }
    assertModelShape(m.task === task, kind, `member ${i} is ${m.task}, the ensemble ${task}`)
    assertModelShape(
      (m.classes ?? []).join('\u0000') === (classes ?? []).join('\u0000'),
      kind,
      `member ${i} has different classes`,
    )
    return m
  })
