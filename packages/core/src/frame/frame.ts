import { KeelError } from '../errors/index.js'
import {
  booleanColumn,
  categoricalColumn,
  cellAt,
  columnLength,
  numericColumn,
  sliceColumn,
  takeColumn,
  textColumn,
  timestampColumn,
  type CategoricalColumn,
  type Cell,
  type Column,
  type ColumnKind,
  type NumericColumn,
} from './column.js'

/** A row as plain data, keyed by column name. */
export type Row = Readonly<Record<string, Cell>>

/**
 * An immutable columnar table: the unit of data that moves between Keel's stages.
 *
 * Columns are typed arrays (see {@link ColumnKind}); a Frame never copies a column it does not
 * change, and every operation returns a new Frame. Column order is significant and preserved.
 *
 * @example
 * const f = Frame.fromColumns({
 *   distance: numericColumn([300, 1200, null]),
 *   origin: categoricalColumn(['SFO', 'JFK', 'SFO']),
 * })
 * f.numRows // 3
 * f.numeric('distance') // Float64Array [300, 1200, NaN]
 */
export class Frame {
  readonly numRows: number
  readonly #columns: ReadonlyMap<string, Column>
  readonly #names: readonly string[]

  private constructor(
    names: readonly string[],
    columns: ReadonlyMap<string, Column>,
    numRows: number,
  ) {
    this.#names = names
    this.#columns = columns
    this.numRows = numRows
  }

