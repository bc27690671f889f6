import {
  Frame,
  categoricalColumn,
  categoricalFromCodes,
  numericColumn,
  type Column,
} from '../../frame/index.js'
import type { TrainingSet } from '../protocol.js'

/** A deep copy of every typed array of a training set, to prove later that nothing was mutated. */
export interface Snapshot {
  readonly columns: [string, number[]][]
  readonly y: number[]
  readonly weight: number[] | undefined
}

const columnValues = (c: Column): number[] =>
  c.kind === 'categorical'
    ? Array.from(c.codes)
    : c.kind === 'text'
      ? c.values.map((v) => (v === null ? -1 : v.length))
      : Array.from(c.values)

/** Copy the contents of a training set (NaN-safe comparison happens through `Object.is`). */
export const snapshot = (data: TrainingSet): Snapshot => ({
  columns: data.X.entries().map(([n, c]) => [n, columnValues(c)]),
  y: Array.from(data.y),
  weight: data.weight ? Array.from(data.weight) : undefined,
})

/** The first index where `a` and `b` differ bit for bit (`Object.is`), or -1. */
export const firstDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i
  return -1
}

/** The same frame with its columns in reverse order and one unrelated extra column. */
export const reorderedWithExtra = (X: Frame): Frame =>
  Frame.fromColumns(
    new Map([
      ['__extra__', numericColumn(new Float64Array(X.numRows).fill(7))] as [string, Column],
      ...X.entries().reverse(),
    ]),
  )

/** The frame with `name` turned into the other kind (numeric ↔ categorical). */
export const withWrongKind = (X: Frame, name: string): Frame => {
  const c = X.column(name)
  const replaced: Column =
    c.kind === 'categorical'
      ? numericColumn(Float64Array.from(c.codes))
      : categoricalColumn(Array.from({ length: X.numRows }, (_, i) => `v${i % 3}`))
  return X.withColumns({ [name]: replaced })
}

/** The frame's rows in reverse order. */
export const reversedRows = (X: Frame): Frame =>
  X.take(Int32Array.from({ length: X.numRows }, (_, i) => X.numRows - 1 - i))

/** Training data with row 0 appended once more (the duplicate-row side of the weight check). */
export const withDuplicatedFirstRow = (data: TrainingSet): TrainingSet => {
  const n = data.X.numRows
  const idx = Int32Array.from({ length: n + 1 }, (_, i) => (i < n ? i : 0))
  const y = Float64Array.from(idx, (i) => data.y[i]!)
  const weight = data.weight ? Float64Array.from(idx, (i) => data.weight![i]!) : undefined
  return { ...data, X: data.X.take(idx), y, ...(weight ? { weight } : {}) }
}

/** Training data with row 0's weight doubled (the weighted side of the weight check). */
export const withDoubledFirstWeight = (data: TrainingSet): TrainingSet => {
  const weight = data.weight
    ? Float64Array.from(data.weight)
    : new Float64Array(data.y.length).fill(1)
  weight[0] = weight[0]! * 2
  return { ...data, weight }
}

/**
 * A frame of `rows` random rows shaped like `X`: numeric values drawn around the training range
 * (and beyond it), categorical codes over the training dictionary, plus missing values when
 * `missing` is set. Used by the property checks.
 */
export const randomRowsLike = (X: Frame, draws: readonly number[], missing: boolean): Frame => {
  const rows = Math.max(1, Math.floor(draws.length / Math.max(1, X.numColumns)))
  let at = 0
  const next = (): number => draws[at++ % draws.length]!
  const cols = new Map<string, Column>()
  for (const [name, c] of X.entries()) {
    if (c.kind === 'categorical') {
      const k = c.dictionary.length
      const codes = Int32Array.from({ length: rows }, () => {
        const u = next()
        return missing && u < 0.1 ? -1 : Math.min(k - 1, Math.floor(u * k))
      })
      cols.set(name, categoricalFromCodes(codes, c.dictionary))
    } else if (c.kind === 'text') {
      cols.set(name, c)
    } else {
      let lo = Infinity
      let hi = -Infinity
      for (const v of c.values) {
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v)
          hi = Math.max(hi, v)
        }
      }
      if (!Number.isFinite(lo)) [lo, hi] = [0, 1]
      const span = hi - lo || 1
      const values = Float64Array.from({ length: rows }, () => {
        const u = next()
        return missing && u < 0.1 ? NaN : lo - span + 3 * span * u
      })
      cols.set(name, { kind: c.kind, values })
    }
  }
  return Frame.fromColumns(cols)
}
