import type { LeakageReport } from '@keel/core'
import type { Project } from '../project/index.js'
import { datasetSource } from '../data/dataset.js'
import type { GitState, KeelStores, RunRecord } from '../stores/index.js'
import type { EvaluatedBest } from './evaluate-best.js'
import type { CandidateTracker, LearnerResult } from './fit-candidate.js'
import type { PreparedData } from './prepare.js'
import { RUN_LEASE_MS } from '../stores/tracking/lease.js'

export { keepRunAlive } from '../stores/tracking/lease.js'

/**
 * How a training run is recorded in the tracking store: one parent run for the whole training,
 * a child run per baseline or candidate, and the outcome (best candidate, gate, leakage, bundle)
 * on them when training ends.
 */

/** The finite metrics of a record, keys prefixed (what the tracking store accepts). */
export const numericOnly = (
  m: Readonly<Record<string, number | null>>,
  prefix = '',
): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(m))
    if (v !== null && Number.isFinite(v)) out[`${prefix}${k}`] = v
  return out
}

/** Nested hyperparameters as flat `a.b` run params (arrays as JSON). */
export const flattenParams = (
  params: Readonly<Record<string, unknown>>,
  prefix = '',
): Record<string, string | number | boolean> => {
  const out: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(params)) {
    const key = `${prefix}${k}`
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v
    else if (v && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flattenParams(v as Record<string, unknown>, `${key}.`))
    else if (v !== undefined) out[key] = JSON.stringify(v)
  }
  return out
}

/** Open the parent run of a training: its seed, data, features and split, and the git state. */
export const startTrainRun = async (
  stores: KeelStores,
  project: Project,
  prepared: PreparedData,
  git: GitState | undefined,
): Promise<RunRecord> => {
  const { config } = project
  const { frame, fingerprint, split } = prepared.data
  const source = datasetSource(project).name
  // Runs a killed training left `running` are marked `killed` before a new one starts.
  await stores.tracking.reapStaleRuns()
  return stores.tracking.createRun({
    experiment: config.name,
    name: 'train',
    params: {
      seed: config.seed,
      rows: frame.numRows,
      task: prepared.task,
      label: prepared.labelColumn,
      features: prepared.features.join(','),
      split: split.report.kind,
    },
    tags: { 'keel.command': 'train', 'keel.source': source },
    inputs: [{ fingerprint: fingerprint.fingerprint, role: 'train', name: source }],
    seed: config.seed,
    ...(git ? { git } : {}),
    lease: { ms: RUN_LEASE_MS },
  })
}

/** Record every fit as a child run of `parentRunId`; a failure is a failed run tagged with its error. */
export const childRunTracker = (
  stores: KeelStores,
  parentRunId: string,
  experiment: string,
  seed: number,
): CandidateTracker => ({
  start: async (spec) => {
    const run = await stores.tracking.createRun({
      experiment,
      name: spec.name,
      parentRunId,
      params: flattenParams(spec.params),
      tags: { 'keel.role': spec.role, 'keel.kind': spec.kind },
      seed,
      // The parent's heartbeat refreshes it (see keepRunAlive).
      lease: { ms: RUN_LEASE_MS },
    })
    return run.id
  },
  finished: async (id, { metrics, fitSeconds }) => {
    await stores.tracking.logMetrics(id, {
      ...numericOnly(metrics.validation, 'validation.'),
      ...numericOnly(metrics.test, 'test.'),
      fit_seconds: fitSeconds,
    })
    await stores.tracking.endRun(id, { status: 'finished' })
  },
  failed: async (id, error) => {
    await stores.tracking.endRun(id, { status: 'failed' })
    await stores.tracking.setTags(id, {
      'keel.error': `${error.code}: ${error.message}`.slice(0, 500),
    })
  },
})

/**
 * Close a training run that succeeded: the bundle and evaluation report on the best candidate's
 * run; the leakage report, the best candidate, the gate's verdict and its test metrics on the
 * parent run.
 */
export const finishTrainRun = async (
  stores: KeelStores,
  parentRunId: string,
  outcome: {
    readonly best: LearnerResult
    readonly evaluated: EvaluatedBest
    readonly leakage: LeakageReport | null
  },
): Promise<void> => {
  const { best, evaluated, leakage } = outcome
  await stores.tracking.logArtifacts(best.runId, {
    bundle: evaluated.bundleArtifact,
    'evaluation-report': evaluated.reportArtifact,
  })
  if (leakage) {
    const leakRef = await stores.artifacts.put(Buffer.from(JSON.stringify(leakage)))
    await stores.tracking.logArtifacts(parentRunId, { 'leakage-report': leakRef })
    await stores.tracking.setTags(parentRunId, { 'keel.leakage': leakage.summary.status })
  }
  await stores.tracking.setTags(parentRunId, {
    'keel.best': best.name,
    'keel.gate': evaluated.report.gate.blessed ? 'blessed' : 'refused',
  })
  await stores.tracking.logMetrics(parentRunId, numericOnly(best.metrics.test, 'test.'))
  await stores.tracking.endRun(parentRunId, { status: 'finished' })
}
