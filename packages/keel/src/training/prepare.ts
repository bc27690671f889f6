import {
  KeelError,
  coerceToContract,
  createRng,
  splitFrame,
  validateFrame,
  type Frame,
  type FrameSplit,
  type SchemaContract,
  type SplitSpec,
  type ValidationResult,
} from '@keel/core'
import type { Project } from '../project/index.js'
import { fingerprintFrame, type DatasetFingerprint } from '../data/index.js'
import { loadDataset, projectContract } from '../data/dataset.js'
import { labelledRows } from './label.js'
import { onlyRowIssues, violatingRows } from './row-policy.js'

/**
 * The one way a project's dataset becomes learnable data: read (sampled as asked), validated
 * against the contract (rows breaking it dropped when `dataset.onViolation` says so), coerced,
 * unlabelled rows dropped, fingerprinted and split with the project seed. Training and
 * re-evaluation both go through it, so `keel evaluate` sees the very splits `keel train` chose.
 */

/** Options of {@link prepareProjectData}. */
export interface PrepareDataOptions {
  /** Rows to sample (seeded), or `'all'`; default: the config's `dataset.sample`, else all. */
  readonly rows?: number | 'all'
  readonly onPhase?: (phase: string) => void
  readonly onProgress?: (p: { done: number; total?: number }) => void
  readonly signal?: AbortSignal
}

/** A project's dataset, ready to learn from. */
export interface PreparedData {
  /** Valid, coerced, labelled rows (every column, the label included). */
  readonly frame: Frame
  readonly contract: SchemaContract
  /** The validation of the rows as read (before any were dropped). */
  readonly validation: ValidationResult
  /** Rows dropped for breaking the contract (`dataset.onViolation: 'drop'`). */
  readonly droppedInvalid: number
  readonly droppedUnlabelled: number
  /** The fingerprint of `frame` (what lineage records). */
  readonly fingerprint: DatasetFingerprint
  readonly split: FrameSplit
}

/** The split spec the config declares (the label column always included). */
export const projectSplitSpec = (project: Project): SplitSpec => {
  const label = project.config.label.column
  const s = project.config.split
  if (!s) return { label }
  const spec: Record<string, unknown> = { kind: s.kind, label }
  if ('column' in s && s.column !== undefined) spec['column'] = s.column
  if (s.fractions) spec['fractions'] = s.fractions
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
): Promise<PreparedData> => {
  const { config } = project
  const phase = options.onPhase ?? (() => undefined)
  phase('reading data')
  let frame = await loadDataset(project, {
    ...(options.rows === undefined ? {} : { rows: options.rows }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const contract = projectContract(project, frame)
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
  const fingerprint = fingerprintFrame(frame)
  phase('splitting')
  const split = splitFrame(frame, projectSplitSpec(project), {
    rng: createRng(config.seed).fork('split'),
    contract,
  })
  if (split.indices.train.length === 0 || split.indices.test.length === 0) {
    throw new KeelError('INVALID_DATA', 'the split left the train or test part empty', {
      details: { sizes: split.report.sizes },
    })
  }
  return { frame, contract, validation, droppedInvalid, droppedUnlabelled, fingerprint, split }
}