  /** Build a frame from named columns; every column must have the same length. */
  static fromColumns(
    columns: Readonly<Record<string, Column>> | ReadonlyMap<string, Column>,
  ): Frame {
    const entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns)
    let numRows = -1
    for (const [name, col] of entries) {
      const len = columnLength(col)
      if (numRows === -1) numRows = len
      else if (len !== numRows) {
        throw new KeelError(
          'INVALID_DATA',
          `column "${name}" has ${len} rows but the frame has ${numRows}`,
          { path: [name] },
        )
      }
    }
    const map = new Map(entries)
    return new Frame(Object.freeze(entries.map(([n]) => n)), map, Math.max(numRows, 0))
  }

  /** An empty frame with no columns. */
  static empty(): Frame {
    return new Frame([], new Map(), 0)
  }

  /**
   * Build a frame from row objects. Kinds are taken from `kinds` where given, otherwise inferred per
   * column: numbers → numeric, booleans → boolean, Dates → timestamp, strings → categorical.
   */
  static fromRows(
    rows: readonly Readonly<Record<string, unknown>>[],
    kinds: Readonly<Record<string, ColumnKind>> = {},
  ): Frame {
    const names: string[] = []
    const seen = new Set<string>()
    const see = (k: string): void => {
      if (seen.has(k)) return
      seen.add(k)
      names.push(k)
    }
    for (const k of Object.keys(kinds)) see(k)
    for (const r of rows) for (const k of Object.keys(r)) see(k)
    const cols: Record<string, Column> = {}
    for (const name of names) {
      const raw = rows.map((r) => r[name])
      const kind = kinds[name] ?? inferKind(raw)
      cols[name] = buildColumn(name, kind, raw)
    }
    return Frame.fromColumns(cols)
  }

  /** Column names in order. */
  get columnNames(): readonly string[] {
    return this.#names
  }

  /** Number of columns. */
  get numColumns(): number {
    return this.#names.length
  }

  /** True when the frame has a column called `name`. */
  has(name: string): boolean {
    return this.#columns.has(name)
  }

  /** The column called `name`; a `SCHEMA_MISMATCH` error when there is none. */
  column(name: string): Column {
    const c = this.#columns.get(name)
    if (!c) {
      throw new KeelError('SCHEMA_MISMATCH', `missing column "${name}"`, {
        path: [name],
        details: { available: this.#names },
      })
    }
    return c
  }

  /** Kind of the column called `name`. */
  kindOf(name: string): ColumnKind {
    return this.column(name).kind
  }

  /** The values of a numeric, boolean or timestamp column. */
  numeric(name: string): Float64Array {
    const c = this.column(name)
    if (c.kind === 'categorical' || c.kind === 'text') {
      throw new KeelError('SCHEMA_MISMATCH', `column "${name}" is ${c.kind}, not numeric`, {
        path: [name],
      })
    }
    return c.values
  }

  /** A categorical column. */
  categorical(name: string): CategoricalColumn {
    const c = this.column(name)
    if (c.kind !== 'categorical') {
      throw new KeelError('SCHEMA_MISMATCH', `column "${name}" is ${c.kind}, not categorical`, {
        path: [name],
      })
    }
    return c
  }

  /** All columns as `[name, column]` pairs in order. */
  entries(): [string, Column][] {
    return this.#names.map((n) => [n, this.#columns.get(n)!])
  }

  /** A frame with only `names`, in that order. */
  select(names: readonly string[]): Frame {
    return Frame.fromColumns(new Map(names.map((n) => [n, this.column(n)])))
  }

  /** A frame without `names` (names that do not exist are ignored). */
  drop(names: readonly string[]): Frame {
    const gone = new Set(names)
    return Frame.fromColumns(new Map(this.entries().filter(([n]) => !gone.has(n))))
  }

  /** A frame with columns added or replaced (replaced columns keep their position). */
  withColumns(columns: Readonly<Record<string, Column>>): Frame {
    const map = new Map(this.entries())
    for (const [n, c] of Object.entries(columns)) map.set(n, c)
    if (this.numColumns === 0) return Frame.fromColumns(map)
    const f = Frame.fromColumns(map)
    if (f.numRows !== this.numRows) {
      throw new KeelError(
        'INVALID_DATA',
        `new columns have ${f.numRows} rows, frame has ${this.numRows}`,
      )
    }
    return f
  }

  /** A frame with `from` renamed to `to`. */
  rename(mapping: Readonly<Record<string, string>>): Frame {
    return Frame.fromColumns(new Map(this.entries().map(([n, c]) => [mapping[n] ?? n, c])))
  }

  /** Rows at `indices` (in that order, repeats allowed). */
  take(indices: ArrayLike<number>): Frame {
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!
      if (!(r >= 0 && r < this.numRows)) {
        throw new KeelError('INVALID_ARGUMENT', `row index ${r} is outside 0..${this.numRows - 1}`)
      }
    }
    const map = new Map(this.entries().map(([n, c]) => [n, takeColumn(c, indices)]))
    return new Frame(this.#names, map, indices.length)
  }

  /** Rows where `mask[i]` is truthy. */
  filter(mask: ArrayLike<number | boolean>): Frame {
    if (mask.length !== this.numRows) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `mask has ${mask.length} entries, frame has ${this.numRows} rows`,
      )
    }
    const idx: number[] = []
    for (let i = 0; i < mask.length; i++) if (mask[i]) idx.push(i)
    return this.take(idx)
  }

  /** Rows `[start, end)`; numeric and categorical columns share memory with this frame. */
  slice(start: number, end: number = this.numRows): Frame {
    const s = Math.max(0, Math.min(start, this.numRows))
    const e = Math.max(s, Math.min(end, this.numRows))
    const map = new Map(this.entries().map(([n, c]) => [n, sliceColumn(c, s, e)]))
    return new Frame(this.#names, map, e - s)
  }

  /** The first `n` rows. */
  head(n = 5): Frame {
    return this.slice(0, n)
  }

  /** Row `i` as plain data. */
  row(i: number): Row {
    const out: Record<string, Cell> = {}
    for (const [n, c] of this.entries()) out[n] = cellAt(c, i)
    return out
  }

  /** Rows `[start, end)` as plain objects (for output, not for computation). */
  toRows(start = 0, end: number = this.numRows): Row[] {
    const rows: Row[] = []
    for (let i = Math.max(0, start); i < Math.min(end, this.numRows); i++) rows.push(this.row(i))
    return rows
  }

  /**
   * Frames stacked vertically. Columns must match by name and kind; categorical dictionaries are
   * merged (the first frame's codes keep their meaning, new categories are appended).
   */
  static concat(frames: readonly Frame[]): Frame {
    const first = frames[0]
    if (!first) return Frame.empty()
    const total = frames.reduce((s, f) => s + f.numRows, 0)
    const cols: Record<string, Column> = {}
    for (const name of first.columnNames) {
      const kind = first.kindOf(name)
      for (const f of frames) {
        if (!f.has(name) || f.kindOf(name) !== kind) {
          throw new KeelError('SCHEMA_MISMATCH', `column "${name}" differs between frames`, {
            path: [name],
          })
        }
      }
      if (kind === 'categorical') {
        const dict: string[] = [...first.categorical(name).dictionary]
        const index = new Map(dict.map((d, i) => [d, i]))
        const codes = new Int32Array(total)
        let at = 0
        for (const f of frames) {
          const c = f.categorical(name)
          const remap = c.dictionary.map((d) => {
            let k = index.get(d)
            if (k === undefined) {
              k = dict.length
              dict.push(d)
              index.set(d, k)
            }
            return k
          })
          for (let i = 0; i < c.codes.length; i++) {
            const code = c.codes[i]!
            codes[at++] = code < 0 ? -1 : remap[code]!
          }
        }
        cols[name] = Object.freeze({ kind: 'categorical', codes, dictionary: Object.freeze(dict) })
      } else if (kind === 'text') {
        const values: (string | null)[] = []
        for (const f of frames) {
          const c = f.column(name)
          if (c.kind === 'text') for (const v of c.values) values.push(v)
        }
        cols[name] = textColumn(values)
      } else {
        const values = new Float64Array(total)
        let at = 0
        for (const f of frames) {
          values.set(f.numeric(name), at)
          at += f.numRows
        }
        cols[name] = Object.freeze({ kind, values }) as NumericColumn
      }
    }
    return Frame.fromColumns(cols)
  }
}

