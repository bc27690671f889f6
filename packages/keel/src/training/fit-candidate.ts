import {
  KeelError,
  createLearner,
  createRng,
  type FittedModel,
  type Frame,
  type TrainingSet,
  predictSplit,
  scoreSplit,
} from '@keel/core'
import { selectFeatures } from './feature-columns.js'
import type { CandidateSpec } from './learners.js'
import type { PreparedData } from './prepare.js'

/**
 * Fitting one baseline or candidate on prepared data: fit with the validation split at hand (early
 * stopping), score validation and test, and report a failure as a failed result with its error
 * rather than failing the whole training. The spec and the result are plain data (the model
 * serializes through `toJSON`) and recording goes through a {@link CandidateTracker}, so a job can
 * run the unit without stores.
 */

/** The outcome of one baseline or candidate, as `keel train` reports it. */
export interface LearnerResult {
  readonly name: string
  readonly kind: string
  readonly role: 'baseline' | 'candidate'
  readonly runId: string
  readonly status: 'finished' | 'failed'
  readonly fitSeconds: number
  readonly metrics: CandidateMetrics
  readonly error?: CandidateError
}

/** Metrics by name on the validation and test splits (null: undefined on that data). */
export interface CandidateMetrics {
  readonly validation: Readonly<Record<string, number | null>>
  readonly test: Readonly<Record<string, number | null>>
}

/** Why a fit failed: a Keel error code (`INTERNAL` for anything else) and its message. */
export interface CandidateError {
  readonly code: string
  readonly message: string
}

/** What {@link fitCandidate} gives back: a {@link LearnerResult} whose run may be absent, and the model. */
export interface CandidateResult extends Omit<LearnerResult, 'runId'> {
  /** The id the tracker recorded the fit under (null when no tracker was given). */
  readonly runId: string | null
  /** The fitted model (undefined when the fit failed); `toJSON` serializes it. */
  readonly model: FittedModel | undefined
}

/** Where fits are recorded (e.g. as child runs of a training run). */
export interface CandidateTracker {
  /** Open the record of a fit before it starts; resolves to its id. */
  start(spec: CandidateSpec): Promise<string>
  /** The fit finished with these metrics and fit time. */
  finished(id: string, outcome: { metrics: CandidateMetrics; fitSeconds: number }): Promise<void>
  /** The fit failed with this error. */
  failed(id: string, error: CandidateError): Promise<void>
}

/** How {@link fitCandidate} runs. */
export interface FitContext {
  /** Metric names to score validation and test with. */
  readonly metrics: readonly string[]
  /** The project seed: the learner's generator is forked from it by the spec's name. */
  readonly seed: number
  readonly tracker?: CandidateTracker
  readonly onProgress?: (p: { done: number; total?: number }) => void
}

/**
 * Fit one baseline or candidate on prepared data and score it on validation and test. Baselines
 * see the raw features, candidates the feature pipeline's output; a spec naming an unknown
 * feature is an INVALID_CONFIG error, thrown before anything is recorded.
 *
 * @example
 * const r = await fitCandidate(prepared, { name: 'gbdt', kind: 'gbdt', role: 'candidate', params: {}, features: undefined }, { metrics: ['roc_auc'], seed: 1 })
 */
export const fitCandidate = async (
  prepared: PreparedData,
  spec: CandidateSpec,
  ctx: FitContext,
): Promise<CandidateResult> => {
  const seen = spec.role === 'candidate' ? prepared.transformed : prepared.raw
  const X = (f: Frame): Frame => selectFeatures(f, spec.features, spec.name)
  const set = (f: Frame, y: Float64Array): TrainingSet =>
    prepared.classes
      ? { X: X(f), y, task: prepared.task, classes: prepared.classes }
      : { X: X(f), y, task: prepared.task }
  const train = set(seen.train.X, seen.train.y)
  const valid = set(seen.validation.X, seen.validation.y)
  const test = { X: X(seen.test.X), y: seen.test.y }
  const numClasses = prepared.classes?.length ?? 0
  const score = (f: Frame, y: Float64Array, model: FittedModel): Record<string, number | null> =>
    scoreSplit(predictSplit(model, f, y, prepared.task, numClasses), prepared.task, ctx.metrics)
  const { tracker } = ctx
  const runId = tracker ? await tracker.start(spec) : null
  const base = { name: spec.name, kind: spec.kind, role: spec.role, runId }
  const t0 = performance.now()
  try {
    const model = createLearner(spec.kind, spec.params).fit(train, {
      rng: createRng(ctx.seed).fork(spec.name),
      validation: valid,
      onProgress: (p) => ctx.onProgress?.(p),
    })
    const fitSeconds = (performance.now() - t0) / 1000
    const metrics = {
      validation: score(valid.X, valid.y, model),
      test: score(test.X, test.y, model),
    }
    if (tracker && runId !== null) await tracker.finished(runId, { metrics, fitSeconds })
    return { ...base, status: 'finished', fitSeconds, metrics, model }
  } catch (e) {
    const error =
      e instanceof KeelError
        ? { code: e.code, message: e.message }
        : { code: 'INTERNAL', message: (e as Error).message }
    if (tracker && runId !== null) await tracker.failed(runId, error)
    return {
      ...base,
      status: 'failed',
      fitSeconds: (performance.now() - t0) / 1000,
      metrics: { validation: {}, test: {} },
      error,
      model: undefined,
    }
  }
}
