import { serviceLineage } from './feature-join.js'
import {
  createRng,
  metricByName,
  parseEvaluationConfig,
  pinInputFields,
  resolveMetrics,
  type FittedModel,
  type EvaluationConfig,
  type EvaluationReport,
  type Frame,
  type LeakageReport,
  type ModelBundle,
  type SplitReport,
  type Task,
  type ValidationResult,
} from '@keel/core'
import type { Project } from '../project/index.js'
import type { DatasetFingerprint } from '../data/index.js'
import type { ImportanceItem } from '../reports/index.js'
import { readGitState, type GitState, type KeelStores } from '../stores/index.js'
import { openProjectStores } from '../project/workspace.js'

import type { ProgressReporter } from '../util/progress.js'
import { silentProgress } from '../util/progress.js'
import { KEEL_VERSION } from '../version.js'
import {
  evaluateAndRegister,
  type BestCandidate,
  type EvaluatedBest,
  type TrainEvaluation,
} from './evaluate-best.js'
import { fitCandidate, type CandidateResult, type LearnerResult } from './fit-candidate.js'
import { candidateSpec, resolveLearners, type CandidateSpec } from './learners.js'
import { prepareTraining, type PreparedData } from './prepare.js'
import { selectBest, tieNote } from './select.js'
import { childRunTracker, finishTrainRun, keepRunAlive, startTrainRun } from './tracking.js'

export type { LearnerResult } from './fit-candidate.js'
export type { TrainEvaluation } from './evaluate-best.js'

/** Options of {@link trainProject}. */
export interface TrainOptions {
  /** Rows to sample (seeded), or `'all'`; default: the config's `dataset.sample`, else all. */
  readonly rows?: number | 'all'
  /** Register the best candidate as a new model version (default true). */
  readonly register?: boolean
  /** Stores to use (default: the project's workspace stores, opened and closed here). */
  readonly stores?: KeelStores
  readonly progress?: ProgressReporter
  readonly signal?: AbortSignal
}

/** What `keel train` did, as data. */
export interface TrainResult {
  readonly project: string
  readonly runId: string
  readonly task: Task
  readonly classes: readonly string[] | undefined
  readonly rows: number
  readonly droppedUnlabelled: number
  /** Rows dropped for breaking the contract (`dataset.onViolation: 'drop'`). */
  readonly droppedInvalid: number
  readonly fingerprint: DatasetFingerprint
  readonly validation: ValidationResult
  readonly split: SplitReport
  readonly features: readonly string[]
  readonly primaryMetric: string
  readonly metrics: readonly string[]
  readonly results: readonly LearnerResult[]
  /** The best candidate by the primary metric on the validation split. */
  readonly best: string
  readonly bestBaseline: string | undefined
  readonly bundle: {
    readonly digest: string
    readonly model: string
    readonly version: number | null
  }
  /** The offline evaluation of the best candidate: the gate's verdict, its reasons, the card. */
  readonly evaluation: TrainEvaluation
  /** The leakage report over the model inputs (null when disabled in the config). */
  readonly leakage: LeakageReport | null
}

/** Fitted state needed after training (bundles, reports). */
export interface TrainArtifacts {
  /** The registered bundle: post-processing chosen on validation, evaluation digest, reference. */
  readonly bundle: ModelBundle
  readonly frame: Frame
  readonly splitIndices: {
    readonly train: Int32Array
    readonly validation: Int32Array
    readonly test: Int32Array
  }
  readonly models: ReadonlyMap<string, FittedModel>
  /** The full evaluation report of the best candidate. */
  readonly report: EvaluationReport
  /** Permutation importance of its inputs on test (null when not measurable). */
  readonly importance: ImportanceItem[] | null
}

/**
 * Train a project: read and validate the dataset, split it, fit the feature pipeline on the train
 * split only, fit every baseline and candidate, score them on validation and test, record one parent
 * run with a child run per learner, evaluate the best candidate offline (metrics with intervals,
 * post-processing, baselines and the production champion, slices, behavioural tests, the gate),
 * register its bundle as approved or candidate by the gate's verdict, and write its model card.
 *
 * Bad input (config, data, hyperparameters, evaluation columns) is reported before anything is
 * written to a store.
 */
export const trainProject = async (
  project: Project,
  options: TrainOptions = {},
): Promise<{ result: TrainResult; artifacts: TrainArtifacts }> => {
  const progress = options.progress ?? silentProgress
  const { config } = project
  const specs = resolveLearners(config).map(candidateSpec) // hyperparameters checked before any work
  const evaluation = parseEvaluationConfig(config.evaluation)
  const { metrics, primary } = resolveMetrics(evaluation, config.label.task)
  const prepared = await prepareTraining(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    progress,
    ...(options.signal ? { signal: options.signal } : {}),
    evaluation,
    specs,
  })

  const stores = options.stores ?? (await openProjectStores(project))
  try {
    const git = await readGitState(project.root)
    const parent = await startTrainRun(stores, project, prepared, git)
    const stopHeartbeat = keepRunAlive(stores, parent.id)
    try {
      const tracker = childRunTracker(stores, parent.id, config.name, config.seed)
      const fitted: CandidateResult[] = []
      for (const [i, spec] of specs.entries()) {
        progress.phase(`fitting ${spec.name} (${i + 1}/${specs.length})`)
        const onProgress = (p: { done: number; total?: number }): void => progress.update(p)
        fitted.push(
          await fitCandidate(prepared, spec, { metrics, seed: config.seed, tracker, onProgress }),
        )
      }
      const results = fitted.map(learnerResult)
      const { higherIsBetter } = metricByName(primary)
      const { best, bestBaseline } = selectBest(results, { name: primary, higherIsBetter })
      const models = new Map<string, FittedModel>()
      for (const r of fitted) if (r.model) models.set(r.name, r.model)
      const evaluated = await evaluateAndRegister(
        stores,
        bestCandidate(
          project,
          prepared,
          { best, results, specs, models, git, evaluation },
          {
            description: `${best.kind} "${best.name}" from train run ${parent.id}`,
            register: options.register !== false,
            progress,
            selectionNote: tieNote(results, best, { name: primary, higherIsBetter }),
          },
        ),
      )
      await finishTrainRun(stores, parent.id, { best, evaluated, leakage: prepared.leakage })
      const fits = { metrics, primary, results, best, bestBaseline, models, evaluated }
      return trainOutcome(project, prepared, { runId: parent.id, ...fits })
    } catch (e) {
      await stores.tracking.endRun(parent.id, { status: 'failed' }).catch(() => undefined)
      throw e
    } finally {
      stopHeartbeat()
    }
  } finally {
    if (!options.stores) await stores.close()
  }
}

