import { KeelError, type Issue } from '../errors/index.js'
import {
  booleanColumn,
  categoricalColumn,
  numericColumn,
  textColumn,
  timestampColumn,
  type Column,
  type ColumnKind,
} from '../frame/index.js'
import { Frame } from '../frame/index.js'
import { looksLikeEpochMs } from '../schema/index.js'
import { categoryIndex, encodeOverCategories } from './category-index.js'

/**
 * One raw input field a bundle accepts, pinned at training time. This is what every prediction
 * boundary (library, CLI, batch, HTTP) checks requests against.
 */
export interface InputField {
  readonly name: string
  readonly kind: ColumnKind
  /** Missing values allowed (the pipeline or model handles them). */
  readonly nullable: boolean
  /** Categories seen in training (categorical fields); others are accepted as "unseen". */
  readonly categories?: readonly string[]
  /** Observed training range, for data-quality monitoring (not enforced at predict time). */
  readonly range?: readonly [number, number]
}

/** Limits on what one prediction call may carry. */
export interface InputLimits {
  readonly maxRows: number
  readonly maxFields: number
  readonly maxStringLength: number
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxRows: 10_000,
  maxFields: 1_000,
  maxStringLength: 10_000,
}

/** The result of checking raw rows: a Frame in the pinned kinds, or issues (never both). */
export type InputCheck =
  { ok: true; frame: Frame; warnings: Issue[] } | { ok: false; issues: Issue[] }

const issue = (
  code: string,
  path: (string | number)[],
  message: string,
  details?: Record<string, unknown>,
): Issue => (details ? { code, path, message, details } : { code, path, message })

/**
 * Turn JSON rows into a Frame following `fields`.
 *
 * Contract (the same at every boundary, tested): a missing field, `null` or `undefined` is a missing
 * value (an issue if the field is not nullable); a value of the wrong type, `NaN` or `±Infinity` is an
 * issue naming the row and field; extra fields are ignored and reported as warnings; field order does
 * not matter; an unseen category is accepted (the model's documented rule applies) and reported as a
 * warning. Issues are capped at 100 so a huge bad request gets a bounded answer.
 */
export const checkInputRows = (
  rows: unknown,
  fields: readonly InputField[],
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): InputCheck => {
  if (!Array.isArray(rows))
    return { ok: false, issues: [issue('invalid_type', [], 'rows must be an array of objects')] }
  if (rows.length === 0)
    return { ok: false, issues: [issue('too_small', [], 'at least one row is required')] }
  if (rows.length > limits.maxRows) {
    return {
      ok: false,
      issues: [issue('too_big', [], `at most ${limits.maxRows} rows per call, got ${rows.length}`)],
    }
  }
  const issues: Issue[] = []
  const warnings: Issue[] = []
  const known = fieldNames(fields)
  const seenExtra = new Set<string>()
  const raw: unknown[][] = fields.map(() => new Array<unknown>(rows.length))
  const full = (): boolean => issues.length >= 100
  for (let r = 0; r < rows.length && !full(); r++) {
    const row: unknown = rows[r]
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      issues.push(issue('invalid_type', [r], 'each row must be an object'))
      continue
    }
    const keys = Object.keys(row)
    if (keys.length > limits.maxFields) {
      issues.push(
        issue(
          'too_big',
          [r],
          `a row may have at most ${limits.maxFields} fields, got ${keys.length}`,
        ),
      )
      continue
    }
    for (const k of keys) {
      if (!known.has(k) && !seenExtra.has(k) && seenExtra.size < 20) {
        seenExtra.add(k)
        warnings.push(
          issue(
            'unknown_field',
            [r, k],
            `field "${k}" is not an input of this model and is ignored`,
          ),
        )
      }
    }
    for (let f = 0; f < fields.length && !full(); f++) {
      const field = fields[f]!
      const v = (row as Record<string, unknown>)[field.name]
      if (v === null || v === undefined) {
        if (!field.nullable)
          issues.push(issue('missing_value', [r, field.name], `"${field.name}" is required`))
        raw[f]![r] = null
        continue
      }
      const bad = checkCell(v, field, limits)
      if (bad) {
        issues.push(
          issue('invalid_type', [r, field.name], bad, {
            value: typeof v === 'string' ? v.slice(0, 100) : v,
          }),
        )
        continue
      }
      raw[f]![r] = v
    }
  }
  if (issues.length > 0) return { ok: false, issues }
  const cols: Record<string, Column> = {}
  fields.forEach((field, f) => {
    const values = raw[f]!
    cols[field.name] = toColumn(field, values)
    if (field.kind === 'categorical' && field.categories) {
      const cats = categoryIndex(field.categories).codes
      for (let r = 0; r < values.length && warnings.length < 100; r++) {
        const v = values[r]
        if (typeof v === 'string' && !cats.has(v)) {
          warnings.push(
            issue(
              'unseen_category',
              [r, field.name],
              `"${v}" was not seen in training for "${field.name}"`,
            ),
          )
        }
      }
    }
  })
  return { ok: true, frame: Frame.fromColumns(cols), warnings }
}

