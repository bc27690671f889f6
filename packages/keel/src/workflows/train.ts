import {
  KeelError,
  ModelBundle,
  leakageReport,
  type LeakageReport,
  coerceToContract,
  createRng,
  createTransformer,
  fieldsWithRole,
  metricByName,
  pinInputFields,
  splitFrame,
  validateFrame,
  type FittedModel,
  type FittedTransformer,
  type Frame,
  type SchemaContract,
  type SplitReport,
  type SplitSpec,
  type Task,
  type TrainingSet,
  type ValidationResult,
} from '@keel/core'
import type { Project } from '../config/index.js'
import { fingerprintFrame, type DatasetFingerprint } from '../data/index.js'
import { openStores, readGitState, type KeelStores } from '../stores/index.js'
import type { ProgressReporter } from '../util/progress.js'
import { silentProgress } from '../util/progress.js'
import { KEEL_VERSION } from '../version.js'
import { datasetSource, loadDataset, projectContract } from './dataset.js'
import { DEFAULT_METRICS, predictSplit, scoreSplit } from './evaluate-model.js'
import { encodeLabel, labelledRows } from './label.js'
import { resolveLearners, type LearnerEntry } from './learners.js'
import { onlyRowIssues, violatingRows } from './row-policy.js'
import { buildMonitoringReference } from '../monitor/index.js'

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
  /** The leakage report over the model inputs (null when disabled in the config). */
  readonly leakage: LeakageReport | null
}

