import type { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { FittedModel, Learner, ModelJSON } from './protocol.js'

/** The current model format version written by this build. Readers accept ≤ this. */
export const MODEL_FORMAT_VERSION = 1

type ModelLoader = (json: ModelJSON) => FittedModel

const loaders = new Map<string, ModelLoader>()

/** Register how to load a fitted model kind from its JSON (never `eval`). */
export const registerModelKind = (kind: string, load: ModelLoader): void => {
  loaders.set(kind, load)
}

/** Known fitted-model kinds. */
export const modelKinds = (): string[] => [...loaders.keys()].sort()

/**
 * Load a fitted model from its JSON. Unknown kinds, foreign documents and newer format versions are
 * `UNSUPPORTED_FORMAT` errors, never a half-loaded model.
 */
export const loadModel = (json: unknown): FittedModel => {
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== 'keel-model'
  ) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      'not a Keel model document (format must be "keel-model")',
    )
  }
  const doc = json as ModelJSON
  if (typeof doc.formatVersion !== 'number' || doc.formatVersion > MODEL_FORMAT_VERSION) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `model format version ${String(doc.formatVersion)} is newer than this Keel reads (${MODEL_FORMAT_VERSION}); upgrade Keel`,
      { path: ['formatVersion'] },
    )
  }
  const load = loaders.get(doc.kind)
  if (!load) {
    throw new KeelError('UNSUPPORTED_FORMAT', `unknown model kind "${doc.kind}"`, {
      path: ['kind'],
      details: { known: modelKinds() },
    })
  }
  try {
    return load(doc)
  } catch (e) {
    if (e instanceof KeelError) throw e
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `model of kind "${doc.kind}" is malformed: ${(e as Error).message}`,
      {
        cause: e,
      },
    )
  }
}

/** A learner kind: its hyperparameter schema (the one declaration) and how to build one. */
export interface LearnerDefinition<S extends z.ZodType = z.ZodType> {
  readonly kind: string
  /** One line for `--help` and docs. */
  readonly description: string
  /** Hyperparameters: validation, defaults and docs all come from this schema. */
  readonly params: S
  readonly create: (params: z.output<S>) => Learner
}

const learners = new Map<string, LearnerDefinition>()

/** Register a learner kind so configs and the CLI can name it. */
export const registerLearner = <S extends z.ZodType>(
  def: LearnerDefinition<S>,
): LearnerDefinition<S> => {
  learners.set(def.kind, def as unknown as LearnerDefinition)
  return def
}

/** Registered learner kinds with their definitions. */
export const learnerDefinitions = (): LearnerDefinition[] =>
  [...learners.values()].sort((a, b) => a.kind.localeCompare(b.kind))

/**
 * Validate `params` against a schema and return the parsed value, or throw `INVALID_PARAMS` with one
 * issue per problem (unknown keys included, when the schema is strict).
 */
export const parseParams = <S extends z.ZodType>(
  kind: string,
  schema: S,
  params: unknown,
): z.output<S> => {
  const r = schema.safeParse(params ?? {})
  if (r.success) return r.data
  const issues = r.error.issues.map((i) => ({
    code: i.code,
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }))
  throw new KeelError(
    'INVALID_PARAMS',
    `invalid hyperparameters for ${kind}: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    { issues },
  )
}

/** Build a learner by kind from loose parameters (from a config file or the CLI). */
export const createLearner = (kind: string, params: unknown = {}): Learner => {
  const def = learners.get(kind)
  if (!def) {
    throw new KeelError('INVALID_CONFIG', `unknown learner "${kind}"`, {
      path: ['kind'],
      details: { known: [...learners.keys()].sort() },
    })
  }
  return def.create(parseParams(kind, def.params, params))
}
