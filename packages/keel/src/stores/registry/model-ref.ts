/**
 * Model references: the one grammar every command, the prediction service and the monitor use to
 * name a registered version, and the one default they share.
 *
 * - `name`          the version the `production` alias points at ({@link DEFAULT_MODEL_ALIAS})
 * - `name@3`        version 3
 * - `name:staging`  the version the `staging` alias points at; `name:latest` is the newest version
 *
 * Parsing is syntax only; {@link resolveModelRef} asks the registry, and {@link loadVersionBundle}
 * reads the bundle back with its digest verified.
 */
import { KeelError, ModelBundle } from '@keel/core'
import type { ArtifactStore } from '../artifacts/artifact-store.js'
import type { RegistryStore } from './registry-store.js'
import type { ModelVersionRecord } from './types.js'

/** The alias a bare model name means, everywhere. */
export const DEFAULT_MODEL_ALIAS = 'production'

/** The grammar, as `--help` texts and error messages say it. */
export const MODEL_REF_SYNTAX = 'name (its production alias), name@<version> or name:<alias>'

/** A parsed reference: a model and at most one of a version or an alias. */
export interface ModelRef {
  readonly model: string
  /** A version number (from `name@3`). */
  readonly version?: number
  /** An alias (from `name:staging`). */
  readonly alias?: string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/
const ALIAS = /^[A-Za-z0-9_.-]+$/
const VERSION = /^[1-9][0-9]*$/

/**
 * A version number as the grammar writes it: a positive decimal integer without leading zeros, so
 * each version has exactly one spelling. Anything else (`01`, `1.0`, `1e0`, `0x1`, ` 1`) is
 * undefined, never another name for a version.
 *
 * @example
 * parseVersionNumber('3')  // 3
 * parseVersionNumber('03') // undefined
 */
export const parseVersionNumber = (text: string): number | undefined => {
  if (!VERSION.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

const invalid = (message: string): KeelError =>
  new KeelError('INVALID_ARGUMENT', message, { path: ['model'], hint: `use ${MODEL_REF_SYNTAX}` })

/**
 * Parse `name`, `name@<version>` or `name:<alias>`. A bare name names neither a version nor an
 * alias: {@link resolveModelRef} reads it as {@link DEFAULT_MODEL_ALIAS}.
 *
 * @example
 * parseModelRef('flights@3')      // { model: 'flights', version: 3 }
 * parseModelRef('flights:staging') // { model: 'flights', alias: 'staging' }
 */
export const parseModelRef = (text: string): ModelRef => {
  if (text.length === 0) throw invalid('a model name is required')
  const at = text.lastIndexOf('@')
  const colon = text.lastIndexOf(':')
  if (at >= 0 && colon >= 0) throw invalid(`"${text}" names both a version and an alias`)
  let model = text
  let ref: ModelRef
  if (at >= 0) {
    model = text.slice(0, at)
    const version = parseVersionNumber(text.slice(at + 1))
    if (version === undefined)
      throw invalid(
        `"${text}": the version after @ must be a positive integer without leading zeros`,
      )
    ref = { model, version }
  } else if (colon >= 0) {
    model = text.slice(0, colon)
    const alias = text.slice(colon + 1)
    if (!ALIAS.test(alias)) throw invalid(`"${text}": the alias after : is empty or not a name`)
    ref = { model, alias }
  } else {
    ref = { model }
  }
  if (!NAME.test(model)) throw invalid(`"${text}" does not start with a model name`)
  return ref
}

/** Write a reference back in the grammar (`name`, `name@3`, `name:staging`). */
export const formatModelRef = (ref: ModelRef): string =>
  ref.version !== undefined
    ? `${ref.model}@${ref.version}`
    : ref.alias !== undefined
      ? `${ref.model}:${ref.alias}`
      : ref.model

/** The alias a reference follows (its own, or the default), or null when it pins a version. */
export const refAlias = (ref: ModelRef): string | null =>
  ref.version !== undefined ? null : (ref.alias ?? DEFAULT_MODEL_ALIAS)

/** A resolved reference: the version record and how it was chosen, for messages. */
export interface ResolvedModelRef {
  readonly version: ModelVersionRecord
  /** `version 3` or `alias production`. */
  readonly chosenBy: string
}

/**
 * The version a reference points at. A bare name follows `production`; when the model has no
 * `production` alias yet the error says how to name a version instead.
 */
export const resolveModelRef = async (
  registry: RegistryStore,
  ref: ModelRef,
): Promise<ResolvedModelRef> => {
  if (ref.version !== undefined)
    return {
      version: await registry.getVersion(ref.model, ref.version),
      chosenBy: `version ${ref.version}`,
    }
  const alias = ref.alias ?? DEFAULT_MODEL_ALIAS
  try {
    return { version: await registry.getByAlias(ref.model, alias), chosenBy: `alias ${alias}` }
  } catch (e) {
    if (ref.alias === undefined && e instanceof KeelError && e.code === 'NOT_FOUND') {
      throw new KeelError(
        'NOT_FOUND',
        `${e.message} (a bare model name means ${ref.model}:${alias})`,
        {
          path: ['model'],
          hint: `name a version or an alias: ${ref.model}@<version>, or ${ref.model}:latest for the newest`,
          cause: e,
        },
      )
    }
    throw e
  }
}

/** The bundle's JSON from its verified text; text that is not JSON is `ARTIFACT_CORRUPT`. */
const bundleJSON = (version: ModelVersionRecord, text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new KeelError(
      'ARTIFACT_CORRUPT',
      `${version.model} v${version.version}: the bundle is not JSON`,
      { cause: e },
    )
  }
}

/**
 * Read a version's bundle. The artifact store verifies the bytes against the recorded digest, so
 * a tampered bundle is `ARTIFACT_CORRUPT`, never loaded; bytes that are not JSON are too.
 */
export const loadVersionBundle = async (
  stores: { readonly artifacts: ArtifactStore },
  version: ModelVersionRecord,
): Promise<ModelBundle> => {
  const bytes = await stores.artifacts.get(version.bundle.digest)
  return ModelBundle.fromJSON(bundleJSON(version, new TextDecoder().decode(bytes)))
}

/** Give the event loop a turn (pending I/O, timers and requests run). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * {@link loadVersionBundle} for a server, which must keep answering while it loads: the bytes are
 * read and hashed a chunk at a time (the digest checked at the end, before anything is parsed), and
 * the bundle is built with {@link ModelBundle.fromJSONAsync}, which gives the thread back every few
 * milliseconds; only `JSON.parse` holds it for the whole document. The same bundle and the same
 * errors; `signal` stops the load between chunks or yields with `CANCELLED`.
 */
export const loadVersionBundleAsync = async (
  stores: { readonly artifacts: ArtifactStore },
  version: ModelVersionRecord,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ModelBundle> => {
  const cancelled = (): void => {
    if (options.signal?.aborted) throw new KeelError('CANCELLED', 'the load was cancelled')
  }
  const chunks: Uint8Array[] = []
  for await (const chunk of stores.artifacts.read(version.bundle.digest)) {
    cancelled()
    chunks.push(chunk)
  }
  // Joining, decoding and parsing a large bundle each take tens of milliseconds: one at a time,
  // with the event loop's turn between them.
  const bytes = Buffer.concat(chunks)
  await turn()
  cancelled()
  const text = new TextDecoder().decode(bytes)
  await turn()
  cancelled()
  return ModelBundle.fromJSONAsync(bundleJSON(version, text), options)
}

/** Resolve a reference and load its bundle, in one call. */
export const loadModelRef = async (
  stores: { readonly registry: RegistryStore; readonly artifacts: ArtifactStore },
  ref: ModelRef,
): Promise<ResolvedModelRef & { readonly bundle: ModelBundle }> => {
  const resolved = await resolveModelRef(stores.registry, ref)
  return { ...resolved, bundle: await loadVersionBundle(stores, resolved.version) }
}
