import {
  KeelError,
  coerceToContract,
  createRng,
  createTransformer,
  leakageReport,
  precheckEvaluation,
  splitFrame,
  requireTrainAndTest,
  validateFrame,
  type EvaluationConfig,
  type FittedTransformer,
  type Frame,
  type FrameSplit,
  type LeakageReport,
  type SchemaContract,
  type SplitSpec,
  type Task,
  type ValidationResult,
} from '@keel/core'
import type { Project } from '../project/index.js'
import { fingerprintFrame, type DatasetFingerprint } from '../data/index.js'
import { loadDataset, projectContract } from '../data/dataset.js'
import { silentProgress, type ProgressReporter } from '../util/progress.js'
import { featureColumns, selectFeatures } from './feature-columns.js'
import { encodeLabel, labelledRows } from './label.js'
import type { CandidateSpec } from './learners.js'
import { onlyRowIssues, violatingRows } from './row-policy.js'
import {
  fingerprintWithService,
  joinProjectFeatures,
  leakageAvailability,
  type JoinedFeatureService,
} from './feature-join.js'
import { getHistoricalFeatures, type GetHistoricalFeatures } from '../features/index.js'

/**
 * The one way a project's dataset becomes learnable data: read (sampled as asked), validated
 * against the contract (rows breaking it dropped when `dataset.onViolation` says so), coerced,
 * unlabelled rows dropped, fingerprinted and split with the project seed. Training and
 * re-evaluation both go through it, so `keel evaluate` sees the very splits `keel train` chose.
 * Training then goes one stage further ({@link prepareTraining}): the label encoded, the feature
 * pipeline fitted on the train split, the leakage checked, once for every candidate.
 */

/** Options of {@link prepareProjectData}. */
export interface PrepareDataOptions {
  /** Rows to sample (seeded), or `'all'`; default: the config's `dataset.sample`, else all. */
  readonly rows?: number | 'all'
  readonly onPhase?: (phase: string) => void
  readonly onProgress?: (p: { done: number; total?: number }) => void
  readonly signal?: AbortSignal
  /** The offline point-in-time engine for `dataset.featureService` (default: DuckDB / PostgreSQL). */
  readonly featureJoin?: GetHistoricalFeatures
}

/** A project's dataset, ready to learn from. */
export interface ProjectData {
  /** Valid, coerced, labelled rows (every column, the label included). */
  readonly frame: Frame
  readonly contract: SchemaContract
  /** The validation of the rows as read (before any were dropped). */
  readonly validation: ValidationResult
  /** Rows dropped for breaking the contract (`dataset.onViolation: 'drop'`). */
  readonly droppedInvalid: number
  readonly droppedUnlabelled: number
  /** The fingerprint of `frame` and, when one is joined, the feature service's version. */
  readonly fingerprint: DatasetFingerprint
  readonly split: FrameSplit
  /** The feature service joined to the rows (`dataset.featureService`), or null. */
  readonly features: JoinedFeatureService | null
}

/** The split spec the config declares (the label column always included). */
export const projectSplitSpec = (project: Project): SplitSpec => {
  const label = project.config.label.column
  const s = project.config.split
  if (!s) return { label }
  const spec: Record<string, unknown> = { kind: s.kind, label }
  if ('column' in s && s.column !== undefined) spec['column'] = s.column
  if ('fractions' in s && s.fractions) spec['fractions'] = s.fractions
  if ('cutoffs' in s && s.cutoffs) spec['cutoffs'] = s.cutoffs
  return spec as SplitSpec
}

/**
 * Read, validate, label-filter, fingerprint and split the project dataset. Bad data is a
 * `VALIDATION_FAILED`, `SCHEMA_MISMATCH` or `INVALID_DATA` error; nothing is written anywhere.
 */
