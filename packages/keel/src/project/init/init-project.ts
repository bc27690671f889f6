import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, relative, resolve } from 'node:path'
import {
  DEFAULT_METRICS,
  KeelError,
  inferContract,
  type ContractField,
  type FrameProfile,
  type GateSpec,
  type InferenceNote,
} from '@keel/core'
import { profileSource, sourceSpecSchema, type SourceSpec } from '../../data/index.js'
import { silentProgress, type ProgressReporter } from '../../util/progress.js'
import { predefinedSplitColumn } from './predefined-split.js'
import { starterConfig, starterLearners } from './starter-config.js'
import { starterSteps } from './starter-pipeline.js'
import { suggestTask, type InitTask } from './suggest-task.js'

/** Options of {@link initProject}. */
export interface InitProjectOptions {
  /** The data file (CSV, Parquet, JSON or NDJSON), relative to `cwd`. */
  readonly data: string
  /** Folder relative paths resolve against (default: the process's). */
  readonly cwd?: string
  /** Where to write the config (default `keel.config.ts` in `cwd`). */
  readonly config?: string
  /** The label column (default: a column named label, target, y, class or outcome). */
  readonly label?: string
  /** The task (default: from the label's values). */
  readonly task?: InitTask
  /** Project name (default: the config folder's name). */
  readonly name?: string
  /** Rows sampled for inference (default 100 000). */
  readonly rows?: number
  /** Overwrite an existing config. */
  readonly force?: boolean
  readonly progress?: ProgressReporter
}

/** What `keel init` wrote and why. */
export interface InitProjectResult {
  /** Absolute path of the written config. */
  readonly file: string
  readonly label: string
  readonly task: InitTask
  readonly fields: readonly ContractField[]
  /** Inference's reasons, and what the starter pipeline, split and gate do with each column. */
  readonly notes: readonly InferenceNote[]
  /** The starter pipeline's steps and the columns each reads today. */
  readonly steps: readonly { name: string; kind: string; reads: readonly string[] }[]
  /** The split written into the config (`null`: the default, by time when a timestamp exists). */
  readonly split: { kind: string; column?: string } | null
  readonly gate: GateSpec
}

const projectName = (dir: string): string =>
  basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '') || 'project'

/**
 * The starter gate: the primary metric must beat every baseline on its paired interval (the
 * pessimistic end above 0), and must not be significantly worse than the current champion's.
 */
export const starterGate = (task: InitTask): { gate: GateSpec; note: string } => {
  const primary = DEFAULT_METRICS[task][0]!
  return {
    gate: {
      beatBaselines: { [primary]: 0 },
      maxRegression: { [primary]: { delta: 0, require: 'no-significant-regression' } },
    },
    note: `${primary} must beat every baseline on its paired interval, and not be significantly worse than the champion's`,
  }
}

/** Fewest distinct instants a default time split can cut into three non-empty parts. */
const MIN_TIME_INSTANTS = 3

const label = (
  profile: FrameProfile,
  fields: readonly ContractField[],
  explicit: string | undefined,
): string => {
  const found = explicit ?? fields.find((f) => f.role === 'label')?.name
  if (!found) {
    throw new KeelError('INVALID_ARGUMENT', 'no label column found', {
      hint: `pass --label <column>; columns: ${profile.columns.map((c) => c.name).join(', ')}`,
    })
  }
  return found
}

/**
 * Profile a data file and write a starter `keel.config.ts` that trains as written: the inferred
 * schema contract, a feature pipeline that encodes every feature kind present (numbers, categories,
 * free text, the timestamp's calendar parts), a split that leaves no part empty, learners whose
 * hyperparameters their schemas accept, and a gate with real checks. Refuses to overwrite an
 * existing config unless `force`; writes atomically (a temporary file renamed into place).
 */
export const initProject = async (options: InitProjectOptions): Promise<InitProjectResult> => {
  const cwd = resolve(options.cwd ?? process.cwd())
  const target = resolve(cwd, options.config ?? 'keel.config.ts')
  if (existsSync(target) && !options.force) {
    throw new KeelError('CONFLICT', `${target} already exists`, {
      hint: 'use --force to overwrite it',
    })
  }
  const dataPath = resolve(cwd, options.data)
  if (!existsSync(dataPath))
    throw new KeelError('FILE_NOT_FOUND', `no such file: ${dataPath}`, { path: [options.data] })
  const progress = options.progress ?? silentProgress
  const spec = sourceSpecSchema.parse({ path: dataPath }) as SourceSpec
  progress.phase('profiling')
  const profile = await profileSource(spec, {
    sample: { rows: options.rows ?? 100_000, seed: 42 },
    onProgress: (p) => progress.update(p),
  })
  const inferred = inferContract(profile, options.label ? { label: options.label } : {})
  const labelColumn = label(profile, inferred.contract.fields, options.label)
  const task = options.task ?? suggestTask(profile, labelColumn)
  const notes: InferenceNote[] = [...inferred.notes]
  let fields = inferred.contract.fields
  let split: InitProjectResult['split'] = null
  const predefined = predefinedSplitColumn(profile, labelColumn)
  if (predefined) {
    split = { kind: 'predefined', column: predefined }
    fields = fields.map((f) => (f.name === predefined ? { ...f, role: 'ignore' } : f))
    notes.push({
      column: predefined,
      message: 'its values name train / validation / test: the split, never a feature',
    })
  }
  const byName = new Map(profile.columns.map((c) => [c.name, c]))
  for (const f of fields.filter((x) => x.role === 'timestamp')) {
    const instants = byName.get(f.name)?.distinct.value ?? 0
    if (!split && instants < MIN_TIME_INSTANTS) {
      split = { kind: task === 'regression' ? 'random' : 'stratified' }
      notes.push({
        column: f.name,
        message: `only ${instants} distinct instant(s), too few to split by time: split: { kind: '${split.kind}' }`,
      })
    }
  }
  const steps = starterSteps(fields, labelColumn, profile)
  for (const s of steps) {
    if (s.name === 'text')
      for (const c of s.reads)
        notes.push({ column: c, message: 'free text: hashed into 256 word-count columns' })
    if (s.name === 'time') {
      const parts = (s.transformer.params['parts'] as string[]).join(', ')
      for (const c of s.reads)
        notes.push({ column: c, message: `the model reads its calendar parts (${parts})` })
    }
  }
  const { gate, note: gateNote } = starterGate(task)
  const text = starterConfig({
    name: options.name ?? projectName(dirname(target)),
    sourcePath: relative(dirname(target), dataPath) || basename(dataPath),
    label: labelColumn,
    task,
    fields,
    notes,
    steps,
    ...starterLearners(task),
    gate,
    gateNote,
    ...(split ? { split } : {}),
  })
  mkdirSync(dirname(target), { recursive: true })
  const tmp = `${target}.${process.pid}.tmp`
  writeFileSync(tmp, text)
  renameSync(tmp, target)
  return {
    file: target,
    label: labelColumn,
    task,
    fields,
    notes,
    steps: steps.map((s) => ({ name: s.name, kind: s.transformer.kind, reads: s.reads })),
    split,
    gate,
  }
}
