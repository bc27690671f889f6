import type { Cell, Column, ColumnKind, Frame, Row } from '../frame/index.js'
import { cellAt, columnLength } from '../frame/index.js'
import { coerceColumn, coercionMessage } from './coerce.js'
import {
  IssueTally,
  formatExamples,
  summarize,
  type ContractIssueCode,
  type ValidationResult,
} from './contract-issues.js'
import { resolveBound, type ContractField, type SchemaContract } from './contract.js'

/** Options of {@link FrameValidator} and {@link validateFrame}. */
export interface FrameValidatorOptions {
  /** Row numbers kept per issue (default 5). */
  readonly sampleRows?: number
  /**
   * Try to cast columns of another kind to the contract's (as `coerceToContract` does) and report
   * only the values that fail; default `false`: a kind mismatch is one `wrong_kind` issue.
   */
  readonly coerce?: boolean
}

const STRING_KINDS: ReadonlySet<ColumnKind> = new Set(['categorical', 'text'])

const compatible = (actual: ColumnKind, declared: ColumnKind): boolean =>
  actual === declared || (STRING_KINDS.has(actual) && STRING_KINDS.has(declared))

/** Per-field state that must survive across chunks. */
interface FieldState {
  missing: number
  readonly missingRows: number[]
  readonly seen: Set<string | number> | null
  lowest: number
  highest: number
}

/**
 * Checks data against a {@link SchemaContract} chunk by chunk, so data larger than memory can be
 * validated while it streams: null rates, uniqueness and row numbers are tracked across chunks.
 * Uniqueness keeps every value of `unique` fields in memory (one set entry per distinct id).
 *
 * @example
 * const v = new FrameValidator(contract)
 * for await (const chunk of chunks) v.push(chunk)
 * const { ok, summary, issues } = v.result()
 */
export class FrameValidator {
  readonly #contract: SchemaContract
  readonly #coerce: boolean
  readonly #tally: IssueTally
  readonly #sample: number
  readonly #state = new Map<string, FieldState>()
  readonly #bounds = new Map<string, { min: number | undefined; max: number | undefined }>()
  #rows = 0