export const prepareProjectData = async (
  project: Project,
  options: PrepareDataOptions = {},
): Promise<ProjectData> => {
  const { config } = project
  const phase = options.onPhase ?? (() => undefined)
  phase('reading data')
  let frame = await loadDataset(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  let contract = projectContract(project, frame)
  phase('validating')
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
      { issues: validation.issues, hint: 'run `keel data validate` for the full report' },
    )
  }
  frame = coerceToContract(frame, contract)
  const labelColumn = config.label.column
  if (!frame.has(labelColumn)) {
    throw new KeelError('SCHEMA_MISMATCH', `label column "${labelColumn}" is not in the dataset`, {
      path: ['label', 'column'],
    })
  }
  const labelled = labelledRows(frame, labelColumn)
  const droppedUnlabelled = frame.numRows - labelled.length
  if (droppedUnlabelled > 0) frame = frame.take(labelled)
  let features: JoinedFeatureService | null = null
  if (config.dataset.featureService !== undefined) {
    phase('joining features')
    const joined = await joinProjectFeatures(
      project,
      frame,
      contract,
      options.featureJoin ?? getHistoricalFeatures,
    )
    ;({ frame, contract } = joined)
    features = joined.joined
  }
  const fingerprint = fingerprintWithService(fingerprintFrame(frame), features)
  phase('splitting')
  const split = splitFrame(frame, projectSplitSpec(project), {
    rng: createRng(config.seed).fork('split'),
    contract,
  })
  requireTrainAndTest(split.report)
  return {
    frame,
    contract,
    validation,
    droppedInvalid,
    droppedUnlabelled,
    fingerprint,
    split,
    features,
  }
}

/** One split as a learner sees it: its inputs and its encoded labels. */
export interface LabelledSplit {
  readonly X: Frame
  readonly y: Float64Array
}

/** The train, validation and test parts (validation is the test part when the split has none). */
export interface SplitFrames {
  readonly train: LabelledSplit
  readonly validation: LabelledSplit
  readonly test: LabelledSplit
}

/** Everything the baselines and candidates of a training run need, computed once. */
export interface PreparedData {
  /** The loaded, validated, labelled dataset and its split. */
  readonly data: ProjectData
  readonly task: Task
  readonly labelColumn: string
  /** Class names in label order (undefined for regression). */
  readonly classes: readonly string[] | undefined
  /** The raw input columns (what the bundle pins as its inputs). */
  readonly features: readonly string[]
  /** Raw feature columns: what baselines see (a heuristic is written against the data as people know it). */
  readonly raw: SplitFrames
  /** The feature pipeline's output (columns that are not features dropped): what candidates see. */
  readonly transformed: SplitFrames
  /** The feature pipeline fitted on the train split (null when the config declares none). */
  readonly pipeline: FittedTransformer | null
  /** The leakage report over the model inputs (null when disabled in the config). */
  readonly leakage: LeakageReport | null
}

/** Options of {@link prepareTraining}. */
export interface PrepareTrainingOptions {
  /** Rows to sample (seeded), or `'all'`; default: the config's `dataset.sample`, else all. */
  readonly rows?: number | 'all'
  readonly progress?: ProgressReporter
  readonly signal?: AbortSignal
  /** An evaluation section to check against the data's columns before anything is fitted. */
  readonly evaluation?: EvaluationConfig
  /** Learners whose feature lists are checked before anything is fitted. */
  readonly specs?: readonly CandidateSpec[]
}

/**
 * Prepare a project for training: {@link prepareProjectData}, then encode the label, slice the
 * splits, fit the feature pipeline on the train split only and check for leakage. Bad input is an
 * error here, before any store is written.
 */
