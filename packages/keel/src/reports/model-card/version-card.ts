import type { ModelBundle, EvaluationReport } from '@keel/core'
import { modelCard, type ImportanceItem, type LeakageItem } from './model-card.js'
import { writeModelCard, type WrittenCard } from './write-card.js'
import type { KeelStores, ModelVersionRecord } from '../../stores/index.js'

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
 * Assemble a version's model card (report, bundle, the registry's lineage both ways and the alias
 * history) and write it as JSON and self-contained HTML. `keel train` and `keel evaluate` both
 * write cards through here.
 */
export const writeVersionCard = async (
  stores: KeelStores,
  input: VersionCardInput,
): Promise<WrittenCard> => {
  const v = input.version
  const lineage = v ? await stores.registry.lineage(v.model, v.version) : undefined
  const aliasHistory = v ? await stores.registry.aliasHistory(v.model, { limit: 20 }) : undefined
  const card = modelCard({
    report: input.report,
    bundle: input.bundle,
    ...(v ? { version: v } : {}),
    ...(lineage ? { lineage } : {}),
    ...(aliasHistory ? { aliasHistory } : {}),
    ...(input.importance ? { importance: input.importance } : {}),
    ...(input.leakage ? { leakage: input.leakage } : {}),
  })
  return writeModelCard(input.outDir, card)
}
