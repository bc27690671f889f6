import { KeelError, type Issue } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import {
  cellAt,
  columnLength,
  type CategoricalColumn,
  type Column,
  type ColumnKind,
} from '../frame/index.js'
import { parseInstant, type SchemaContract } from './contract.js'

/** Text read as a missing value when a string column is cast to numbers, booleans or dates. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'NaN',
  'nan',
  'null',
  'NULL',
])

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const INFINITY = /^[+-]?(inf|infinity)$/i
const TRUE = new Set(['true', 't', 'yes', 'y', '1'])
const FALSE = new Set(['false', 'f', 'no', 'n', '0'])

/** Outcome of casting one column: the new column, or where and why the cast failed. */
export type CoercedColumn =
  | { readonly ok: true; readonly column: Column }
  | {
      readonly ok: false
      /** First few failing rows (0-based, within the column). */
      readonly rows: readonly number[]
      readonly count: number
      /** A few distinct offending values, as text. */
      readonly examples: readonly string[]
    }

/**
 * Epoch milliseconds of 1973-03-03: a number in a timestamp column below this in magnitude is far
 * more likely a year (1981) or epoch seconds (1.7e9) than a real instant of 1966–1973 in
 * milliseconds, and reading it as milliseconds would put every such value in the first seconds
 * of 1970 without a word.
 */
export const MIN_EPOCH_MS_MAGNITUDE = 1e11

/**
 * True when a number can stand in a timestamp column as epoch milliseconds: missing (NaN), or
 * finite with a magnitude of at least {@link MIN_EPOCH_MS_MAGNITUDE}.
 */
export const looksLikeEpochMs = (x: number): boolean =>
  x !== x || (Number.isFinite(x) && Math.abs(x) >= MIN_EPOCH_MS_MAGNITUDE)