const inferKind = (values: readonly unknown[]): ColumnKind => {
  for (const v of values) {
    if (v === null || v === undefined) continue
    if (typeof v === 'number') return 'numeric'
    if (typeof v === 'boolean') return 'boolean'
    if (v instanceof Date) return 'timestamp'
    return 'categorical'
  }
  return 'numeric'
}

/** Build a column of `kind` from loose values, with a structured error for a wrong type. */
export const buildColumn = (name: string, kind: ColumnKind, raw: readonly unknown[]): Column => {
  const bad = (i: number, expected: string): never => {
    throw new KeelError(
      'INVALID_DATA',
      `column "${name}" row ${i}: expected ${expected}, got ${JSON.stringify(raw[i])}`,
      {
        path: [name, i],
        details: { value: raw[i], expected },
      },
    )
  }
  switch (kind) {
    case 'numeric':
      return numericColumn(
        raw.map((v, i) =>
          v === null || v === undefined ? null : typeof v === 'number' ? v : bad(i, 'a number'),
        ),
      )
    case 'boolean':
      return booleanColumn(
        raw.map((v, i) =>
          v === null || v === undefined
            ? null
            : typeof v === 'boolean' || v === 0 || v === 1
              ? v
              : bad(i, 'a boolean'),
        ),
      )
    case 'timestamp':
      return timestampColumn(
        raw.map((v, i) => {
          if (v === null || v === undefined) return null
          if (v instanceof Date || typeof v === 'number') return v
          if (typeof v === 'string') {
            const t = Date.parse(v)
            return Number.isNaN(t) ? bad(i, 'a timestamp') : t
          }
          return bad(i, 'a timestamp')
        }),
      )
    case 'categorical':
      return categoricalColumn(
        raw.map((v, i) =>
          v === null || v === undefined
            ? null
            : typeof v === 'string'
              ? v
              : typeof v === 'number' || typeof v === 'boolean'
                ? String(v)
                : bad(i, 'a string'),
        ),
      )
    case 'text':
      return textColumn(
        raw.map((v, i) =>
          v === null || v === undefined ? null : typeof v === 'string' ? v : bad(i, 'a string'),
        ),
      )
  }
}
