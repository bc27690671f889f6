import { KeelError, isKeelError } from '../errors/index.js'
import { builtinTransformers } from './builtins.js'
import {
  TRANSFORMER_FORMAT_VERSION,
  type TransformerDefinition,
  type TransformerResolver,
} from './define.js'
import type {
  FittedTransformer,
  Transformer,
  TransformerJSON,
  TransformerSpec,
} from './protocol.js'

/** Loads one fitted kind from its JSON; `load` loads nested documents (for composites). */
export type TransformerLoader = (
  json: TransformerJSON,
  load: (json: unknown) => FittedTransformer,
) => FittedTransformer

const definitions = new Map<string, TransformerDefinition>()
const loaders = new Map<string, TransformerLoader>()
let builtinsRegistered = false

// Built-ins are registered on first use rather than at import, so a bundler that drops modules
// without used exports (the package declares no side effects) cannot drop them.
const ensureBuiltins = (): void => {
  if (builtinsRegistered) return
  builtinsRegistered = true
  for (const def of builtinTransformers()) {
    if (!definitions.has(def.kind)) definitions.set(def.kind, def)
  }
}

const resolver: TransformerResolver = {
  create: (spec) => createTransformer(spec),
  load: (json) => loadTransformer(json),
}

/**
 * Register a transformer kind so configs can name it and its fitted JSON can be loaded: the
 * definition's `create` builds it from loose parameters and `load` rebuilds a fitted one.
 */
export const registerTransformer = (definition: TransformerDefinition): TransformerDefinition => {
  ensureBuiltins()
  definitions.set(definition.kind, definition)
  return definition
}

/**
 * Register only how to load a fitted kind from its JSON (never `eval`): for fitted transformers
 * produced outside the definition machinery. A loader registered here wins over a definition.
 */
export const registerTransformerKind = (kind: string, load: TransformerLoader): void => {
  loaders.set(kind, load)
}

/** Every kind that can be loaded, sorted. */
export const transformerKinds = (): string[] => {
  ensureBuiltins()
  return [...new Set([...definitions.keys(), ...loaders.keys()])].sort()
}

/** Registered transformer definitions (built-in and user), sorted by kind. */
export const transformerDefinitions = (): TransformerDefinition[] => {
  ensureBuiltins()
  return [...definitions.values()].sort((a, b) => a.kind.localeCompare(b.kind))
}

/**
 * Build an unfitted transformer from `{ kind, params }` (from a config file or the CLI); an
 * existing transformer is returned as is. Unknown kinds are `INVALID_CONFIG`, bad parameters
 * `INVALID_PARAMS` with one issue per problem.
 */
export const createTransformer = (spec: TransformerSpec | Transformer): Transformer => {
  if (typeof (spec as Partial<Transformer>).fit === 'function') return spec as Transformer
  ensureBuiltins()
  const def = definitions.get(spec.kind)
  if (!def) {
    throw new KeelError('INVALID_CONFIG', `unknown transformer "${spec.kind}"`, {
      path: ['kind'],
      details: { known: [...definitions.keys()].sort() },
    })
  }
  return def.create(spec.params ?? {}, resolver)
}

/**
 * Load a fitted transformer from its JSON. Foreign documents, newer format versions, unknown kinds
 * and malformed content are `UNSUPPORTED_FORMAT` errors, never a half-loaded transformer.
 */
export const loadTransformer = (json: unknown): FittedTransformer => {
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== 'keel-transformer'
  ) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      'not a Keel transformer document (format must be "keel-transformer")',
    )
  }
  const doc = json as TransformerJSON
  if (
    typeof doc.formatVersion !== 'number' ||
    !Number.isInteger(doc.formatVersion) ||
    doc.formatVersion > TRANSFORMER_FORMAT_VERSION
  ) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `transformer format version ${String(doc.formatVersion)} is newer than this Keel reads (${TRANSFORMER_FORMAT_VERSION}); upgrade Keel`,
      { path: ['formatVersion'] },
    )
  }
  ensureBuiltins()
  const custom = loaders.get(doc.kind)
  const def = definitions.get(doc.kind)
  if (!custom && !def) {
    throw new KeelError('UNSUPPORTED_FORMAT', `unknown transformer kind "${String(doc.kind)}"`, {
      path: ['kind'],
      details: { known: transformerKinds() },
    })
  }
  try {
    return custom ? custom(doc, loadTransformer) : def!.load(doc, resolver)
  } catch (e) {
    if (isKeelError(e) && e.code === 'UNSUPPORTED_FORMAT') throw e
    const issues = isKeelError(e) ? e.issues : []
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `transformer of kind "${doc.kind}" is malformed: ${(e as Error).message}`,
      { cause: e, issues },
    )
  }
}