/** Fitted state needed after training (bundles, reports). */
export interface TrainArtifacts {
  readonly bundle: ModelBundle
  readonly frame: Frame
  readonly splitIndices: {
    readonly train: Int32Array
    readonly validation: Int32Array
    readonly test: Int32Array
  }
  readonly models: ReadonlyMap<string, FittedModel>
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

const splitSpec = (project: Project, label: string): SplitSpec => {
  const s = project.config.split
  if (!s) return { label }
  const spec: Record<string, unknown> = { kind: s.kind, label }
  if ('column' in s && s.column !== undefined) spec['column'] = s.column
  if (s.fractions) spec['fractions'] = s.fractions
  if ('cutoffs' in s && s.cutoffs) spec['cutoffs'] = s.cutoffs
  return spec as SplitSpec
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
 * run with a child run per learner, and register the best candidate's bundle.
 *
 * Bad input (config, data, hyperparameters) is reported before anything is written to a store.
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

  progress.phase('reading data')
  let frame = await loadDataset(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    onProgress: (p) => progress.update(p),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const contract = projectContract(project, frame)
  progress.phase('validating')
  const validation = validateFrame(frame, contract, { coerce: true })
  let droppedInvalid = 0
  if (!validation.ok && config.dataset.onViolation === 'drop' && onlyRowIssues(validation)) {
    const bad = violatingRows(coerceToContract(frame, contract), contract)
    const keep: number[] = []
    for (let i = 0; i < bad.length; i++) if (!bad[i]) keep.push(i)
    droppedInvalid = bad.length - keep.length
    frame = frame.take(keep)
  } else if (!validation.ok) {
    throw new KeelError(
      'VALIDATION_FAILED',
      `the dataset violates its contract (${validation.summary.violations} violations)`,
      {
        issues: validation.issues,
        hint: 'run `keel data validate` for the full report',
      },
    )
  }
  frame = coerceToContract(frame, contract)
  if (!frame.has(labelColumn)) {
    throw new KeelError('SCHEMA_MISMATCH', `label column "${labelColumn}" is not in the dataset`, {
      path: ['label', 'column'],
    })
  }
  const labelled = labelledRows(frame, labelColumn)
  const droppedUnlabelled = frame.numRows - labelled.length
  if (droppedUnlabelled > 0) frame = frame.take(labelled)
  const fingerprint = fingerprintFrame(frame)
  const label = encodeLabel(frame, labelColumn, task, config.label.positive)
  const features = featureColumns(contract, frame, labelColumn, config.features !== undefined)

  progress.phase('splitting')
  const split = splitFrame(frame, splitSpec(project, labelColumn), {
    rng: rng.fork('split'),
    contract,
  })
  const idx = split.indices
  if (idx.train.length === 0 || idx.test.length === 0) {
    throw new KeelError('INVALID_DATA', 'the split left the train or test part empty', {
      details: { sizes: split.report.sizes },
    })
  }
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

  const metricNames = [
    ...new Set([
      ...((config.evaluation['metrics'] as string[] | undefined) ?? DEFAULT_METRICS[task]),
    ]),
  ]
  const primaryMetric = (config.evaluation['primary'] as string | undefined) ?? metricNames[0]!
  const primary = metricByName(primaryMetric)
  if (!metricNames.includes(primaryMetric)) metricNames.unshift(primaryMetric)

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
      progress.phase('saving the bundle')
      const parts = {
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
          datasets: [{ role: 'train', fingerprint: fingerprint.fingerprint, rows: frame.numRows }],
          split: { kind: split.report.kind, sizes: split.report.sizes },
          params: entries.find((e) => e.name === best.name)!.params,
          seed: config.seed,
          codeVersion: git ? `${git.commit}${git.dirty ? '+dirty' : ''}` : `keel@${KEEL_VERSION}`,
        },
        evaluation: { primaryMetric, validation: best.metrics.validation, test: best.metrics.test },
        createdAt: new Date().toISOString(),
      }
      // The monitoring reference: raw inputs from the train split, and the model's outputs and the
      // labels on held-out rows (in-sample outputs would make live output drift look alarming).
      const draft = ModelBundle.create(parts)
      const reference = buildMonitoringReference(train.X, {
        features,
        predictions: draft.predict(valid.X),
        labels: Array.from(valid.y, (v) => (label.classes ? label.classes[v]! : v)),
      })
      const bundle = ModelBundle.create({ ...parts, reference })
      const ref = await stores.artifacts.put(Buffer.from(JSON.stringify(bundle.toJSON())))
      await stores.tracking.logArtifacts(best.runId, { bundle: ref })
      let version: number | null = null
      if (options.register !== false) {
        const v = await stores.registry.createVersion({
          model: config.name,
          bundle: ref,
          sourceRunId: best.runId,
          evaluation: {
            primaryMetric,
            validation: best.metrics.validation,
            test: best.metrics.test,
          },
          description: `${best.kind} "${best.name}" from train run ${parent.id}`,
        })
        version = v.version
      }
      if (leakage) {
        const leakRef = await stores.artifacts.put(Buffer.from(JSON.stringify(leakage)))
        await stores.tracking.logArtifacts(parent.id, { 'leakage-report': leakRef })
        await stores.tracking.setTags(parent.id, { 'keel.leakage': leakage.summary.status })
      }
      await stores.tracking.setTags(parent.id, { 'keel.best': best.name })
      await stores.tracking.logMetrics(parent.id, numericOnly(best.metrics.test, 'test.'))
      await stores.tracking.endRun(parent.id, { status: 'finished' })
      const result: TrainResult = {
        project: config.name,
        runId: parent.id,
        task,
        classes: label.classes,
        rows: frame.numRows,
        droppedUnlabelled,
        droppedInvalid,
        fingerprint,
        validation,
        split: split.report,
        features,
        primaryMetric,
        metrics: metricNames,
        results,
        best: best.name,
        bestBaseline: bestBaseline?.name,
        bundle: { digest: ref.digest, model: config.name, version },
        leakage,
      }
      return {
        result,
        artifacts: {
          bundle,
          frame,
          splitIndices: { train: idx.train, validation: idx.validation, test: idx.test },
          models,
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

const numericOnly = (
  m: Readonly<Record<string, number | null>>,
  prefix = '',
): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(m))
    if (v !== null && Number.isFinite(v)) out[`${prefix}${k}`] = v
  return out
}

interface FitInputs {
  readonly train: TrainingSet
  readonly valid: TrainingSet
  readonly test: { readonly X: Frame; readonly y: Float64Array }
  readonly task: Task
  readonly numClasses: number
  readonly metricNames: readonly string[]
  readonly seed: number
  readonly progress: ProgressReporter
}

const fitOne = async (
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

const flattenParams = (
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

/** Open the project's workspace stores (SQLite under `.keel/` unless a database URL is set). */
export const openProjectStores = async (project: Project): Promise<KeelStores> => {
  const url = project.config.store.databaseUrl ?? process.env['KEEL_DATABASE_URL']
  return openStores({
    url: url && url.length > 0 ? url : `sqlite:${project.workspace}/keel.db`,
    dir: project.root,
    artifactRoot: `${project.workspace}/artifacts`,
  })
}
