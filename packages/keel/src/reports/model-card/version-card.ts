import { KeelError, type ModelBundle, type EvaluationReport } from '@keel/core'
import { modelCard, type ImportanceItem, type LeakageItem, type ModelCard } from './model-card.js'
import { writeModelCard, type WrittenCard } from './write-card.js'
import type { KeelStores, ModelVersionRecord, VersionLineage } from '../../stores/index.js'

/** What {@link writeVersionCard} needs. */
export interface VersionCardInput {
  readonly report: EvaluationReport
  readonly bundle: ModelBundle
  /** The registered version (null: the bundle was not registered; the card has no lineage). */
  readonly version: ModelVersionRecord | null
  readonly importance?: readonly ImportanceItem[] | undefined
  readonly leakage?: readonly LeakageItem[] | null | undefined
  /** Where to write `<model>-v<version>.json` and `.html`. */
  readonly outDir: string
}

/**
 * Assemble a version's model card: the report, the bundle, the registry's lineage both ways and
 * the alias history (`lineage` given: a version about to be registered, whose lineage is known but
 * not yet in the registry).
 */
export const buildVersionCard = async (
  stores: KeelStores,
  input: Omit<VersionCardInput, 'outDir'>,
  known?: VersionLineage,
): Promise<ModelCard> => {
  const v = input.version
  const lineage = known ?? (v ? await stores.registry.lineage(v.model, v.version) : undefined)
  const aliasHistory = v ? await aliasHistoryOf(stores, v.model) : undefined
  return modelCard({
    report: input.report,
    bundle: input.bundle,
    ...(v ? { version: v } : {}),
    ...(lineage ? { lineage } : {}),
    ...(aliasHistory ? { aliasHistory } : {}),
    ...(input.importance ? { importance: input.importance } : {}),
    ...(input.leakage ? { leakage: input.leakage } : {}),
  })
}

/** The model's latest alias moves (none before its first version is registered). */
const aliasHistoryOf = async (stores: KeelStores, model: string) => {
  try {
    return await stores.registry.aliasHistory(model, { limit: 20 })
  } catch (e) {
    if (e instanceof KeelError && e.code === 'NOT_FOUND') return []
    throw e
  }
}

/**
 * Assemble a version's model card and write it as JSON and self-contained HTML
 * (`<outDir>/<model>-v<version>`). `keel train` and `keel evaluate` both write cards through here.
 */
export const writeVersionCard = async (
  stores: KeelStores,
  input: VersionCardInput,
): Promise<WrittenCard> => writeModelCard(input.outDir, await buildVersionCard(stores, input))
