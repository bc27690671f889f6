import { dirname } from 'node:path'
import { KeelError } from '@keel/core'
import type { Project } from '../../../project/index.js'
import { promoteVersion } from '../../../release/promote.js'
import { writeVersionCard } from '../../../reports/model-card/version-card.js'
import { leakageItems, type WrittenCard } from '../../../reports/index.js'
import { openProjectStores } from '../../../project/workspace.js'
import type { TrainArtifacts, TrainResult } from '../../../training/train.js'

/** How the demo's model reached production, or why the gate kept it out. */
export interface DemoPromotion {
  readonly model: string
  readonly version: number
  readonly alias: string
  /** True when the alias now points at the version (it is never forced past the gate). */
  readonly promoted: boolean
  /** The gate's reasons when it refused. */
  readonly reasons: readonly string[]
  /** The model card (rewritten after a move, so it shows the alias and its history). */
  readonly card: WrittenCard
}

/**
 * The demo's last step: point `production` at the trained version through the gate-checked
 * `promoteVersion` (never forced), then rewrite its model card so it shows the alias history. A
 * refused version stays a candidate and the reasons are returned.
 */
export const promoteThroughGate = async (
  project: Project,
  train: TrainResult,
  artifacts: TrainArtifacts,
  alias = 'production',
): Promise<DemoPromotion> => {
  const { model, version } = train.bundle
  if (version === null)
    throw new KeelError('INTERNAL', 'the demo registers its bundle, but no version was created')
  const base = { model, version, alias }
  if (!train.evaluation.blessed) {
    return {
      ...base,
      promoted: false,
      reasons: train.evaluation.reasons,
      card: train.evaluation.card,
    }
  }
  const stores = await openProjectStores(project)
  try {
    await promoteVersion(stores, {
      model,
      version,
      alias,
      actor: 'keel demo',
      reason: 'blessed by the gate',
    })
    const card = await writeVersionCard(stores, {
      report: artifacts.report,
      bundle: artifacts.bundle,
      version: await stores.registry.getVersion(model, version),
      importance: artifacts.importance ?? undefined,
      leakage: train.leakage ? leakageItems(train.leakage) : null,
      outDir: dirname(train.evaluation.card.html),
    })
    return { ...base, promoted: true, reasons: [], card }
  } finally {
    await stores.close()
  }
}
