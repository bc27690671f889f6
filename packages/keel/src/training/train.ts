import {
  KeelError,
  createRng,
  createTransformer,
  fieldsWithRole,
  leakageReport,
  metricByName,
  parseEvaluationConfig,
  pinInputFields,
  precheckEvaluation,
  resolveMetrics,
  type FittedModel,
  type EvaluationReport,
  type FittedTransformer,
  type Frame,
  type LeakageReport,
  type ModelBundle,
  type SchemaContract,
  type SplitReport,
  type Task,
  type TrainingSet,
  type ValidationResult,
} from '@keel/core'
import type { Project } from '../project/index.js'
import type { DatasetFingerprint } from '../data/index.js'
import type { ImportanceItem } from '../reports/index.js'
import { readGitState, type KeelStores } from '../stores/index.js'
import { openProjectStores } from '../project/workspace.js'

// Re-exported while callers move to `project/workspace.ts`, where it lives.
export { openProjectStores }
import type { ProgressReporter } from '../util/progress.js'
import { silentProgress } from '../util/progress.js'
import { KEEL_VERSION } from '../version.js'
import { datasetSource } from '../data/dataset.js'
import { evaluateAndRegister, type TrainEvaluation } from './evaluate-best.js'
import { fitOne, numericOnly, type LearnerResult } from './fit-candidate.js'
import { encodeLabel } from './label.js'
import { resolveLearners } from './learners.js'
import { prepareProjectData } from './prepare.js'

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
 * The raw columns a model may see: every feature-role column, plus the timestamp column when a
 * feature pipeline is declared (it derives time-of-day and calendar features from it).
 */
const featureColumns = (
  contract: SchemaContract,
  frame: Frame,
  label: string,
  withPipeline: boolean,
): string[] => {
  const roles = withPipeline ? (['feature', 'timestamp'] as const) : (['feature'] as const)
  const wanted = new Set(roles.flatMap((r) => fieldsWithRole(contract, r)))
  const declared = contract.fields
    .map((f) => f.name)
    .filter((n) => wanted.has(n) && n !== label && frame.has(n))
  if (declared.length === 0) {
    throw new KeelError(
      'INVALID_CONFIG',
      'the schema contract marks no present column as a feature',
      {
        path: ['schema', 'fields'],
      },
    )
  }
  return declared
}

const selectFeatures = (
  X: Frame,
  features: readonly string[] | undefined,
  entry: string,
): Frame => {
  if (!features) return X
  const missing = features.filter((f) => !X.has(f))
  if (missing.length > 0) {
    throw new KeelError(
      'INVALID_CONFIG',
      `learner "${entry}" names unknown features: ${missing.join(', ')}`,
      {
        details: { available: X.columnNames },
      },
    )
  }
  return X.select(features)
}