  constructor(contract: SchemaContract, options: FrameValidatorOptions = {}) {
    this.#contract = contract
    this.#coerce = options.coerce ?? false
    this.#sample = options.sampleRows ?? 5
    this.#tally = new IssueTally(this.#sample)
    for (const f of contract.fields) {
      this.#state.set(f.name, {
        missing: 0,
        missingRows: [],
        seen: f.unique ? new Set() : null,
        lowest: Infinity,
        highest: -Infinity,
      })
      this.#bounds.set(f.name, {
        min: resolveBound(f.name, f.range?.min),
        max: resolveBound(f.name, f.range?.max),
      })
    }
  }

  /** Check the next chunk; its rows are numbered after those already pushed. */
  push(frame: Frame): void {
    const offset = this.#rows
    const tally = this.#tally
    const columns = new Map<string, Column>()
    for (const field of this.#contract.fields) {
      if (!frame.has(field.name)) {
        if (!tally.has('missing_column', field.name))
          tally.add('missing_column', field.name, undefined)
        continue
      }
      const column = this.#castable(field, frame.column(field.name), offset)
      if (!column) continue
      columns.set(field.name, column)
      this.#checkColumn(field, column, offset)
    }
    if (this.#contract.extraColumns === 'forbid') {
      const known = new Set(this.#contract.fields.map((f) => f.name))
      for (const name of frame.columnNames) {
        if (!known.has(name) && !tally.has('unexpected_column', name)) {
          tally.add('unexpected_column', name, undefined)
        }
      }
    }
    this.#customChecks(frame, columns, offset)
    this.#rows += frame.numRows
  }

  /** The column in the declared kind, or undefined (with an issue) when it cannot be had. */
  #castable(field: ContractField, column: Column, offset: number): Column | undefined {
    if (compatible(column.kind, field.kind)) return column
    if (!this.#coerce) {
      if (!this.#tally.has('wrong_kind', field.name)) {
        const t = this.#tally.add('wrong_kind', field.name, undefined)
        t.details = { actual: column.kind, expected: field.kind }
      }
      return undefined
    }
    const cast = coerceColumn(column, field.kind)
    if (cast.ok) return cast.column
    const rows = cast.rows.map((r) => offset + r)
    const t = this.#tally.addBatch('wrong_kind', field.name, rows, cast.count, cast.examples)
    t.details = { actual: column.kind, expected: field.kind }
    return undefined
  }

  #checkColumn(field: ContractField, column: Column, offset: number): void {
    const state = this.#state.get(field.name)!
    const tally = this.#tally
    const name = field.name
    const n = columnLength(column)
    const notNullable = field.nullable === false
    const noteMissing = (i: number): void => {
      state.missing++
      if (state.missingRows.length < this.#sample) state.missingRows.push(offset + i)
      if (notNullable) tally.add('null_not_allowed', name, offset + i)
    }
    if (column.kind === 'numeric' || column.kind === 'boolean' || column.kind === 'timestamp') {
      const { min, max } = this.#bounds.get(name)!
      const finiteOnly = !field.allowInfinite
      const values = column.values
      for (let i = 0; i < n; i++) {
        const x = values[i]!
        if (x !== x) {
          noteMissing(i)
          continue
        }
        if (finiteOnly && (x === Infinity || x === -Infinity)) {
          tally.add('not_finite', name, offset + i, String(x))
        } else if ((min !== undefined && x < min) || (max !== undefined && x > max)) {
          tally.add('out_of_range', name, offset + i)
          if (x < state.lowest) state.lowest = x
          if (x > state.highest) state.highest = x
        }
        if (state.seen) this.#unique(state.seen, x === 0 ? 0 : x, name, offset + i, column.kind)
      }
      return
    }
    const allowed = field.categories ? new Set(field.categories) : null
    if (column.kind === 'categorical') {
      const ok = allowed ? column.dictionary.map((d) => allowed.has(d)) : null
      for (let i = 0; i < n; i++) {
        const c = column.codes[i]!
        if (c < 0) {
          noteMissing(i)
          continue
        }
        if (ok && !ok[c]) tally.add('not_allowed_category', name, offset + i, column.dictionary[c])
        if (state.seen)
          this.#unique(state.seen, column.dictionary[c]!, name, offset + i, 'categorical')
      }
      return
    }
    if (column.kind !== 'text') return
    for (let i = 0; i < n; i++) {
      const v = column.values[i]
      if (v === null || v === undefined) {
        noteMissing(i)
        continue
      }
      if (allowed && !allowed.has(v)) tally.add('not_allowed_category', name, offset + i, v)
      if (state.seen) this.#unique(state.seen, v, name, offset + i, 'text')
    }
  }

  #unique(
    seen: Set<string | number>,
    v: string | number,
    name: string,
    row: number,
    kind: ColumnKind,
  ): void {
    if (!seen.has(v)) {
      seen.add(v)
      return
    }
    const shown =
      typeof v === 'number' && kind === 'timestamp' ? new Date(v).toISOString() : String(v)
    this.#tally.add('duplicate_id', name, row, shown)
  }

  #customChecks(frame: Frame, columns: ReadonlyMap<string, Column>, offset: number): void {
    const fieldChecks = this.#contract.fields.filter((f) => f.checks?.length && columns.has(f.name))
    const rowChecks = this.#contract.checks ?? []
    if (fieldChecks.length === 0 && rowChecks.length === 0) return
    const tally = this.#tally
    for (let i = 0; i < frame.numRows; i++) {
      // Custom checks see the row with contract fields in their declared kinds.
      const row: Record<string, Cell> = { ...frame.row(i) }
      for (const [name, c] of columns) row[name] = cellAt(c, i)
      for (const field of fieldChecks) {
        const value = row[field.name]
        if (value === null || value === undefined) continue
        for (const { name, check } of field.checks!) {
          const verdict = runCheck(() => check(value, row))
          if (verdict !== true) tally.add('check_failed', field.name, offset + i, verdict, name)
        }
      }
      for (const { name, check } of rowChecks) {
        const verdict = runCheck(() => check(row as Row))
        if (verdict !== true) tally.add('check_failed', null, offset + i, verdict, name)
      }
    }
  }

  /** Everything found so far, as data. */
  result(): ValidationResult {
    const rows = this.#rows
    const tally = this.#tally
    for (const field of this.#contract.fields) {
      const state = this.#state.get(field.name)!
      if (field.maxNullRate !== undefined && rows > 0 && state.missing / rows > field.maxNullRate) {
        const t = tally.add('too_many_nulls', field.name, undefined)
        t.rows.push(...state.missingRows)
        t.count = state.missing
        t.details = { rate: state.missing / rows, maxNullRate: field.maxNullRate }
      }
      if (state.lowest <= state.highest) {
        tally.detail('out_of_range', field.name, { lowest: state.lowest, highest: state.highest })
      }
    }
    const kinds = new Map(this.#contract.fields.map((f) => [f.name, f]))
    const issues = tally.issues((t) =>
      describe(t, kinds.get(t.column ?? ''), this.#bounds.get(t.column ?? '')),
    )
    const summary = summarize(rows, issues)
    return { ok: issues.length === 0, summary, issues }
  }
}

/** Run a custom check: `true` passes; `false`, a message or a throw fails with a reason. */
const runCheck = (fn: () => boolean | string): true | string => {
  try {
    const v = fn()
    return v === true ? true : typeof v === 'string' ? v : 'returned false'
  } catch (e) {
    return `threw: ${e instanceof Error ? e.message : String(e)}`
  }
}

const showValue = (field: ContractField | undefined, v: number | undefined): string =>
  v === undefined ? '…' : field?.kind === 'timestamp' ? new Date(v).toISOString() : String(v)

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

const describe = (
  t: {
    readonly code: ContractIssueCode
    readonly column: string | null
    readonly check: string | undefined
    readonly count: number
    readonly details: Record<string, unknown>
    readonly examples: ReadonlyMap<string, number>
    readonly rows: readonly number[]
  },
  field: ContractField | undefined,
  bounds: { min: number | undefined; max: number | undefined } | undefined,
): string => {
  const col = `column "${t.column}"`
  switch (t.code) {
    case 'missing_column':
      return `missing column "${t.column}"`
    case 'unexpected_column':
      return `${col} is not in the contract`
    case 'wrong_kind':
      return t.examples.size > 0
        ? coercionMessage(t.column!, field!.kind, {
            count: t.count,
            rows: t.rows,
            examples: [...t.examples.keys()],
          })
        : `${col} is ${String(t.details['actual'])}, the contract says ${String(t.details['expected'])}`
    case 'not_finite':
      return `${col}: ${plural(t.count, 'infinite value')}`
    case 'out_of_range':
      return (
        `${col}: ${plural(t.count, 'value')} outside [${showValue(field, bounds?.min)}, ${showValue(field, bounds?.max)}]` +
        ` (lowest ${showValue(field, t.details['lowest'] as number)}, highest ${showValue(field, t.details['highest'] as number)})`
      )
    case 'not_allowed_category':
      return `${col}: ${plural(t.count, 'value')} not in the allowed categories (${formatExamples(t.examples)})`
    case 'null_not_allowed':
      return `${col}: ${plural(t.count, 'missing value')}, but the field is not nullable`
    case 'too_many_nulls':
      return `${col}: ${(100 * (t.details['rate'] as number)).toFixed(1)}% missing, above the allowed ${(100 * (field?.maxNullRate ?? 0)).toFixed(1)}%`
    case 'duplicate_id':
      return `${col}: ${plural(t.count, 'duplicate value')} (${formatExamples(t.examples)})`
    case 'check_failed': {
      const where = t.column === null ? '' : ` on ${col}`
      return `check "${t.check}"${where} failed on ${plural(t.count, 'row')}: ${[...t.examples.keys()].slice(0, 2).join('; ')}`
    }
  }
}

/** Check a whole frame against `contract` (see {@link FrameValidator}). */
export const validateFrame = (
  frame: Frame,
  contract: SchemaContract,
  options?: FrameValidatorOptions,
): ValidationResult => {
  const v = new FrameValidator(contract, options)
  v.push(frame)
  return v.result()
}
