import { buildColumn, Frame, type Column, type InputField } from '@keel/core'
import type { PredictionEvent } from '../stores/events/index.js'

/** Why one logged cell could not be used as its pinned kind. */
export type CellProblem = 'missing_value' | 'invalid_type'

/** Logged inputs turned back into a Frame, with the cells that did not fit their pinned kind. */
export interface LoggedInputs {
  /** One column per pinned input; cells that broke the schema are missing here. */
  readonly frame: Frame
  /** Per field: how many cells were absent or null. */
  readonly missing: ReadonlyMap<string, number>
  /** Per field and problem: how many cells broke the schema. */
  readonly problems: ReadonlyMap<string, Readonly<Record<CellProblem, number>>>
  /** Rows with at least one schema problem. */
  readonly rowsWithProblems: number
  /**
   * Fields logged that the bundle does not take, with how many rows carried them. The server logs
   * only declared inputs and counts the rest (`droppedFields`): such rows are counted under
   * {@link UNDECLARED_FIELDS}, since their names were never stored.
   */
  readonly unknownFields: ReadonlyMap<string, number>
  /**
   * Rows whose inputs were over the server's size bound and not logged (`inputsTruncated`): their
   * cells are missing in the frame but are not counted as missing values or schema violations.
   */
  readonly truncatedRows: number
}

/** The name under which rows whose undeclared fields the server dropped before logging are counted. */
export const UNDECLARED_FIELDS = '(fields the model does not take; not logged)'

const MAX_STRING = 10_000

/** The cell as its field's kind, `null` when missing, `undefined` when of the wrong type. */
const coerce = (v: unknown, field: InputField): number | string | boolean | null | undefined => {
  if (v === null || v === undefined) return null
  switch (field.kind) {
    case 'numeric':
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined
    case 'timestamp': {
      if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
      if (typeof v !== 'string' || v.length > 64) return undefined
      const t = Date.parse(v)
      return Number.isNaN(t) ? undefined : t
    }
    case 'categorical':
    case 'text':
      return typeof v === 'string' && v.length <= MAX_STRING ? v : undefined
  }
}

/**
 * Rebuild the model inputs of logged predictions with the same per-cell rules as the prediction
 * boundary (`checkInputRows`), but tolerantly: a bad cell becomes a missing value and is counted,
 * so one malformed row costs a quality finding instead of the whole window's drift statistics.
 */
export const loggedInputs = (
  events: readonly PredictionEvent[],
  fields: readonly InputField[],
): LoggedInputs => {
  const n = events.length
  const known = new Set(fields.map((f) => f.name))
  const unknownFields = new Map<string, number>()
  const cells = fields.map(() => new Array<number | string | boolean | null>(n))
  const missing = new Map(fields.map((f) => [f.name, 0]))
  const problems = new Map(
    fields.map((f) => [
      f.name,
      { missing_value: 0, invalid_type: 0 } as Record<CellProblem, number>,
    ]),
  )
  let rowsWithProblems = 0
  let truncatedRows = 0
  for (let r = 0; r < n; r++) {
    const event = events[r]!
    const inputs = event.inputs
    let bad = false
    for (const k of Object.keys(inputs)) {
      if (!known.has(k)) unknownFields.set(k, (unknownFields.get(k) ?? 0) + 1)
    }
    if ((event.droppedFields ?? 0) > 0) {
      unknownFields.set(UNDECLARED_FIELDS, (unknownFields.get(UNDECLARED_FIELDS) ?? 0) + 1)
    }
    if (event.inputsTruncated !== undefined) {
      truncatedRows++
      fields.forEach((_, f) => (cells[f]![r] = null))
      continue
    }
    fields.forEach((field, f) => {
      const c = coerce(inputs[field.name], field)
      if (c === null) {
        missing.set(field.name, missing.get(field.name)! + 1)
        if (!field.nullable) {
          problems.get(field.name)!.missing_value++
          bad = true
        }
      } else if (c === undefined) {
        problems.get(field.name)!.invalid_type++
        bad = true
      }
      cells[f]![r] = c ?? null
    })
    if (bad) rowsWithProblems++
  }
  const cols: Record<string, Column> = {}
  // Cells are already coerced to their kind (bad ones are null), so building cannot fail.
  fields.forEach((field, f) => (cols[field.name] = buildColumn(field.name, field.kind, cells[f]!)))
  return {
    frame: Frame.fromColumns(cols),
    missing,
    problems,
    rowsWithProblems,
    unknownFields,
    truncatedRows,
  }
}
