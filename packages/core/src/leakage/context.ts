import { KeelError } from '../errors/index.js'
import { cellAt, type Frame } from '../frame/index.js'
import { sampleRows } from '../importance/sample.js'
import type { Task } from '../learners/index.js'
import type { Rng } from '../random/index.js'
import { fieldsWithRole, type SchemaContract } from '../schema/index.js'
import type { LeakageOptions, LeakageReportInput } from './types.js'

/** Split code per row; rows in no split get {@link NO_SPLIT}. */
export const TRAIN = 0
export const VALIDATION = 1
export const TEST = 2
export const NO_SPLIT = 3
export const SPLIT_LABELS = ['train', 'validation', 'test'] as const

/** Options with every default filled in. */
export type ResolvedOptions = Required<
  Omit<LeakageOptions, 'referenceScore' | 'duplicateColumns' | 'probeParams'>
> &
  Pick<LeakageOptions, 'referenceScore' | 'duplicateColumns' | 'probeParams'>

const DEFAULTS: ResolvedOptions = {
  probeRows: 50_000,
  maxSingleAuc: 0.95,
  maxSingleR2: 0.9,
  referenceMargin: 0.05,
  ablationDrop: 0.02,
  ablateAll: false,
  maxAssociation: 0.99,
  duplicateFailShare: 0.01,
  nearDigits: 3,
  nearTimeResolutionMs: 60_000,
  nearIgnore: [],
  nearWarnShare: 0.01,
  labelRateShift: 0.05,
  labelMeanShift: 0.2,
  labelShiftAlpha: 0.01,
  timeTravelTolerance: 0,
}

/** Everything the checks share, resolved once from the input. */
export interface LeakageContext {
  readonly frame: Frame
  readonly task: Task
  readonly rng: Rng
  readonly label: string
  /** Encoded label per row (NaN where missing). */
  readonly y: Float64Array
  readonly numClasses: number
  readonly features: readonly string[]
  readonly timestamp: string | undefined
  readonly group: string | undefined
  readonly idColumns: readonly string[]
  /** Roles that never take part in duplicate comparisons besides the label. */
  readonly nonDataColumns: readonly string[]
  readonly assignment: Uint8Array
  readonly split: {
    readonly train: Int32Array
    readonly validation: Int32Array
    readonly test: Int32Array
  }
  /** Seeded samples for the model probes; `heldOut` is validation, or test when there is none. */
  readonly probe: {
    readonly train: Int32Array
    readonly heldOut: Int32Array
    readonly heldOutSplit: 'validation' | 'test'
  }
  readonly options: ResolvedOptions
}

const present = (frame: Frame, names: readonly string[]): string[] =>
  names.filter((n) => frame.has(n))

const requireColumn = (frame: Frame, name: string, what: string): string => {
  if (!frame.has(name)) {
    throw new KeelError('SCHEMA_MISMATCH', `${what} column "${name}" is not in the frame`, {
      path: [what],
      details: { available: frame.columnNames },
    })
  }
  return name
}

const roleColumns = (
  contract: SchemaContract | undefined,
  frame: Frame,
  role: Parameters<typeof fieldsWithRole>[1],
): string[] => (contract ? present(frame, fieldsWithRole(contract, role)) : [])

