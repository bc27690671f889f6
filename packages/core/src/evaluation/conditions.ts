import { cellAt, type Frame } from '../frame/index.js'
import { sortedQuantile } from './bootstrap.js'
import { describeCondition, type SliceCondition } from './slices.js'

/**
 * Candidate conditions over a frame's columns, shared by weak-slice discovery and error analysis:
 * one per frequent value of a categorical or boolean column, one per quantile bin of a numeric
 * column, and "is missing" where values are missing.
 */

/** A condition with the rows it selects. */
export interface ConditionMask {
  readonly condition: SliceCondition
  readonly column: string
  readonly label: string
  readonly mask: Uint8Array
  readonly rows: number
}

/** Options for {@link candidateConditions}. */
export interface SliceCandidateOptions {
  /** Columns to use; default every numeric, boolean and categorical column. */
  readonly columns?: readonly string[]
  /** Quantile bins per numeric column (fewer when values repeat); default 4. */
  readonly numericBins?: number
  /** Most frequent values kept per categorical column; default 20. */
  readonly maxCategories?: number
}

const build = (column: string, condition: SliceCondition, mask: Uint8Array): ConditionMask => {
  let rows = 0
  for (const v of mask) rows += v
  return { condition, column, label: describeCondition(condition), mask, rows }
}

/** Round bin edges for display without merging distinct edges. */
const tidy = (v: number): number => Number(v.toPrecision(6))

/** Every candidate condition over the chosen columns (conditions selecting no row are dropped). */
export const candidateConditions = (
  frame: Frame,
  options: SliceCandidateOptions = {},
): ConditionMask[] => {
  const columns =
    options.columns ??
    frame.columnNames.filter((c) => ['numeric', 'boolean', 'categorical'].includes(frame.kindOf(c)))
  const bins = options.numericBins ?? 4
  const maxCategories = options.maxCategories ?? 20
  const n = frame.numRows
  const out: ConditionMask[] = []
  for (const column of columns) {
    const col = frame.column(column)
    if (col.kind === 'categorical') {
      const counts = new Map<number, number>()
      for (const c of col.codes) counts.set(c, (counts.get(c) ?? 0) + 1)
      const top = [...counts.entries()]
        .filter(([c]) => c >= 0)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, maxCategories)
      for (const [code] of top) {
        const mask = Uint8Array.from(col.codes, (c) => (c === code ? 1 : 0))
        out.push(build(column, { kind: 'equals', column, values: [col.dictionary[code]!] }, mask))
      }
      if (counts.has(-1)) {
        out.push(
          build(
            column,
            { kind: 'missing', column },
            Uint8Array.from(col.codes, (c) => (c < 0 ? 1 : 0)),
          ),
        )
      }
    } else if (col.kind === 'boolean') {
      for (const value of [false, true]) {
        const mask = new Uint8Array(n)
        for (let i = 0; i < n; i++) mask[i] = cellAt(col, i) === value ? 1 : 0
        out.push(build(column, { kind: 'equals', column, values: [value] }, mask))
      }
      const missing = Uint8Array.from(col.values, (v) => (Number.isNaN(v) ? 1 : 0))
      out.push(build(column, { kind: 'missing', column }, missing))
    } else if (col.kind === 'numeric' || col.kind === 'timestamp') {
      const present = col.values.filter((v) => !Number.isNaN(v)).sort()
      if (present.length > 0) {
        const edges = [
          ...new Set(
            Array.from({ length: bins + 1 }, (_, j) => tidy(sortedQuantile(present, j / bins))),
          ),
        ]
        edges[0] = Math.min(edges[0]!, present[0]!)
        edges[edges.length - 1] = Math.max(edges.at(-1)!, present.at(-1)!)
        if (edges.length === 1) edges.push(edges[0]!)
        for (let j = 0; j + 1 < edges.length; j++) {
          const last = j + 2 === edges.length
          const lo = edges[j]!
          const hi = edges[j + 1]!
          const mask = Uint8Array.from(col.values, (v) =>
            v >= lo && (last ? v <= hi : v < hi) ? 1 : 0,
          )
          out.push(
            build(
              column,
              { kind: 'range', column, min: lo, max: hi, ...(last ? { includeMax: true } : {}) },
              mask,
            ),
          )
        }
      }
      const missing = Uint8Array.from(col.values, (v) => (Number.isNaN(v) ? 1 : 0))
      out.push(build(column, { kind: 'missing', column }, missing))
    }
  }
  return out.filter((c) => c.rows > 0)
}