const checkCell = (v: unknown, field: InputField, limits: InputLimits): string | undefined => {
  switch (field.kind) {
    case 'numeric':
      if (typeof v !== 'number') return `"${field.name}" must be a number`
      if (!Number.isFinite(v)) return `"${field.name}" must be finite`
      return undefined
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `"${field.name}" must be true or false`
    case 'timestamp':
      if (typeof v === 'number')
        return looksLikeEpochMs(v)
          ? undefined
          : `"${field.name}" is a timestamp: ${v} is not epoch milliseconds (a year or epoch seconds?); send an ISO-8601 date-time`
      if (typeof v === 'string' && v.length <= 64 && !Number.isNaN(Date.parse(v))) return undefined
      return `"${field.name}" must be an ISO-8601 date-time or epoch milliseconds`
    case 'categorical':
    case 'text':
      if (typeof v !== 'string') return `"${field.name}" must be a string`
      if (v.length > limits.maxStringLength)
        return `"${field.name}" is longer than ${limits.maxStringLength} characters`
      return undefined
  }
}

const toColumn = (field: InputField, values: unknown[]): Column => {
  switch (field.kind) {
    case 'numeric':
      return numericColumn(values as (number | null)[])
    case 'boolean':
      return booleanColumn(values as (boolean | null)[])
    case 'timestamp':
      return timestampColumn(
        values.map((v) => (typeof v === 'string' ? Date.parse(v) : (v as number | null))),
      )
    case 'categorical':
      // Keep the training dictionary first so codes line up with the fitted model (fast path).
      return field.categories
        ? encodeOverCategories(values, field.categories)
        : categoricalColumn(values as (string | null)[])
    case 'text':
      return textColumn(values as (string | null)[])
  }
}

// Pinned inputs are never mutated, so the name set is built once per field list.
const namesOf = new WeakMap<readonly InputField[], ReadonlySet<string>>()
const fieldNames = (fields: readonly InputField[]): ReadonlySet<string> => {
  let names = namesOf.get(fields)
  if (!names) {
    names = new Set(fields.map((f) => f.name))
    namesOf.set(fields, names)
  }
  return names
}

/** Input fields pinned from a training frame (categories and ranges observed). */
export const pinInputFields = (frame: Frame, names: readonly string[]): InputField[] =>
  names.map((name) => {
    const c = frame.column(name)
    let nullable = false
    if (c.kind === 'categorical') {
      for (let i = 0; i < c.codes.length && !nullable; i++) nullable = c.codes[i]! < 0
      return { name, kind: c.kind, nullable, categories: c.dictionary }
    }
    if (c.kind === 'text') return { name, kind: c.kind, nullable: c.values.some((v) => v === null) }
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i]!
      if (Number.isNaN(v)) nullable = true
      else {
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    }
    return lo <= hi
      ? { name, kind: c.kind, nullable, range: [lo, hi] as const }
      : { name, kind: c.kind, nullable }
  })

/** Throwing variant of {@link checkInputRows} for library callers. */
export const inputRowsToFrame = (
  rows: unknown,
  fields: readonly InputField[],
  limits?: InputLimits,
): Frame => {
  const r = checkInputRows(rows, fields, limits)
  if (!r.ok) {
    throw new KeelError(
      'VALIDATION_FAILED',
      `${r.issues.length} input problem(s): ${r.issues[0]!.message}`,
      {
        issues: r.issues,
      },
    )
  }
  return r.frame
}
