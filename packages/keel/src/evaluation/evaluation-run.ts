import type { EvaluationReport } from '@keel/core'
import {
  RUN_LEASE_MS,
  type ArtifactRef,
  type KeelStores,
  type ModelVersionRecord,
} from '../stores/index.js'
import { EVALUATION_TAGS } from '../release/promote.js'

/** What {@link startEvaluationRun} records. */
export interface EvaluationRunInput {
  readonly experiment: string
  readonly version: ModelVersionRecord
  readonly report: EvaluationReport
  /** Where the report was stored. */
  readonly reportArtifact: ArtifactRef
  readonly championVersion: number | null
  readonly rows: number
  readonly seed: number
}

/**
 * Record an evaluation of a registered version as a run tagged with the gate's verdict, its test
 * metrics and its report. The run is left running: the caller ends it `finished` once everything
 * else (the model card) is written, and only finished runs count for promotion, so a crash midway
 * never leaves a verdict behind.
 */
export const startEvaluationRun = async (
  stores: KeelStores,
  e: EvaluationRunInput,
): Promise<string> => {
  const { version, report } = e
  await stores.tracking.reapStaleRuns()
  const run = await stores.tracking.createRun({
    experiment: e.experiment,
    name: `evaluate ${version.model} v${version.version}`,
    tags: {
      [EVALUATION_TAGS.command]: 'evaluate',
      [EVALUATION_TAGS.model]: version.model,
      [EVALUATION_TAGS.version]: String(version.version),
      [EVALUATION_TAGS.gate]: report.gate.blessed ? 'blessed' : 'refused',
      'keel.gate.reasons': report.gate.reasons.join('\n').slice(0, 4000),
      ...(e.championVersion === null
        ? {}
        : { 'keel.champion': `${version.model}@${e.championVersion}` }),
    },
    params: { model: version.model, version: version.version, rows: e.rows },
    seed: e.seed,
    lease: { ms: RUN_LEASE_MS },
  })
  try {
    const metrics: Record<string, number> = {}
    for (const [k, m] of Object.entries(report.metrics))
      if (m.value !== null && Number.isFinite(m.value)) metrics[`test.${k}`] = m.value
    await stores.tracking.logMetrics(run.id, metrics)
    await stores.tracking.logArtifacts(run.id, { report: e.reportArtifact })
    return run.id
  } catch (err) {
    await stores.tracking.endRun(run.id, { status: 'failed' }).catch(() => undefined)
    throw err
  }
}
