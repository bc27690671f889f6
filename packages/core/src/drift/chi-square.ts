import { KeelError } from '../errors/index.js'
import { chiSquareSf } from './math/gamma.js'

/** Result of a chi-square test of homogeneity. */
export interface ChiSquareResult {
  readonly statistic: number
  readonly pValue: number
  readonly dof: number
  /** Cramér's V, `sqrt(chi2 / (N * min(r-1, c-1)))` on the uncorrected statistic: an effect size in [0, 1]. */
  readonly cramersV: number
  /** Columns (categories) dropped because both rows counted zero there. */
  readonly droppedEmpty: number
}

/** Options of {@link chiSquareHomogeneity}. */
export interface ChiSquareOptions {
  /**
   * Apply Yates' continuity correction when the table has one degree of freedom (scipy's default,
   * `correction=True`). It never applies with more than one degree of freedom.
   */
  readonly yates?: boolean
}

/**
 * Chi-square test that several rows of category counts come from one distribution — scipy's
 * `chi2_contingency(observed, correction)` on an `r x k` table (typically reference counts over
 * current counts). Categories counted zero in every row carry no information and would make scipy
 * raise; they are dropped and reported in `droppedEmpty`.
 *
 * @example
 * chiSquareHomogeneity([[120, 80, 40], [100, 90, 70]]).pValue
 */
export const chiSquareHomogeneity = (
  rows: readonly (readonly number[])[],
  options: ChiSquareOptions = {},
): ChiSquareResult => {
  if (rows.length < 2) {
    throw new KeelError('INVALID_ARGUMENT', 'a homogeneity test needs at least two rows of counts')
  }
  const k = rows[0]!.length
  for (const [r, row] of rows.entries()) {
    if (row.length !== k) {
      throw new KeelError('INVALID_ARGUMENT', `row ${r} has ${row.length} counts, expected ${k}`, {
        path: [r],
      })
    }
    for (const [c, v] of row.entries()) {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new KeelError('INVALID_ARGUMENT', `count at [${r}, ${c}] must be finite and >= 0`, {
          path: [r, c],
          details: { value: v },
        })
      }
    }
  }
  const keep: number[] = []
  for (let c = 0; c < k; c++) if (rows.some((row) => row[c]! > 0)) keep.push(c)
  const table = rows.map((row) => keep.map((c) => row[c]!))
  const rowSums = table.map((row) => row.reduce((s, v) => s + v, 0))
  if (rowSums.some((s) => s === 0)) {
    throw new KeelError('INVALID_DATA', 'every row of a homogeneity test needs a positive total')
  }
  const colSums = keep.map((_, c) => table.reduce((s, row) => s + row[c]!, 0))
  const total = rowSums.reduce((s, v) => s + v, 0)
  const r = table.length
  const c = keep.length
  const dof = (r - 1) * (c - 1)
  if (dof === 0) {
    return { statistic: 0, pValue: 1, dof: 0, cramersV: 0, droppedEmpty: k - c }
  }
  const yates = (options.yates ?? true) && dof === 1
  let stat = 0
  let raw = 0
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const expected = (rowSums[i]! * colSums[j]!) / total
      const o = table[i]![j]!
      let adj = o
      if (yates) {
        const diff = expected - o
        adj = o + Math.min(0.5, Math.abs(diff)) * Math.sign(diff)
      }
      stat += ((adj - expected) * (adj - expected)) / expected
      raw += ((o - expected) * (o - expected)) / expected
    }
  }
  return {
    statistic: stat,
    pValue: chiSquareSf(stat, dof),
    dof,
    cramersV: Math.sqrt(raw / (total * Math.min(r - 1, c - 1))),
    droppedEmpty: k - c,
  }
}