/** Resolve columns, label, split assignment and probe samples; bad input is a KeelError. */
export const resolveContext = (input: LeakageReportInput): LeakageContext => {
  const { frame, contract, task, rng } = input
  const label = input.label ?? roleColumns(contract, frame, 'label')[0]
  if (label === undefined) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'the leakage report needs the label column (or a contract label role)',
      {
        path: ['label'],
      },
    )
  }
  requireColumn(frame, label, 'label')
  const idColumns = roleColumns(contract, frame, 'id')
  const nonDataColumns = [
    ...idColumns,
    ...roleColumns(contract, frame, 'weight'),
    ...roleColumns(contract, frame, 'ignore'),
  ]
  const timestamp = input.timestamp ?? roleColumns(contract, frame, 'timestamp')[0]
  if (timestamp !== undefined) requireColumn(frame, timestamp, 'timestamp')
  const group = input.group ?? roleColumns(contract, frame, 'group')[0]
  if (group !== undefined) requireColumn(frame, group, 'group')
  const declared =
    input.features ?? (contract ? roleColumns(contract, frame, 'feature') : frame.columnNames)
  const features = declared.filter((f) => f !== label)
  for (const f of features) requireColumn(frame, f, 'feature')

  const { y, numClasses } = input.y
    ? checkY(input.y, frame.numRows, task)
    : encodeLabel(frame, label, task)
  const assignment = new Uint8Array(frame.numRows).fill(NO_SPLIT)
  const parts = [input.split.train, input.split.validation, input.split.test].map((rows, s) => {
    const out = Int32Array.from(rows)
    for (const r of out) {
      if (!(r >= 0 && r < frame.numRows)) {
        throw new KeelError(
          'INVALID_ARGUMENT',
          `${SPLIT_LABELS[s]} row ${r} is outside the frame`,
          {
            path: ['split', SPLIT_LABELS[s]!],
          },
        )
      }
      if (assignment[r] !== NO_SPLIT) {
        throw new KeelError('INVALID_ARGUMENT', `row ${r} is in more than one split`, {
          path: ['split'],
        })
      }
      assignment[r] = s
    }
    return out
  }) as [Int32Array, Int32Array, Int32Array]
  const options = { ...DEFAULTS, ...input.options }
  const labelled = (rows: Int32Array): Int32Array => rows.filter((r) => !Number.isNaN(y[r]!))
  const heldOutSplit = parts[1].length > 0 ? 'validation' : 'test'
  const probe = {
    train: sampleRows(labelled(parts[0]), options.probeRows, rng.fork('probe-train')),
    heldOut: sampleRows(
      labelled(heldOutSplit === 'validation' ? parts[1] : parts[2]),
      options.probeRows,
      rng.fork('probe-held-out'),
    ),
    heldOutSplit,
  } as const
  return {
    frame,
    task,
    rng,
    label,
    y,
    numClasses,
    features,
    timestamp,
    group,
    idColumns,
    nonDataColumns,
    assignment,
    split: { train: parts[0], validation: parts[1], test: parts[2] },
    probe,
    options,
  }
}

const checkY = (
  y: Float64Array,
  n: number,
  task: Task,
): { y: Float64Array; numClasses: number } => {
  if (y.length !== n) {
    throw new KeelError('INVALID_ARGUMENT', `y has ${y.length} values, the frame has ${n} rows`, {
      path: ['y'],
    })
  }
  if (task === 'regression') return { y, numClasses: 0 }
  let max = 1
  for (const v of y) {
    if (v !== v) continue
    if (!(Number.isInteger(v) && v >= 0)) {
      throw new KeelError('INVALID_ARGUMENT', `a classification y holds class indices, got ${v}`, {
        path: ['y'],
      })
    }
    if (v > max) max = v
  }
  if (task === 'binary' && max > 1) {
    throw new KeelError('INVALID_ARGUMENT', `a binary y holds 0 and 1, got ${max}`, { path: ['y'] })
  }
  return { y, numClasses: task === 'binary' ? 2 : max + 1 }
}

/** The label encoded as the learners see it (see `LeakageReportInput.y`); missing is NaN. */
const encodeLabel = (
  frame: Frame,
  label: string,
  task: Task,
): { y: Float64Array; numClasses: number } => {
  const c = frame.column(label)
  const n = frame.numRows
  const y = new Float64Array(n)
  const zeroOne = c.kind === 'numeric' && c.values.every((v) => v !== v || v === 0 || v === 1)
  if (task === 'regression' || c.kind === 'boolean' || (task === 'binary' && zeroOne)) {
    if (c.kind === 'categorical' || c.kind === 'text') {
      throw new KeelError(
        'INVALID_DATA',
        `a regression label must be numeric, "${label}" is ${c.kind}`,
        { path: [label] },
      )
    }
    y.set(c.values)
    return task === 'regression' ? { y, numClasses: 0 } : checkY(y, n, task)
  }
  const names: (string | null)[] = []
  for (let i = 0; i < n; i++) {
    const v = cellAt(c, i)
    names.push(v === null ? null : String(v))
  }
  const classes = [...new Set(names.filter((v): v is string => v !== null))].sort(
    c.kind === 'numeric' ? (a, b) => Number(a) - Number(b) : undefined,
  )
  if (task === 'binary' && classes.length > 2) {
    throw new KeelError(
      'INVALID_DATA',
      `a binary label has two values, "${label}" has ${classes.length}`,
      { path: [label] },
    )
  }
  const index = new Map(classes.map((k, i) => [k, i]))
  for (let i = 0; i < n; i++) {
    const v = names[i]
    y[i] = v === null || v === undefined ? NaN : index.get(v)!
  }
  return { y, numClasses: task === 'binary' ? 2 : Math.max(2, classes.length) }
}
