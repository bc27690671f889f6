import {
  KeelError,
  cellAt,
  createRng,
  fieldsWithRole,
  type FittedModel,
  type Frame,
  type ModelBundle,
  type SchemaContract,
  predictSplit,
  type EvaluationSplit,
  type BaselinePredictions,
} from '@keel/core'
import type { Project } from '../project/index.js'
import { projectContract } from '../data/dataset.js'
import { resolveLearners } from '../training/learners.js'
import { prepareProjectData } from '../training/prepare.js'

/**
 * The data an evaluation runs on: the validation and test splits of the project dataset as raw
 * rows plus labels encoded in the bundle's class order, and the baselines' outputs on test.
 */

/** Split indices as training produced them. */
export interface SplitIndices {
  readonly train: Int32Array
  readonly validation: Int32Array
  readonly test: Int32Array
}

/**
 * Encode labels with a bundle's classes (so class 1 is the bundle's positive class whatever the
 * order of values in this data); a label the bundle does not know is INVALID_DATA.
 */
export const encodeForBundle = (frame: Frame, bundle: ModelBundle): Float64Array => {
  const column = bundle.label.column
  if (!frame.has(column))
    throw new KeelError('SCHEMA_MISMATCH', `label column "${column}" is not in the data`)
  const c = frame.column(column)
  const y = new Float64Array(frame.numRows)
  if (bundle.task === 'regression') {
    const v = frame.numeric(column)
    for (let i = 0; i < y.length; i++) y[i] = v[i]!
    return y
  }
  const index = new Map((bundle.label.classes ?? []).map((k, i) => [k, i]))
  for (let i = 0; i < y.length; i++) {
    const v = cellAt(c, i)
    const k = v === null ? undefined : index.get(String(v))
    if (k === undefined) {
      throw new KeelError(
        'INVALID_DATA',
        `row ${i}: label ${JSON.stringify(v)} is not one of the model's classes`,
        {
          path: [column, i],
          details: { classes: bundle.label.classes },
        },
      )
    }
    y[i] = k
  }
  return y
}

/** The validation (test when empty, as training does) and test splits of a labelled frame. */
export const evaluationSplits = (
  frame: Frame,
  indices: SplitIndices,
  bundle: ModelBundle,
): { validation: EvaluationSplit; test: EvaluationSplit } => {
  const part = (rows: Int32Array): EvaluationSplit => {
    const f = frame.take(rows)
    return { frame: f, y: encodeForBundle(f, bundle) }
  }
  return {
    validation: part(indices.validation.length > 0 ? indices.validation : indices.test),
    test: part(indices.test),
  }
}

/** Baseline outputs on the test rows from fitted baseline models (which read raw features). */
export const baselinePredictions = (
  models: ReadonlyMap<string, FittedModel>,
  names: readonly string[],
  test: EvaluationSplit,
  bundle: ModelBundle,
): BaselinePredictions[] => {
  const k = bundle.label.classes?.length ?? 0
  const out: BaselinePredictions[] = []
  for (const name of names) {
    const model = models.get(name)
    if (!model) continue
    const X = test.frame.select(model.features.map((f) => f.name).filter((f) => test.frame.has(f)))
    const p = predictSplit(model, X, test.y, bundle.task, k)
    out.push({ name, pred: p.pred, ...(p.proba ? { proba: p.proba } : {}) })
  }
  return out
}

/** The timestamp column of the project data: the time split's column or the contract's role. */
export const timestampColumnOf = (project: Project, frame: Frame): string | null => {
  const split = project.config.split
  if (split?.kind === 'time' && split.column && frame.has(split.column)) return split.column
  const fromContract = fieldsWithRole(projectContract(project, frame), 'timestamp').find((c) =>
    frame.has(c),
  )
  return fromContract ?? null
}

/** What `keel evaluate` re-derives from the project for a registered bundle. */
export interface ReloadedData {
  readonly validation: EvaluationSplit
  readonly test: EvaluationSplit
  readonly baselines: BaselinePredictions[]
  readonly timestampColumn: string | null
  /** Columns never sliced on or clustered by ({@link evaluationExclusions}). */
  readonly exclude: string[]
  /** True when the data's fingerprint is the one the bundle was trained on. */
  readonly sameData: boolean
  readonly notes: string[]
}

/**
 * Columns an evaluation never slices on or clusters by: the label and columns whose contract role
 * says they are not data about the row (ids, weights, ignored columns such as a label's source).
 */
export const evaluationExclusions = (project: Project, contract: SchemaContract): string[] => [
  ...new Set([
    project.config.label.column,
    ...contract.fields
      .filter(
        (f) => f.role === 'label' || f.role === 'id' || f.role === 'weight' || f.role === 'ignore',
      )
      .map((f) => f.name),
  ]),
]

/**
 * Re-read the project dataset and re-split it exactly as training did (the same
 * `prepareProjectData`), and refit the baselines on the train split. The fingerprint is compared
 * with the bundle's lineage: when they differ, the splits may not be the ones the model was
 * selected on and the report says so.
 */
export const reloadEvaluationData = async (
  project: Project,
  bundle: ModelBundle,
  options: {
    readonly rows?: number | 'all'
    readonly onProgress?: (p: { done: number; total?: number }) => void
  } = {},
): Promise<ReloadedData> => {
  const notes: string[] = []
  const data = await prepareProjectData(project, options)
  const { frame } = data
  const trained = bundle.lineage.datasets?.find((d) => d.role === 'train')?.fingerprint
  const sameData = trained !== undefined && trained === data.fingerprint.fingerprint
  if (!sameData) {
    notes.push(
      trained === undefined
        ? 'the bundle records no training-data fingerprint: the splits cannot be checked against training'
        : 'the dataset differs from the one the model was trained on: the test split may overlap its training data',
    )
  }
  const splits = evaluationSplits(frame, data.split.indices, bundle)
  const baselines = fitBaselines(project, frame, data.split.indices, bundle, splits.test, notes)
  return {
    ...splits,
    baselines,
    timestampColumn: timestampColumnOf(project, frame),
    exclude: evaluationExclusions(project, data.contract),
    sameData,
    notes,
  }
}

/** Refit the config's baselines on the train split (they are cheap and not kept in the registry). */
const fitBaselines = (
  project: Project,
  frame: Frame,
  indices: SplitIndices,
  bundle: ModelBundle,
  test: EvaluationSplit,
  notes: string[],
): BaselinePredictions[] => {
  const entries = resolveLearners(project.config).filter((e) => e.role === 'baseline')
  if (entries.length === 0) return []
  const features = bundle.inputs.map((f) => f.name).filter((f) => frame.has(f))
  const train = frame.take(indices.train)
  const y = encodeForBundle(train, bundle)
  const models = new Map<string, FittedModel>()
  for (const e of entries) {
    const X = train.select(e.features ?? features)
    const classes = bundle.label.classes
    try {
      models.set(
        e.name,
        e.learner.fit(
          classes ? { X, y, task: bundle.task, classes } : { X, y, task: bundle.task },
          {
            rng: createRng(project.config.seed).fork(e.name),
          },
        ),
      )
    } catch (err) {
      if (!(err instanceof KeelError)) throw err
      notes.push(`baseline "${e.name}" could not be refitted: ${err.message}`)
    }
  }
  return baselinePredictions(
    models,
    entries.map((e) => e.name),
    test,
    bundle,
  )
}