const training = (
  X: Frame,
  y: Float64Array,
  task: Task,
  classes: readonly string[] | undefined,
): TrainingSet => (classes ? { X, y, task, classes } : { X, y, task })

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
  const rng = createRng(config.seed)
  const entries = resolveLearners(config) // hyperparameters checked before any work
  const labelColumn = config.label.column
  const task = config.label.task
  const evaluation = parseEvaluationConfig(config.evaluation)
  const { metrics: metricNames, primary: primaryMetric } = resolveMetrics(evaluation, task)
  const primary = metricByName(primaryMetric)

  const data = await prepareProjectData(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    onPhase: (p) => progress.phase(p),
    onProgress: (p) => progress.update(p),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const { frame, contract, fingerprint, split } = data
  const label = encodeLabel(frame, labelColumn, task, config.label.positive)
  const features = featureColumns(contract, frame, labelColumn, config.features !== undefined)
  precheckEvaluation(evaluation, task, frame, features)
  const idx = split.indices
  const X = frame.select(features)
  const part = (rows: Int32Array): { X: Frame; y: Float64Array } => ({
    X: X.take(rows),
    y: Float64Array.from(rows, (r) => label.y[r]!),
  })
  const train = part(idx.train)
  const valid = part(idx.validation.length > 0 ? idx.validation : idx.test)
  const test = part(idx.test)
  const numClasses = label.classes?.length ?? 0

  // The feature pipeline is fitted on the train split only; candidates see its output, baselines
  // see the raw features (a heuristic is written against the data as people know it).
  let pipeline: FittedTransformer | null = null
  let trainF = train.X
  let validF = valid.X
  let testF = test.X
  if (config.features !== undefined) {
    progress.phase('fitting the feature pipeline')
    const transformer = createTransformer(
      config.features as Parameters<typeof createTransformer>[0],
    )
    const roles = Object.fromEntries(contract.fields.map((f) => [f.name, f.role ?? 'feature']))
    const fitted = transformer.fitTransform(train.X, {
      rng: rng.fork('features'),
      y: train.y,
      task,
      roles,
    })
    pipeline = fitted.fitted
    trainF = fitted.output
    validF = pipeline.transform(valid.X)
    testF = pipeline.transform(test.X)
  }

  // Columns that are not features by role (the timestamp a pipeline read, ids) never reach a model.
  const notFeatures = contract.fields
    .filter((f) => (f.role ?? 'feature') !== 'feature')
    .map((f) => f.name)
  trainF = trainF.drop(notFeatures)
  validF = validF.drop(notFeatures)
  testF = testF.drop(notFeatures)
  // Every learner's feature list is checked before anything is fitted or recorded.
  for (const e of entries)
    selectFeatures(e.role === 'candidate' ? trainF : train.X, e.features, e.name)

  let leakage: LeakageReport | null = null
  if (config.leakage.enabled) {
    progress.phase('checking for leakage')
    leakage = leakageReport({
      frame,
      contract,
      split: idx,
      splitKind: split.report.kind,
      label: labelColumn,
      y: label.y,
      task,
      rng: rng.fork('leakage'),
      features,
      ...(config.leakage.availability
        ? { availability: config.leakage.availability as never }
        : {}),
      // The pipeline is only ever fitted on the train rows (above); the report records that it held.
      pipelineFit: config.features !== undefined ? { rows: idx.train } : { trainOnly: true },
    })
  }

  const stores = options.stores ?? (await openProjectStores(project))
  try {
    const git = await readGitState(project.root)
    const parent = await stores.tracking.createRun({
      experiment: config.name,
      name: 'train',
      params: {
        seed: config.seed,
        rows: frame.numRows,
        task,
        label: labelColumn,
        features: features.join(','),
        split: split.report.kind,
      },
      tags: { 'keel.command': 'train', 'keel.source': datasetSource(project).name },
      inputs: [
        { fingerprint: fingerprint.fingerprint, role: 'train', name: datasetSource(project).name },
      ],
      seed: config.seed,
      ...(git ? { git } : {}),
    })
    const results: LearnerResult[] = []
    const models = new Map<string, FittedModel>()
    try {
      for (const [i, entry] of entries.entries()) {
        progress.phase(`fitting ${entry.name} (${i + 1}/${entries.length})`)
        const seen =
          entry.role === 'candidate'
            ? { train: trainF, valid: validF, test: testF }
            : { train: train.X, valid: valid.X, test: test.X }
        const r = await fitOne(stores, parent.id, config.name, entry, {
          train: training(
            selectFeatures(seen.train, entry.features, entry.name),
            train.y,
            task,
            label.classes,
          ),
          valid: training(
            selectFeatures(seen.valid, entry.features, entry.name),
            valid.y,
            task,
            label.classes,
          ),
          test: { X: selectFeatures(seen.test, entry.features, entry.name), y: test.y },
          task,
          numClasses,
          metricNames,
          seed: config.seed,
          progress,
        })
        results.push(r.result)
        if (r.model) models.set(entry.name, r.model)
      }
      const pick = (role: 'baseline' | 'candidate'): LearnerResult | undefined =>
        results
          .filter(
            (r) =>
              r.role === role &&
              r.status === 'finished' &&
              r.metrics.validation[primaryMetric] != null,
          )
          .sort((a, b) => {
            const d = a.metrics.validation[primaryMetric]! - b.metrics.validation[primaryMetric]!
            return primary.higherIsBetter ? -d : d
          })[0]
      const best = pick('candidate')
      if (!best) {
        throw new KeelError('INVALID_DATA', 'no candidate could be trained', {
          details: {
            errors: results.filter((r) => r.error).map((r) => ({ name: r.name, ...r.error })),
          },
        })
      }
      const bestBaseline = pick('baseline')
      const evaluated = await evaluateAndRegister(stores, {
        project,
        config: evaluation,
        parts: {
          name: config.name,
          task,
          label: label.classes
            ? { column: labelColumn, classes: label.classes }
            : { column: labelColumn },
          inputs: pinInputFields(train.X, features),
          pipeline,
          model: models.get(best.name)!,
          lineage: {
            runId: best.runId,
            datasets: [
              { role: 'train', fingerprint: fingerprint.fingerprint, rows: frame.numRows },
            ],
            split: { kind: split.report.kind, sizes: split.report.sizes },
            params: entries.find((e) => e.name === best.name)!.params,
            seed: config.seed,
            codeVersion: git ? `${git.commit}${git.dirty ? '+dirty' : ''}` : `keel@${KEEL_VERSION}`,
          },
          createdAt: new Date().toISOString(),
        },
        frame,
        contract,
        indices: idx,
        validationY: valid.y,
        testY: test.y,
        trainInputs: train.X,
        features,
        models,
        baselines: results.filter((r) => r.role === 'baseline').map((r) => r.name),
        sourceRunId: best.runId,
        description: `${best.kind} "${best.name}" from train run ${parent.id}`,
        register: options.register !== false,
        leakage,
        rng,
        progress,
      })
      await stores.tracking.logArtifacts(best.runId, {
        bundle: evaluated.bundleArtifact,
        'evaluation-report': evaluated.reportArtifact,
      })
      if (leakage) {
        const leakRef = await stores.artifacts.put(Buffer.from(JSON.stringify(leakage)))
        await stores.tracking.logArtifacts(parent.id, { 'leakage-report': leakRef })
        await stores.tracking.setTags(parent.id, { 'keel.leakage': leakage.summary.status })
      }
      await stores.tracking.setTags(parent.id, {
        'keel.best': best.name,
        'keel.gate': evaluated.report.gate.blessed ? 'blessed' : 'refused',
      })
      await stores.tracking.logMetrics(parent.id, numericOnly(best.metrics.test, 'test.'))
      await stores.tracking.endRun(parent.id, { status: 'finished' })
      const result: TrainResult = {
        project: config.name,
        runId: parent.id,
        task,
        classes: label.classes,
        rows: frame.numRows,
        droppedUnlabelled: data.droppedUnlabelled,
        droppedInvalid: data.droppedInvalid,
        fingerprint,
        validation: data.validation,
        split: split.report,
        features,
        primaryMetric,
        metrics: metricNames,
        results,
        best: best.name,
        bestBaseline: bestBaseline?.name,
        bundle: {
          digest: evaluated.bundleArtifact.digest,
          model: config.name,
          version: evaluated.version?.version ?? null,
        },
        evaluation: evaluated.summary,
        leakage,
      }
      return {
        result,
        artifacts: {
          bundle: evaluated.bundle,
          frame,
          splitIndices: { train: idx.train, validation: idx.validation, test: idx.test },
          models,
          report: evaluated.report,
          importance: evaluated.importance,
        },
      }
    } catch (e) {
      await stores.tracking.endRun(parent.id, { status: 'failed' }).catch(() => undefined)
      throw e
    }
  } finally {
    if (!options.stores) await stores.close()
  }
}