/** A fit's result as `keel train` reports it: under its child run, without the model. */
const learnerResult = (r: CandidateResult): LearnerResult => ({
  name: r.name,
  kind: r.kind,
  role: r.role,
  // Training always records fits through a tracker, so every result has its run.
  runId: r.runId!,
  status: r.status,
  fitSeconds: r.fitSeconds,
  metrics: r.metrics,
  ...(r.error ? { error: r.error } : {}),
})

/** What the evaluation of the best candidate needs from the prepared data and the fits. */
const bestCandidate = (
  project: Project,
  prepared: PreparedData,
  fits: {
    readonly best: LearnerResult
    readonly results: readonly LearnerResult[]
    readonly specs: readonly CandidateSpec[]
    readonly models: ReadonlyMap<string, FittedModel>
    readonly git: GitState | undefined
    readonly evaluation: EvaluationConfig
  },
  run: Pick<BestCandidate, 'description' | 'register' | 'progress' | 'selectionNote'>,
): BestCandidate => {
  const { config } = project
  const { best, git } = fits
  const { frame, contract, fingerprint, split } = prepared.data
  const { raw, labelColumn, classes } = prepared
  return {
    project,
    config: fits.evaluation,
    parts: {
      name: config.name,
      task: prepared.task,
      label: classes ? { column: labelColumn, classes } : { column: labelColumn },
      inputs: pinInputFields(raw.train.X, prepared.features),
      pipeline: prepared.pipeline,
      model: fits.models.get(best.name)!,
      lineage: {
        runId: best.runId,
        datasets: [{ role: 'train', fingerprint: fingerprint.fingerprint, rows: frame.numRows }],
        split: { kind: split.report.kind, sizes: split.report.sizes },
        params: fits.specs.find((s) => s.name === best.name)!.params,
        seed: config.seed,
        codeVersion: git ? `${git.commit}${git.dirty ? '+dirty' : ''}` : `keel@${KEEL_VERSION}`,
        ...(prepared.data.features
          ? { featureService: serviceLineage(prepared.data.features) }
          : {}),
      },
      createdAt: new Date().toISOString(),
    },
    frame,
    contract,
    indices: split.indices,
    validationY: raw.validation.y,
    testY: raw.test.y,
    trainInputs: raw.train.X,
    features: prepared.features,
    models: fits.models,
    baselines: fits.results.filter((r) => r.role === 'baseline').map((r) => r.name),
    sourceRunId: best.runId,
    leakage: prepared.leakage,
    rng: createRng(config.seed),
    ...run,
  }
}

/** What a training run did, as data, and the fitted state kept for bundles and reports. */
const trainOutcome = (
  project: Project,
  prepared: PreparedData,
  run: {
    readonly runId: string
    readonly metrics: readonly string[]
    readonly primary: string
    readonly results: readonly LearnerResult[]
    readonly best: LearnerResult
    readonly bestBaseline: LearnerResult | undefined
    readonly models: ReadonlyMap<string, FittedModel>
    readonly evaluated: EvaluatedBest
  },
): { result: TrainResult; artifacts: TrainArtifacts } => {
  const { data } = prepared
  const { evaluated } = run
  const result: TrainResult = {
    project: project.config.name,
    runId: run.runId,
    task: prepared.task,
    classes: prepared.classes,
    rows: data.frame.numRows,
    droppedUnlabelled: data.droppedUnlabelled,
    droppedInvalid: data.droppedInvalid,
    fingerprint: data.fingerprint,
    validation: data.validation,
    split: data.split.report,
    features: prepared.features,
    primaryMetric: run.primary,
    metrics: run.metrics,
    results: run.results,
    best: run.best.name,
    bestBaseline: run.bestBaseline?.name,
    bundle: {
      digest: evaluated.bundleArtifact.digest,
      model: project.config.name,
      version: evaluated.version?.version ?? null,
    },
    evaluation: evaluated.summary,
    leakage: prepared.leakage,
  }
  const { train, validation, test } = data.split.indices
  return {
    result,
    artifacts: {
      bundle: evaluated.bundle,
      frame: data.frame,
      splitIndices: { train, validation, test },
      models: run.models,
      report: evaluated.report,
      importance: evaluated.importance,
    },
  }
}