const parseNumber = (s: string): number | undefined => {
  const t = s.trim()
  if (MISSING_TOKENS.has(t)) return NaN
  if (NUMBER.test(t)) return Number(t)
  if (INFINITY.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  return undefined
}

const parseBoolean = (s: string): number | undefined => {
  const t = s.trim()
  if (MISSING_TOKENS.has(t)) return NaN
  const l = t.toLowerCase()
  return TRUE.has(l) ? 1 : FALSE.has(l) ? 0 : undefined
}

const parseTimestamp = (s: string): number | undefined => {
  const t = s.trim()
  return MISSING_TOKENS.has(t) ? NaN : parseInstant(t)
}

const formatCell = (kind: ColumnKind, v: number): string =>
  kind === 'boolean'
    ? v !== 0
      ? 'true'
      : 'false'
    : kind === 'timestamp'
      ? new Date(v).toISOString()
      : String(v)

/** Strings of a string column by row, `null` when missing. */
const stringAt = (c: Column, i: number): string | null => {
  const v = cellAt(c, i)
  return v === null ? null : String(v)
}

/**
 * Cast `column` to `kind` (see {@link coerceToContract} for the rules). A categorical target with
 * `categories` gets those categories first in its dictionary, in order, so codes mean the same
 * across chunks and files; values outside them are appended (validation reports them).
 */
export const coerceColumn = (
  column: Column,
  kind: ColumnKind,
  categories?: readonly string[],
): CoercedColumn => {
  const n = columnLength(column)
  if (column.kind === kind && (kind !== 'categorical' || !categories)) return { ok: true, column }
  switch (kind) {
    case 'numeric':
    case 'boolean':
    case 'timestamp': {
      if (column.kind === 'numeric' || column.kind === 'boolean' || column.kind === 'timestamp') {
        if (kind === 'timestamp' && column.kind !== 'timestamp') {
          return numbersTo(column.values, (x) => (looksLikeEpochMs(x) ? x : undefined), kind)
        }
        if (kind !== 'boolean') {
          return { ok: true, column: Object.freeze({ kind, values: column.values }) }
        }
        return numbersTo(
          column.values,
          (x) => (x === 0 || x === 1 || x !== x ? x : undefined),
          kind,
        )
      }
      const parse =
        kind === 'numeric' ? parseNumber : kind === 'boolean' ? parseBoolean : parseTimestamp
      const values = new Float64Array(n)
      const bad = new Failures()
      // Parse each distinct string once: categorical columns repeat few values many times.
      const memo = new Map<string, number | undefined>()
      for (let i = 0; i < n; i++) {
        const s = stringAt(column, i)
        if (s === null) {
          values[i] = NaN
          continue
        }
        let v = memo.get(s)
        if (v === undefined && !memo.has(s)) memo.set(s, (v = parse(s)))
        if (v === undefined) {
          bad.add(i, s)
          values[i] = NaN
        } else values[i] = v
      }
      return bad.count > 0 ? bad.result() : { ok: true, column: Object.freeze({ kind, values }) }
    }
    case 'categorical':
    case 'text': {
      const strings: (string | null)[] = new Array<string | null>(n)
      if (column.kind === 'numeric' || column.kind === 'boolean' || column.kind === 'timestamp') {
        for (let i = 0; i < n; i++) {
          const v = column.values[i]!
          strings[i] = v !== v ? null : formatCell(column.kind, v)
        }
      } else if (column.kind === 'categorical' && kind === 'categorical') {
        return { ok: true, column: recode(column, categories ?? []) }
      } else {
        for (let i = 0; i < n; i++) strings[i] = stringAt(column, i)
      }
      if (kind === 'text')
        return { ok: true, column: Object.freeze({ kind, values: Object.freeze(strings) }) }
      const dict = [...(categories ?? [])]
      const index = new Map(dict.map((d, i) => [d, i]))
      const codes = new Int32Array(n)
      for (let i = 0; i < n; i++) {
        const s = strings[i]
        if (s === null || s === undefined) {
          codes[i] = -1
          continue
        }
        let code = index.get(s)
        if (code === undefined) {
          code = dict.length
          dict.push(s)
          index.set(s, code)
        }
        codes[i] = code
      }
      return { ok: true, column: Object.freeze({ kind, codes, dictionary: Object.freeze(dict) }) }
    }
  }
}

const numbersTo = (
  values: Float64Array,
  map: (x: number) => number | undefined,
  kind: 'numeric' | 'boolean' | 'timestamp',
): CoercedColumn => {
  const out = new Float64Array(values.length)
  const bad = new Failures()
  for (let i = 0; i < values.length; i++) {
    const v = map(values[i]!)
    if (v === undefined) {
      bad.add(i, String(values[i]))
      out[i] = NaN
    } else out[i] = v
  }
  return bad.count > 0 ? bad.result() : { ok: true, column: Object.freeze({ kind, values: out }) }
}

/** A categorical column re-expressed over `categories` first, then its other values in order. */
const recode = (column: CategoricalColumn, categories: readonly string[]): CategoricalColumn => {
  const dict = [...categories]
  const index = new Map(dict.map((d, i) => [d, i]))
  const map = column.dictionary.map((d) => {
    let k = index.get(d)
    if (k === undefined) {
      k = dict.length
      dict.push(d)
      index.set(d, k)
    }
    return k
  })
  if (map.every((k, i) => k === i) && dict.length === column.dictionary.length) return column
  const codes = new Int32Array(column.codes.length)
  for (let i = 0; i < codes.length; i++) {
    const c = column.codes[i]!
    codes[i] = c < 0 ? -1 : map[c]!
  }
  return Object.freeze({ kind: 'categorical', codes, dictionary: Object.freeze(dict) })
}

class Failures {
  readonly rows: number[] = []
  readonly examples = new Set<string>()
  count = 0
  add(row: number, value: string): void {
    if (this.rows.length < 5) this.rows.push(row)
    if (this.examples.size < 3) this.examples.add(value)
    this.count++
  }
  result(): CoercedColumn {
    return { ok: false, rows: this.rows, count: this.count, examples: [...this.examples] }
  }
}

/**
 * `frame` with every contract field cast to its declared kind, for readers and boundaries that get
 * loosely typed data (CSV text, JSON). Numbers, booleans and dates are parsed strictly from strings
 * (`MISSING_TOKENS` become missing; booleans accept true/false/t/f/yes/no/y/n/1/0; dates are
 * ISO-8601, UTC when no offset is given); numbers become strings for categorical and text fields;
 * categorical dictionaries start with the contract's `categories`. Columns outside the contract and
 * fields the frame lacks are left alone (validation reports missing ones).
 *
 * A value that cannot be cast is never turned into a silent NaN: the whole call fails with one
 * `SCHEMA_MISMATCH` error listing, per column, the count, first rows and example values.
 */
export const coerceToContract = (frame: Frame, contract: SchemaContract): Frame => {
  const replaced: Record<string, Column> = {}
  const issues: Issue[] = []
  for (const field of contract.fields) {
    if (!frame.has(field.name)) continue
    const out = coerceColumn(frame.column(field.name), field.kind, field.categories)
    if (out.ok) {
      if (out.column !== frame.column(field.name)) replaced[field.name] = out.column
      continue
    }
    issues.push({
      code: 'wrong_kind',
      path: [field.name],
      message: coercionMessage(field.name, field.kind, out),
      details: { rows: out.rows, count: out.count, examples: out.examples },
    })
  }
  if (issues.length > 0) {
    throw new KeelError('SCHEMA_MISMATCH', issues.map((i) => i.message).join('; '), { issues })
  }
  return Object.keys(replaced).length > 0 ? frame.withColumns(replaced) : frame
}

/** A sentence for a failed cast, shared by coercion errors and validation issues. */
export const coercionMessage = (
  column: string,
  kind: ColumnKind,
  failure: {
    readonly count: number
    readonly rows: readonly number[]
    readonly examples: readonly string[]
  },
): string =>
  `column "${column}": ${failure.count} value${failure.count === 1 ? '' : 's'} cannot be read as ${kind} ` +
  `(e.g. ${failure.examples.map((e) => JSON.stringify(e)).join(', ')}; rows ${failure.rows.join(', ')})` +
  (kind === 'timestamp' && failure.examples.some((e) => NUMBER.test(e.trim()))
    ? ': a number is an instant only as epoch milliseconds from 1e11 (1973) on; write a year or a date as ISO-8601 text (1981-01-01)'
    : '')