export const prepareTraining = async (
  project: Project,
  options: PrepareTrainingOptions = {},
): Promise<PreparedData> => {
  const progress = options.progress ?? silentProgress
  const { config } = project
  const data = await prepareProjectData(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    onPhase: (p) => progress.phase(p),
    onProgress: (p) => progress.update(p),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const { frame, contract, split } = data
  const labelColumn = config.label.column
  const task = config.label.task
  const label = encodeLabel(frame, labelColumn, task, config.label.positive)
  const features = featureColumns(contract, frame, labelColumn, config.features !== undefined)
  if (options.evaluation) precheckEvaluation(options.evaluation, task, frame, features)
  const X = frame.select(features)
  const part = (rows: Int32Array): LabelledSplit => ({
    X: X.take(rows),
    y: Float64Array.from(rows, (r) => label.y[r]!),
  })
  const idx = split.indices
  const raw: SplitFrames = {
    train: part(idx.train),
    validation: part(idx.validation.length > 0 ? idx.validation : idx.test),
    test: part(idx.test),
  }
  const fitted = config.features === undefined ? null : fitPipeline(project, raw, data, progress)
  const pipeline = fitted?.fitted ?? null
  const transformed = transformSplits(raw, fitted, contract)
  // Every learner's feature list is checked before anything is fitted or recorded.
  for (const s of options.specs ?? [])
    selectFeatures(s.role === 'candidate' ? transformed.train.X : raw.train.X, s.features, s.name)
  const leakage = config.leakage.enabled
    ? checkLeakage(project, data, label.y, features, progress)
    : null
  return Object.freeze({
    data,
    task,
    labelColumn,
    classes: label.classes,
    features,
    raw,
    transformed,
    pipeline,
    leakage,
  })
}

/** Fit the config's feature pipeline on the train split only; its train output comes with it. */
const fitPipeline = (
  project: Project,
  raw: SplitFrames,
  data: ProjectData,
  progress: ProgressReporter,
): { fitted: FittedTransformer; output: Frame } => {
  progress.phase('fitting the feature pipeline')
  const { config } = project
  const transformer = createTransformer(config.features as Parameters<typeof createTransformer>[0])
  const roles = Object.fromEntries(data.contract.fields.map((f) => [f.name, f.role ?? 'feature']))
  return transformer.fitTransform(raw.train.X, {
    rng: createRng(config.seed).fork('features'),
    y: raw.train.y,
    task: config.label.task,
    roles,
  })
}

/**
 * The splits as candidates see them: through the pipeline (train: the output its fit gave), then
 * without the columns that are not features by role (the timestamp a pipeline read, ids), which
 * never reach a model.
 */
const transformSplits = (
  raw: SplitFrames,
  fitted: { fitted: FittedTransformer; output: Frame } | null,
  contract: SchemaContract,
): SplitFrames => {
  const notFeatures = contract.fields
    .filter((f) => (f.role ?? 'feature') !== 'feature')
    .map((f) => f.name)
  const through = (s: LabelledSplit, X: Frame): LabelledSplit => ({
    X: X.drop(notFeatures),
    y: s.y,
  })
  const transform = (s: LabelledSplit): LabelledSplit =>
    through(s, fitted ? fitted.fitted.transform(s.X) : s.X)
  return {
    train: through(raw.train, fitted ? fitted.output : raw.train.X),
    validation: transform(raw.validation),
    test: transform(raw.test),
  }
}

/** The leakage report over the model inputs. */
const checkLeakage = (
  project: Project,
  data: ProjectData,
  y: Float64Array,
  features: readonly string[],
  progress: ProgressReporter,
): LeakageReport => {
  progress.phase('checking for leakage')
  const { config } = project
  const known = leakageAvailability(data.frame, data.features, config.leakage.availability)
  return leakageReport({
    frame: known.frame,
    contract: data.contract,
    split: data.split.indices,
    splitKind: data.split.report.kind,
    label: config.label.column,
    y,
    task: config.label.task,
    rng: createRng(config.seed).fork('leakage'),
    features: [...features],
    ...(known.availability ? { availability: known.availability as never } : {}),
    // The pipeline is only ever fitted on the train rows; the report records that it held.
    pipelineFit:
      config.features !== undefined ? { rows: data.split.indices.train } : { trainOnly: true },
  })
}
