import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import type { Rng } from '../random/index.js'
import { fieldsWithRole, resolveBound, type SchemaContract } from '../schema/index.js'
import {
  assignGroups,
  assignRandom,
  assignStratified,
  assignTime,
  groupsOf,
  strataOf,
} from './split-assign.js'
import { assignPredefined } from './split-predefined.js'
import { splitReport, type PerSplit, type SplitReport } from './split-report.js'
import { SPLIT_NAMES, checkFractions, type SplitKind, type SplitSpec } from './split-spec.js'

/** Options of {@link splitFrame}. */
export interface SplitOptions {
  /** The only source of randomness (time splits use none). */
  readonly rng: Rng
  /** Supplies default columns from roles: timestamp, group, label and features. */
  readonly contract?: SchemaContract
}

/** A split: ascending row indices per part, and the report. */
export interface FrameSplit {
  readonly indices: PerSplit<Int32Array>
  readonly report: SplitReport
}

const present = (frame: Frame, names: readonly string[]): string[] =>
  names.filter((n) => frame.has(n))

const requireColumn = (frame: Frame, name: string | undefined, what: string): string => {
  if (name === undefined) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `a ${what} split needs a column (set split.column or a contract role)`,
      {
        path: ['split', 'column'],
      },
    )
  }
  if (!frame.has(name)) {
    throw new KeelError('SCHEMA_MISMATCH', `split column "${name}" is not in the data`, {
      path: ['split', 'column'],
      details: { available: frame.columnNames },
    })
  }
  return name
}

const defaultKind = (
  frame: Frame,
  spec: SplitSpec,
  contract: SchemaContract | undefined,
  label: string | undefined,
): SplitKind => {
  if (contract && present(frame, fieldsWithRole(contract, 'timestamp')).length > 0) return 'time'
  if (label && frame.has(label)) {
    const k = frame.kindOf(label)
    if (k === 'categorical' || k === 'boolean' || k === 'text') return 'stratified'
  }
  return spec.column && frame.has(spec.column) && frame.kindOf(spec.column) === 'timestamp'
    ? 'time'
    : 'random'
}

/**
 * Split a frame into train / validation / test.
 *
 * - `random`: a seeded shuffle cut at the fractions.
 * - `stratified`: the same within each label class (continuous labels: within deciles).
 * - `group`: whole groups go to one split; no group value is ever shared.
 * - `time`: ordered by the timestamp; train before validation before test, either at the cut-off
 *   instants or at the fractions (ties stay together, and no part is left empty when the column
 *   has enough distinct instants). The default when a timestamp role exists.
 * - `predefined`: a column names each row's part (`train`, `validation`, `test`), as
 *   scikit-learn's `PredefinedSplit`; fractions are ignored.
 *
 * The partition is disjoint and covers every row. The report gives sizes, label balance per split,
 * time ranges or group counts, and exact-duplicate rows (over the feature columns) that cross
 * splits. Same data, spec and seed → the same split, bit for bit.
 *
 * @example
 * const { indices, report } = splitFrame(frame, { kind: 'time', column: 'date' }, { rng: createRng(42) })
 * const train = frame.take(indices.train)
 */
export const splitFrame = (frame: Frame, spec: SplitSpec, options: SplitOptions): FrameSplit => {
  const { rng, contract } = options
  const fractions = checkFractions(spec.fractions)
  const label =
    spec.label ?? (contract ? present(frame, fieldsWithRole(contract, 'label'))[0] : undefined)
  const kind = spec.kind ?? defaultKind(frame, spec, contract, label)
  let column: string | null = null
  let assignment: Uint8Array
  let groupIds: Int32Array | undefined
  switch (kind) {
    case 'random':
      assignment = assignRandom(frame.numRows, fractions, rng)
      break
    case 'stratified': {
      column = requireColumn(frame, spec.column ?? label, 'stratified')
      assignment = assignStratified(strataOf(frame.column(column)), fractions, rng)
      break
    }
    case 'group': {
      const fallback = contract ? present(frame, fieldsWithRole(contract, 'group'))[0] : undefined
      column = requireColumn(frame, spec.column ?? fallback, 'group')
      const groups = groupsOf(frame.column(column))
      groupIds = groups.ids
      assignment = assignGroups(groups, fractions, rng)
      break
    }
    case 'time': {
      const fallback = contract
        ? present(frame, fieldsWithRole(contract, 'timestamp'))[0]
        : undefined
      column = requireColumn(frame, spec.column ?? fallback, 'time')
      const kindOf = frame.kindOf(column)
      if (kindOf !== 'timestamp' && kindOf !== 'numeric') {
        throw new KeelError(
          'SCHEMA_MISMATCH',
          `time split column "${column}" is ${kindOf}, not a timestamp`,
          {
            path: ['split', 'column'],
          },
        )
      }
      let cutoffs: [number, number] | undefined
      if (spec.cutoffs) {
        const c1 = resolveBound(column, spec.cutoffs[0])!
        const c2 = resolveBound(column, spec.cutoffs[1])!
        if (!(c1 <= c2)) {
          throw new KeelError(
            'INVALID_ARGUMENT',
            'split cutoffs must be in order: validation start ≤ test start',
            {
              path: ['split', 'cutoffs'],
            },
          )
        }
        cutoffs = [c1, c2]
      }
      assignment = assignTime(frame, column, fractions, cutoffs)
      break
    }
    case 'predefined': {
      column = requireColumn(frame, spec.column, 'predefined')
      assignment = assignPredefined(frame.column(column), column)
      break
    }
  }
  const exclude = new Set([label, column].filter((c): c is string => typeof c === 'string'))
  const duplicateColumns =
    spec.duplicateColumns ??
    (contract
      ? present(frame, fieldsWithRole(contract, 'feature'))
      : frame.columnNames.filter((c) => !exclude.has(c)))
  const report = splitReport(frame, assignment, {
    kind,
    column,
    label: label ?? null,
    duplicateColumns,
    ...(groupIds ? { groupIds } : {}),
  })
  const sizes = SPLIT_NAMES.map((s) => report.sizes[s])
  const indices = sizes.map((size) => new Int32Array(size))
  const at = [0, 0, 0]
  for (let i = 0; i < assignment.length; i++) {
    const s = assignment[i]!
    indices[s]![at[s]!++] = i
  }
  return { indices: { train: indices[0]!, validation: indices[1]!, test: indices[2]! }, report }
}
