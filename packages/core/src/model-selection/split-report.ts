import { cellAt, type Frame } from '../frame/index.js'
import { duplicateRowGroups } from './row-hash.js'
import { SPLIT_NAMES, type SplitKind, type SplitName } from './split-spec.js'

/** Per-split values of one statistic. */
export type PerSplit<T> = Readonly<Record<SplitName, T>>

/** How the label is distributed in each split. */
export type LabelBalance =
  | {
      readonly column: string
      readonly type: 'classes'
      /** Count of each class (missing as `null` key "(missing)") per split. */
      readonly counts: PerSplit<Readonly<Record<string, number>>>
      /** Share of each class among the split's rows. */
      readonly rates: PerSplit<Readonly<Record<string, number>>>
    }
  | {
      readonly column: string
      readonly type: 'numeric'
      readonly mean: PerSplit<number | null>
      readonly missing: PerSplit<number>
    }

/** Exact-duplicate rows that land in different splits: a classic source of leakage. */
export interface DuplicateReport {
  readonly columns: readonly string[]
  /** Rows that repeat an earlier row anywhere in the data. */
  readonly duplicateRows: number
  /** Sets of identical rows that span more than one split. */
  readonly crossSplitGroups: number
  /** Validation rows identical to a train row; test rows identical to a train or validation row. */
  readonly leakedRows: { readonly validation: number; readonly test: number }
  /** The first few crossing groups: their rows (up to 6) and the splits they fall in. */
  readonly samples: readonly {
    readonly rows: readonly number[]
    readonly splits: readonly SplitName[]
  }[]
}

/** What a split did, as data for people and lineage. */
export interface SplitReport {
  readonly kind: SplitKind
  /** The timestamp, group or stratification column used. */
  readonly column: string | null
  readonly sizes: PerSplit<number>
  readonly fractions: PerSplit<number>
  readonly labelBalance: LabelBalance | null
  /** Time splits: first and last instant per split (epoch ms; null for an empty split). */
  readonly timeRanges: PerSplit<{ readonly min: number; readonly max: number } | null> | null
  /** Group splits: number of groups per split (no group is ever in two). */
  readonly groups: PerSplit<number> | null
  readonly duplicates: DuplicateReport
}

const perSplit = <T>(make: (s: SplitName) => T): PerSplit<T> =>
  ({ train: make('train'), validation: make('validation'), test: make('test') }) as PerSplit<T>

const MISSING_KEY = '(missing)'

const labelBalance = (frame: Frame, label: string, assignment: Uint8Array): LabelBalance => {
  const c = frame.column(label)
  if (c.kind === 'numeric' || c.kind === 'timestamp') {
    const sums = [0, 0, 0]
    const counts = [0, 0, 0]
    const missing = [0, 0, 0]
    c.values.forEach((x, i) => {
      const s = assignment[i]!
      if (x !== x) missing[s]!++
      else {
        sums[s]! += x
        counts[s]!++
      }
    })
    return {
      column: label,
      type: 'numeric',
      mean: perSplit((s) => {
        const k = SPLIT_NAMES.indexOf(s)
        return counts[k]! > 0 ? sums[k]! / counts[k]! : null
      }),
      missing: perSplit((s) => missing[SPLIT_NAMES.indexOf(s)]!),
    }
  }
  const counts: Record<string, number>[] = [{}, {}, {}]
  const totals = [0, 0, 0]
  for (let i = 0; i < assignment.length; i++) {
    const v = cellAt(c, i)
    const key = v === null ? MISSING_KEY : String(v)
    const s = assignment[i]!
    counts[s]![key] = (counts[s]![key] ?? 0) + 1
    totals[s]!++
  }
  const rates = counts.map((m, s) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v / totals[s]!])),
  )
  return {
    column: label,
    type: 'classes',
    counts: perSplit((s) => counts[SPLIT_NAMES.indexOf(s)]!),
    rates: perSplit((s) => rates[SPLIT_NAMES.indexOf(s)]!),
  }
}

const duplicateReport = (
  frame: Frame,
  columns: readonly string[],
  assignment: Uint8Array,
): DuplicateReport => {
  const groups = duplicateRowGroups(frame, columns)
  let duplicateRows = 0
  let crossSplitGroups = 0
  const leaked = [0, 0, 0]
  const samples: { rows: number[]; splits: SplitName[] }[] = []
  for (const rows of groups) {
    duplicateRows += rows.length - 1
    const present = [false, false, false]
    for (const r of rows) present[assignment[r]!] = true
    if (present.filter(Boolean).length < 2) continue
    crossSplitGroups++
    for (const r of rows) {
      const s = assignment[r]!
      if ((s === 1 && present[0]) || (s === 2 && (present[0] || present[1]))) leaked[s]!++
    }
    if (samples.length < 5) {
      samples.push({
        rows: rows.slice(0, 6),
        splits: SPLIT_NAMES.filter((_, k) => present[k]),
      })
    }
  }
  return {
    columns,
    duplicateRows,
    crossSplitGroups,
    leakedRows: { validation: leaked[1]!, test: leaked[2]! },
    samples,
  }
}

/** The report of an assignment (see {@link SplitReport}). */
export const splitReport = (
  frame: Frame,
  assignment: Uint8Array,
  info: {
    readonly kind: SplitKind
    readonly column: string | null
    readonly label: string | null
    readonly duplicateColumns: readonly string[]
    readonly groupIds?: Int32Array
  },
): SplitReport => {
  const n = assignment.length
  const sizes = [0, 0, 0]
  for (const s of assignment) sizes[s]!++
  let timeRanges: SplitReport['timeRanges'] = null
  if (info.kind === 'time' && info.column) {
    const t = frame.numeric(info.column)
    const lo = [Infinity, Infinity, Infinity]
    const hi = [-Infinity, -Infinity, -Infinity]
    t.forEach((x, i) => {
      const s = assignment[i]!
      if (x < lo[s]!) lo[s] = x
      if (x > hi[s]!) hi[s] = x
    })
    timeRanges = perSplit((s) => {
      const k = SPLIT_NAMES.indexOf(s)
      return sizes[k]! > 0 ? { min: lo[k]!, max: hi[k]! } : null
    })
  }
  let groups: SplitReport['groups'] = null
  if (info.groupIds) {
    const sets = [new Set<number>(), new Set<number>(), new Set<number>()]
    info.groupIds.forEach((g, i) => sets[assignment[i]!]!.add(g))
    groups = perSplit((s) => sets[SPLIT_NAMES.indexOf(s)]!.size)
  }
  return {
    kind: info.kind,
    column: info.column,
    sizes: perSplit((s) => sizes[SPLIT_NAMES.indexOf(s)]!),
    fractions: perSplit((s) => (n > 0 ? sizes[SPLIT_NAMES.indexOf(s)]! / n : 0)),
    labelBalance: info.label ? labelBalance(frame, info.label, assignment) : null,
    timeRanges,
    groups,
    duplicates: duplicateReport(frame, info.duplicateColumns, assignment),
  }
}
