import { KeelError } from '../errors/index.js'

/**
 * Column kinds. Each kind has exactly one in-memory representation and one way to say "missing":
 *
 * | kind          | storage                                   | missing |
 * |---------------|-------------------------------------------|---------|
 * | `numeric`     | `Float64Array`                            | `NaN`   |
 * | `boolean`     | `Float64Array` of 0 / 1                   | `NaN`   |
 * | `timestamp`   | `Float64Array` of epoch milliseconds (UTC) | `NaN`   |
 * | `categorical` | `Int32Array` codes into a string dictionary | `-1`    |
 * | `text`        | array of strings                          | `null`  |
 *
 * One representation per kind (rather than values plus a separate validity bitmap) means there is no
 * second array to keep in sync and kernels test missingness with a single comparison.
 */
export type ColumnKind = 'numeric' | 'boolean' | 'timestamp' | 'categorical' | 'text'

/** A column of numbers, booleans (0/1) or timestamps (epoch ms); NaN marks a missing value. */
export interface NumericColumn {
  readonly kind: 'numeric' | 'boolean' | 'timestamp'
  readonly values: Float64Array
}

/** A dictionary-encoded column: `codes[i]` indexes `dictionary`, or is -1 when missing. */
export interface CategoricalColumn {
  readonly kind: 'categorical'
  readonly codes: Int32Array
  readonly dictionary: readonly string[]
}

/** A column of free text; `null` marks a missing value. */
export interface TextColumn {
  readonly kind: 'text'
  readonly values: readonly (string | null)[]
}

/** Any column of a {@link Frame}. */
export type Column = NumericColumn | CategoricalColumn | TextColumn

/** A single cell value as plain data. */
export type Cell = number | string | boolean | null

/** Number of rows in a column. */
export const columnLength = (c: Column): number =>
  c.kind === 'categorical' ? c.codes.length : c.values.length

const toFloat64 = (values: ArrayLike<number | null | undefined>): Float64Array => {
  if (values instanceof Float64Array) return values
  const out = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    out[i] = v === null || v === undefined ? NaN : v
  }
  return out
}

/** A numeric column; `null`/`undefined` become missing (NaN). A Float64Array is used as is. */
export const numericColumn = (values: ArrayLike<number | null | undefined>): NumericColumn =>
  Object.freeze({ kind: 'numeric', values: toFloat64(values) })

/** A timestamp column from epoch milliseconds (or Dates); missing is NaN. */
export const timestampColumn = (
  values: ArrayLike<number | Date | null | undefined>,
): NumericColumn => {
  if (values instanceof Float64Array) return Object.freeze({ kind: 'timestamp', values })
  const out = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    out[i] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : v
  }
  return Object.freeze({ kind: 'timestamp', values: out })
}

/** A boolean column stored as 0/1 floats; missing is NaN. */
export const booleanColumn = (
  values: ArrayLike<boolean | number | null | undefined>,
): NumericColumn => {
  const out = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    out[i] = v === null || v === undefined ? NaN : v ? 1 : 0
  }
  return Object.freeze({ kind: 'boolean', values: out })
}

/**
 * A categorical column from strings. The dictionary lists categories in order of first appearance
 * unless `dictionary` is given, in which case values outside it are an error.
 */
export const categoricalColumn = (
  values: ArrayLike<string | null | undefined>,
  dictionary?: readonly string[],
): CategoricalColumn => {
  const codes = new Int32Array(values.length)
  const dict: string[] = dictionary ? [...dictionary] : []
  const index = new Map<string, number>(dict.map((d, i) => [d, i]))
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined) {
      codes[i] = -1
      continue
    }
    let code = index.get(v)
    if (code === undefined) {
      if (dictionary) {
        throw new KeelError('INVALID_DATA', `value "${v}" at row ${i} is not in the dictionary`, {
          path: [i],
        })
      }
      code = dict.length
      dict.push(v)
      index.set(v, code)
    }
    codes[i] = code
  }
  return Object.freeze({ kind: 'categorical', codes, dictionary: Object.freeze(dict) })
}

/** A categorical column from existing codes and dictionary (codes are checked). */
export const categoricalFromCodes = (
  codes: Int32Array,
  dictionary: readonly string[],
): CategoricalColumn => {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!
    if (c < -1 || c >= dictionary.length) {
      throw new KeelError('INVALID_DATA', `code ${c} at row ${i} is outside the dictionary`, {
        path: [i],
      })
    }
  }
  return Object.freeze({ kind: 'categorical', codes, dictionary: Object.freeze([...dictionary]) })
}

/** A text column; `undefined` becomes `null` (missing). */
export const textColumn = (values: ArrayLike<string | null | undefined>): TextColumn => {
  const out: (string | null)[] = new Array<string | null>(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? null
  return Object.freeze({ kind: 'text', values: Object.freeze(out) })
}

/** True when row `i` of `c` is missing. */
export const isMissing = (c: Column, i: number): boolean => {
  switch (c.kind) {
    case 'categorical':
      return c.codes[i]! < 0
    case 'text':
      return c.values[i] === null
    case 'numeric':
    case 'boolean':
    case 'timestamp':
      return Number.isNaN(c.values[i]!)
  }
}

/** Row `i` of `c` as a plain value (`null` when missing; timestamps as epoch ms). */
export const cellAt = (c: Column, i: number): Cell => {
  switch (c.kind) {
    case 'categorical': {
      const code = c.codes[i]!
      return code < 0 ? null : c.dictionary[code]!
    }
    case 'text':
      return c.values[i] ?? null
    case 'boolean': {
      const v = c.values[i]!
      return Number.isNaN(v) ? null : v !== 0
    }
    case 'numeric':
    case 'timestamp': {
      const v = c.values[i]!
      return Number.isNaN(v) ? null : v
    }
  }
}

/** Rows of `c` at `indices`, as a new column of the same kind (dictionary shared). */
export const takeColumn = (c: Column, indices: ArrayLike<number>): Column => {
  const n = indices.length
  switch (c.kind) {
    case 'categorical': {
      const codes = new Int32Array(n)
      for (let i = 0; i < n; i++) codes[i] = c.codes[indices[i]!]!
      return Object.freeze({ kind: 'categorical', codes, dictionary: c.dictionary })
    }
    case 'text': {
      const values: (string | null)[] = new Array<string | null>(n)
      for (let i = 0; i < n; i++) values[i] = c.values[indices[i]!] ?? null
      return Object.freeze({ kind: 'text', values: Object.freeze(values) })
    }
    case 'numeric':
    case 'boolean':
    case 'timestamp': {
      const values = new Float64Array(n)
      for (let i = 0; i < n; i++) values[i] = c.values[indices[i]!]!
      return Object.freeze({ kind: c.kind, values })
    }
  }
}

/** Rows `[start, end)` of `c`, sharing memory where the storage allows. */
export const sliceColumn = (c: Column, start: number, end: number): Column => {
  switch (c.kind) {
    case 'categorical':
      return Object.freeze({
        kind: 'categorical',
        codes: c.codes.subarray(start, end),
        dictionary: c.dictionary,
      })
    case 'text':
      return Object.freeze({ kind: 'text', values: Object.freeze(c.values.slice(start, end)) })
    case 'numeric':
    case 'boolean':
    case 'timestamp':
      return Object.freeze({ kind: c.kind, values: c.values.subarray(start, end) })
  }
}

/** Number of missing values in `c`. */
export const countMissing = (c: Column): number => {
  let m = 0
  const n = columnLength(c)
  for (let i = 0; i < n; i++) if (isMissing(c, i)) m++
  return m
}
