/**
 * Read-only views of the model registry, as `keel models list | show | diff` print them and a
 * library caller reads them: the registered models, one model with its versions, one version with
 * its lineage, alias history and gate outcome, the difference between two versions, and the
 * bundle a reference names.
 */
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelBundle } from '@keel/core'
import {
  cardBaseName,
  evaluationCardDir,
  materializeStoredCard,
  type WrittenCard,
} from '../reports/model-card/write-card.js'
import {
  loadModelRef,
  resolveModelRef,
  type AliasChange,
  type KeelStores,
  type ModelRef,
  type ModelVersionRecord,
  type RegisteredModelRecord,
  type VersionDiff,
  type VersionEvaluationRecord,
  type VersionLineage,
} from '../stores/index.js'
import { gateOutcomeForVersion } from './promote.js'

/** Alias moves shown with a whole model. */
const MODEL_HISTORY_LIMIT = 10
/** Alias moves searched for the ones that touched one version. */
const VERSION_HISTORY_LIMIT = 50

/** A model with every version and its recent alias moves, newest first. */
export interface ModelView {
  readonly model: RegisteredModelRecord
  readonly versions: readonly ModelVersionRecord[]
  readonly aliasHistory: readonly AliasChange[]
}

/** One evaluation of a version with its card, and where the card's files are (when asked). */
export interface EvaluationView extends VersionEvaluationRecord {
  /** The card's files in the reports folder (null when no folder was given). */
  readonly files: WrittenCard | null
}

/**
 * One version with its lineage, the alias moves that touched it, its latest gate outcome and
 * every evaluation with its own card: the one it was registered with first, then later ones.
 */
export interface VersionView {
  readonly version: ModelVersionRecord
  readonly lineage: VersionLineage
  readonly aliasHistory: readonly AliasChange[]
  readonly gate: Awaited<ReturnType<typeof gateOutcomeForVersion>>
  readonly evaluations: readonly EvaluationView[]
}

/** Options of {@link versionView} and {@link registryView}. */
export interface RegistryViewOptions {
  /**
   * The reports folder: each evaluation's card files are named there, and a card whose files are
   * missing (a crash after registration, a cleaned folder) is written back from the registry.
   */
  readonly reportsDir?: string
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  )

/** Where an evaluation's card files live under `dir`, written back from the registry if missing. */
const cardFiles = async (
  stores: Pick<KeelStores, 'artifacts'>,
  e: VersionEvaluationRecord,
  dir: string,
): Promise<WrittenCard> => {
  const [where, base] =
    e.kind === 'registration'
      ? [dir, cardBaseName(e.model, e.version)]
      : [evaluationCardDir(dir, e.model, e.version, new Date(e.createdAt), e.report), 'card']
  const files = { json: join(where, `${base}.json`), html: join(where, `${base}.html`) }
  if ((await exists(files.html)) && (await exists(files.json))) return files
  return materializeStoredCard(stores.artifacts, e.card, where, base)
}

/** Every registered model with its latest version and aliases. */
export const listRegisteredModels = (
  stores: Pick<KeelStores, 'registry'>,
): Promise<readonly RegisteredModelRecord[]> => stores.registry.listModels()

/** A model, its versions and its last alias moves. */
export const modelView = async (
  stores: Pick<KeelStores, 'registry'>,
  name: string,
): Promise<ModelView> => {
  const model = await stores.registry.getModel(name)
  const versions = await stores.registry.listVersions(name)
  const aliasHistory = await stores.registry.aliasHistory(name, { limit: MODEL_HISTORY_LIMIT })
  return { model, versions, aliasHistory }
}

/** The version a reference names, with its lineage, alias moves and gate outcome. */
export const versionView = async (
  stores: KeelStores,
  ref: ModelRef,
  options: RegistryViewOptions = {},
): Promise<VersionView> => {
  const { version } = await resolveModelRef(stores.registry, ref)
  const lineage = await stores.registry.lineage(version.model, version.version)
  const aliasHistory = (
    await stores.registry.aliasHistory(version.model, { limit: VERSION_HISTORY_LIMIT })
  ).filter((h) => h.fromVersion === version.version || h.toVersion === version.version)
  const gate = await gateOutcomeForVersion(stores, version.model, version.version)
  const evaluations: EvaluationView[] = []
  for (const e of await stores.registry.listEvaluations(version.model, version.version)) {
    const dir = options.reportsDir
    evaluations.push({ ...e, files: dir === undefined ? null : await cardFiles(stores, e, dir) })
  }
  return { version, lineage, aliasHistory, gate, evaluations }
}

/**
 * What a reference shows: a bare name is the whole model ({@link modelView}), `name@3` or
 * `name:alias` one version ({@link versionView}).
 */
export const registryView = (
  stores: KeelStores,
  ref: ModelRef,
  options: RegistryViewOptions = {},
): Promise<ModelView | VersionView> =>
  ref.version === undefined && ref.alias === undefined
    ? modelView(stores, ref.model)
    : versionView(stores, ref, options)

/** Whether a {@link registryView} is of a whole model. */
export const isModelView = (view: ModelView | VersionView): view is ModelView => 'versions' in view

/** What changed between two versions of a model: params, metrics, evaluation, datasets, bundle. */
export const diffModelVersions = (
  stores: Pick<KeelStores, 'registry'>,
  model: string,
  from: number,
  to: number,
): Promise<VersionDiff> => stores.registry.diffVersions(model, from, to)

/** A registered version's bundle, read back with its digest verified, and how it was chosen. */
export interface LoadedVersion {
  readonly model: string
  readonly version: number
  /** `version 3` or `alias production`. */
  readonly chosenBy: string
  readonly bundle: ModelBundle
}

/** Load the bundle of the version a reference names (a bare name follows `production`). */
export const loadRegisteredBundle = async (
  stores: Pick<KeelStores, 'registry' | 'artifacts'>,
  ref: ModelRef,
): Promise<LoadedVersion> => {
  const chosen = await loadModelRef(stores, ref)
  return {
    model: chosen.version.model,
    version: chosen.version.version,
    chosenBy: chosen.chosenBy,
    bundle: chosen.bundle,
  }
}
