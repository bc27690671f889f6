import type { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { FittedModel, Learner, ModelJSON } from './protocol.js'
import { yieldToEventLoop, type AsyncLoadOptions } from './shared/load-yield.js'

/** The current model format version written by this build. Readers accept ≤ this. */
export const MODEL_FORMAT_VERSION = 1

type ModelLoader = (json: ModelJSON) => FittedModel
/** Loads a model kind giving the thread back to the event loop while it works. */
export type AsyncModelLoader = (json: ModelJSON, options?: AsyncLoadOptions) => Promise<FittedModel>

const loaders = new Map<string, ModelLoader>()
const asyncLoaders = new Map<string, AsyncModelLoader>()

/**
 * Register how to load a fitted model kind from its JSON (never `eval`); `loadAsync`, for kinds
 * whose documents can be large, loads the same model giving the thread back to the event loop
 * while it works ({@link loadModelAsync}).
 */
export const registerModelKind = (
  kind: string,
  load: ModelLoader,
  loadAsync?: AsyncModelLoader,
): void => {
  loaders.set(kind, load)
  if (loadAsync) asyncLoaders.set(kind, loadAsync)
  else asyncLoaders.delete(kind)
}

/** Known fitted-model kinds. */
export const modelKinds = (): string[] => [...loaders.keys()].sort()

/** The loader of a model document's kind, once its header says this build can read it. */
const checkedModelDocument = (json: unknown): ModelJSON => {
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
  if (!loaders.has(doc.kind)) {
    throw new KeelError('UNSUPPORTED_FORMAT', `unknown model kind "${doc.kind}"`, {
      path: ['kind'],
      details: { known: modelKinds() },
    })
  }
  return doc
}

const malformed = (doc: ModelJSON, e: unknown): KeelError =>
  e instanceof KeelError
    ? e
    : new KeelError(
        'UNSUPPORTED_FORMAT',
        `model of kind "${doc.kind}" is malformed: ${(e as Error).message}`,
        {
          cause: e,
        },
      )

/**
 * Load a fitted model from its JSON. Unknown kinds, foreign documents and newer format versions are
 * `UNSUPPORTED_FORMAT` errors, never a half-loaded model.
 */
export const loadModel = (json: unknown): FittedModel => {
  const doc = checkedModelDocument(json)
  try {
    return loaders.get(doc.kind)!(doc)
  } catch (e) {
    throw malformed(doc, e)
  }
}

/**
 * {@link loadModel} for a server's load path: the same model and the same errors, but kinds that
 * registered an async loader (the tree ensembles) give the thread back to the event loop while they
 * check their trees, and the others load after one yield. `signal` stops the load at its next
 * yield with `CANCELLED`.
 */
export const loadModelAsync = async (
  json: unknown,
  options: AsyncLoadOptions = {},
): Promise<FittedModel> => {
  const doc = checkedModelDocument(json)
  const loadAsync = asyncLoaders.get(doc.kind)
  try {
    if (loadAsync) return await loadAsync(doc, options)
    await yieldToEventLoop(options.signal)
    return loaders.get(doc.kind)!(doc)
  } catch (e) {
    throw malformed(doc, e)
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
