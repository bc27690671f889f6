import {
  KeelError,
  createRng,
  type FittedModel,
  type Frame,
  type Task,
  type TrainingSet,
  predictSplit,
  scoreSplit,
} from '@keel/core'
import type { KeelStores } from '../stores/index.js'
import type { ProgressReporter } from '../util/progress.js'
import type { LearnerEntry } from './learners.js'

/**
 * Fitting one baseline or candidate as a child run of a training run: fit with the validation
 * split at hand (early stopping), score validation and test, log the metrics, and record a failure
 * as a failed run with its error rather than failing the whole training.
 */

/** The outcome of one baseline or candidate. */
export interface LearnerResult {
  readonly name: string
  readonly kind: string
  readonly role: 'baseline' | 'candidate'
  readonly runId: string
  readonly status: 'finished' | 'failed'
  readonly fitSeconds: number
  readonly metrics: {
    readonly validation: Readonly<Record<string, number | null>>
    readonly test: Readonly<Record<string, number | null>>
  }
  readonly error?: { readonly code: string; readonly message: string }
}

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

/** What {@link fitOne} fits on and scores. */
export interface FitInputs {
  readonly train: TrainingSet
  readonly valid: TrainingSet
  readonly test: { readonly X: Frame; readonly y: Float64Array }
  readonly task: Task
  readonly numClasses: number
  readonly metricNames: readonly string[]
  readonly seed: number
  readonly progress: ProgressReporter
}

/** Fit one learner as a child run of `parentRunId` and score it on validation and test. */
export const fitOne = async (
  stores: KeelStores,
  parentRunId: string,
  experiment: string,
  entry: LearnerEntry,
  d: FitInputs,
): Promise<{ result: LearnerResult; model: FittedModel | undefined }> => {
  const run = await stores.tracking.createRun({
    experiment,
    name: entry.name,
    parentRunId,
    params: flattenParams(entry.params),
    tags: { 'keel.role': entry.role, 'keel.kind': entry.kind },
    seed: d.seed,
  })
  const t0 = performance.now()
  try {
    const model = entry.learner.fit(d.train, {
      rng: createRng(d.seed).fork(entry.name),
      validation: d.valid,
      onProgress: (p) => d.progress.update(p),
    })
    const fitSeconds = (performance.now() - t0) / 1000
    const validation = scoreSplit(
      predictSplit(model, d.valid.X, d.valid.y, d.task, d.numClasses),
      d.task,
      d.metricNames,
    )
    const test = scoreSplit(
      predictSplit(model, d.test.X, d.test.y, d.task, d.numClasses),
      d.task,
      d.metricNames,
    )
    await stores.tracking.logMetrics(run.id, {
      ...numericOnly(validation, 'validation.'),
      ...numericOnly(test, 'test.'),
      fit_seconds: fitSeconds,
    })
    await stores.tracking.endRun(run.id, { status: 'finished' })
    return {
      result: {
        name: entry.name,
        kind: entry.kind,
        role: entry.role,
        runId: run.id,
        status: 'finished',
        fitSeconds,
        metrics: { validation, test },
      },
      model,
    }
  } catch (e) {
    await stores.tracking.endRun(run.id, { status: 'failed' })
    const err =
      e instanceof KeelError
        ? { code: e.code, message: e.message }
        : { code: 'INTERNAL', message: (e as Error).message }
    await stores.tracking.setTags(run.id, {
      'keel.error': `${err.code}: ${err.message}`.slice(0, 500),
    })
    return {
      result: {
        name: entry.name,
        kind: entry.kind,
        role: entry.role,
        runId: run.id,
        status: 'failed',
        fitSeconds: (performance.now() - t0) / 1000,
        metrics: { validation: {}, test: {} },
        error: err,
      },
      model: undefined,
    }
  }
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
