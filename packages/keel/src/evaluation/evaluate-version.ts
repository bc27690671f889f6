import { join } from 'node:path'
import {
  createRng,
  evaluateCandidate,
  parseEvaluationConfig,
  type EvaluationReport,
} from '@keel/core'
import type { Project } from '../project/index.js'
import {
  leakageItems,
  type ImportanceItem,
  type LeakageItem,
  type WrittenCard,
} from '../reports/index.js'
import {
  keepRunAlive,
  loadVersionBundle,
  resolveModelRef,
  type ArtifactRef,
  type KeelStores,
  type ModelRef,
  type ModelVersionRecord,
  type VersionEvaluationRecord,
} from '../stores/index.js'
import { cardImportance } from '../reports/model-card/card-importance.js'
import { reloadEvaluationData } from './evaluation-data.js'
import { loadChampion } from './load-bundle.js'
import { evaluationSummary, storeEvaluationReport } from '../release/register-evaluated.js'
import { buildVersionCard } from '../reports/model-card/version-card.js'
import {
  evaluationCardDir,
  storeModelCard,
  writeModelCard,
} from '../reports/model-card/write-card.js'
import { startEvaluationRun } from './evaluation-run.js'

/**
 * `keel evaluate` as a library call: load a registered bundle (verified against its digest),
 * re-derive the project's splits, evaluate it as it serves, compare it with the champion alias,
 * record an evaluation run, and write this evaluation's own model card. The card the version was
 * registered with is never touched: a later evaluation (perhaps under another config) is recorded
 * beside it in the registry, with its card in its own folder.
 */

/**
 * The leakage report recorded by the training run that produced a version (the `leakage-report`
 * artifact of the source run or its parent), as card items; null when none was recorded.
 */
export const trainingLeakage = async (
  stores: KeelStores,
  version: ModelVersionRecord,
): Promise<LeakageItem[] | null> => {
  if (!version.sourceRunId) return null
  let run = await stores.tracking.getRun(version.sourceRunId)
  let ref = run.artifacts['leakage-report']
  if (!ref && run.parentRunId) {
    run = await stores.tracking.getRun(run.parentRunId)
    ref = run.artifacts['leakage-report']
  }
  if (!ref) return null
  const report = JSON.parse(new TextDecoder().decode(await stores.artifacts.get(ref.digest))) as {
    checks?: readonly LeakageItem[]
  }
  return Array.isArray(report.checks) ? leakageItems({ checks: report.checks }) : null
}

/** Options of {@link evaluateVersion}. */
export interface EvaluateVersionOptions {
  readonly ref: ModelRef
  /** Rows to read (must match training for the same splits); default: the config's. */
  readonly rows?: number | 'all'
  /** The alias of the champion to compare with (default: the config's, `production`); `null`: none. */
  readonly champion?: string | null
  /**
   * The reports folder (default `<workspace>/reports`); the card goes to
   * `<outDir>/evaluations/<model>-v<version>/<time>-<report digest>/card.{html,json}`.
   */
  readonly outDir?: string
  /** Importance for the card (default: permutation importance on the test split). */
  readonly importance?: readonly ImportanceItem[]
  /** Leakage items for the card (default: the training run's leakage report, when recorded). */
  readonly leakage?: readonly LeakageItem[]
  readonly onPhase?: (phase: string) => void
  readonly onProgress?: (p: { done: number; total?: number }) => void
}

/** What {@link evaluateVersion} produced. */
export interface EvaluateVersionResult {
  readonly model: string
  readonly version: number
  readonly report: EvaluationReport
  readonly reportArtifact: ArtifactRef
  readonly runId: string
  /** This evaluation's card (never the registration card). */
  readonly card: WrittenCard
  /** This evaluation as the registry records it beside the version. */
  readonly evaluation: VersionEvaluationRecord
}

/** Evaluate a registered version end to end and write its model card. */
export const evaluateVersion = async (
  project: Project,
  stores: KeelStores,
  options: EvaluateVersionOptions,
): Promise<EvaluateVersionResult> => {
  const phase = options.onPhase ?? (() => undefined)
  phase('loading the bundle')
  const { version } = await resolveModelRef(stores.registry, options.ref)
  const bundle = await loadVersionBundle(stores, version)
  const config = project.config
  const championAlias =
    options.champion === null
      ? null
      : (options.champion ?? parseEvaluationConfig(config.evaluation).champion.alias)
  const champion =
    championAlias === null
      ? null
      : await loadChampion(stores, version.model, championAlias, version.version)
  phase('reading and splitting the dataset')
  const data = await reloadEvaluationData(project, bundle, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })
  const outcome = evaluateCandidate({
    bundle,
    validation: data.validation,
    test: data.test,
    config: config.evaluation,
    baselines: data.baselines,
    champion,
    rng: createRng(config.seed).fork('evaluation'),
    postprocess: 'keep',
    exclude: data.exclude,
    timestampColumn: data.timestampColumn,
    onPhase: phase,
  })
  const report: EvaluationReport = {
    ...outcome.report,
    notes: [...data.notes, ...outcome.report.notes],
  }
  phase('recording the evaluation')
  const reportArtifact = await storeEvaluationReport(stores, report)
  const runId = await startEvaluationRun(stores, {
    experiment: config.name,
    version,
    report,
    reportArtifact,
    championVersion: champion?.version ?? null,
    rows: data.test.y.length + data.validation.y.length,
    seed: config.seed,
  })
  const stopHeartbeat = keepRunAlive(stores, runId)
  try {
    phase('writing the model card')
    const leakage = options.leakage ?? (await trainingLeakage(stores, version))
    const importance =
      options.importance ??
      cardImportance(
        bundle,
        data.test,
        report.primaryMetric,
        createRng(config.seed).fork('importance'),
      ) ??
      undefined
    const card = await buildVersionCard(stores, { report, bundle, version, importance, leakage })
    const stored = await storeModelCard(stores.artifacts, card)
    const evaluation = await stores.registry.addEvaluation(version.model, version.version, {
      report: reportArtifact.digest,
      card: stored,
      blessed: report.gate.blessed,
      summary: evaluationSummary(report),
      runId,
    })
    const dir = evaluationCardDir(
      options.outDir ?? join(project.workspace, 'reports'),
      version.model,
      version.version,
      new Date(evaluation.createdAt),
      reportArtifact.digest,
    )
    const written = await writeModelCard(dir, card, 'card')
    await stores.tracking.endRun(runId, { status: 'finished' })
    return {
      model: version.model,
      version: version.version,
      report,
      reportArtifact,
      runId,
      card: written,
      evaluation,
    }
  } catch (e) {
    await stores.tracking.endRun(runId, { status: 'failed' }).catch(() => undefined)
    throw e
  } finally {
    stopHeartbeat()
  }
}
