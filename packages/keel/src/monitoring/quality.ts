import type { InputField, RowCheck } from '@keel/core'
import type { CellProblem, LoggedInputs } from './input-frame.js'
import type { SeenCategories } from './seen-categories.js'

/** Data quality of one input field in one window. */
export interface FieldQuality {
  readonly field: string
  readonly missing: number
  /** Share of the window's rows where the field was absent or null. */
  readonly missingRate: number
  /** Cells of the wrong type (or non-finite numbers): schema violations. */
  readonly invalid: number
  /** Values outside the range observed in training (numeric and timestamp fields). */
  readonly outOfRange?: {
    readonly range: readonly [number, number]
    readonly below: number
    readonly above: number
    /**
     * Share of the field's non-missing values out of range. For timestamps only those before the
     * training range count: later ones are the passage of time, not a quality problem.
     */
    readonly rate: number
  }
  /** Categories that never occur in the training rows (categorical fields). */
  readonly unseen?: {
    readonly count: number
    /** Share of the field's non-missing values. */
    readonly rate: number
    /** The most frequent unseen values (at most 5). */
    readonly top: readonly { readonly value: string; readonly count: number }[]
  }
}

/** A declared cross-field check, evaluated on every row of a window. */
export interface CheckQuality {
  readonly name: string
  readonly failed: number
  /** Rows on which the check threw instead of answering. */
  readonly errors: number
  /** Failed share of the rows checked. */
  readonly rate: number
  /** A few failure messages, for the report. */
  readonly examples: readonly string[]
}

/** Data quality of one window against the bundle's pinned inputs. */
export interface QualityWindow {
  readonly window: number
  readonly rows: number
  /** Schema violations: required values missing and cells of the wrong type. */
  readonly schemaViolations: {
    readonly cells: number
    readonly rows: number
    /** Share of rows with at least one violation. */
    readonly rate: number
    readonly byCode: Readonly<Record<CellProblem, number>>
  }
  /** Logged fields the bundle does not take (at most 20), with how many rows carried them. */
  readonly unknownFields: readonly { readonly name: string; readonly rows: number }[]
  /** Rows whose inputs were over the server's logged-event size bound, so not monitored. */
  readonly truncatedRows: number
  readonly fields: readonly FieldQuality[]
  readonly checks: readonly CheckQuality[]
  /** Declared checks not run, and why. */
  readonly skippedChecks: readonly { readonly name: string; readonly reason: string }[]
}

const rate = (k: number, n: number): number => (n > 0 ? k / n : 0)

const rangeQuality = (
  values: Float64Array,
  range: readonly [number, number],
  countAbove: boolean,
): NonNullable<FieldQuality['outOfRange']> => {
  let below = 0
  let above = 0
  let seen = 0
  for (const v of values) {
    if (Number.isNaN(v)) continue
    seen++
    if (v < range[0]) below++
    else if (v > range[1]) above++
  }
  return { range, below, above, rate: rate(below + (countAbove ? above : 0), seen) }
}

const unseenQuality = (
  values: ArrayLike<string | null>,
  categories: readonly string[],
): NonNullable<FieldQuality['unseen']> => {
  const known = new Set(categories)
  const counts = new Map<string, number>()
  let seen = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined) continue
    seen++
    if (known.has(v)) continue
    count++
    counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 5)
    .map(([value, c]) => ({ value, count: c }))
  return { count, rate: rate(count, seen), top }
}

const runCheck = (check: RowCheck, inputs: LoggedInputs): CheckQuality => {
  const { frame } = inputs
  let failed = 0
  let errors = 0
  const examples: string[] = []
  for (let r = 0; r < frame.numRows; r++) {
    let verdict: boolean | string
    try {
      verdict = check.check(frame.row(r))
    } catch (e) {
      errors++
      if (examples.length < 3) examples.push(`row ${r}: threw ${(e as Error).message}`)
      continue
    }
    if (verdict === true) continue
    failed++
    if (examples.length < 3) examples.push(typeof verdict === 'string' ? verdict : `row ${r}`)
  }
  return { name: check.name, failed, errors, rate: rate(failed + errors, frame.numRows), examples }
}

/**
 * Data quality of one window of logged inputs: schema violations against the pinned kinds and
 * nullability, the missing rate per field, values outside the training range, categories not
 * among `seen` (the training rows' categories, {@link seenCategories}; without it, the input
 * schema's), and the project's declared cross-field checks (those whose columns are all model
 * inputs).
 */
export const windowQuality = (
  window: number,
  inputs: LoggedInputs,
  fields: readonly InputField[],
  checks: readonly RowCheck[] = [],
  seen?: SeenCategories,
): QualityWindow => {
  const rows = inputs.frame.numRows
  const byCode: Record<CellProblem, number> = { missing_value: 0, invalid_type: 0 }
  const fieldReports = fields.map((field): FieldQuality => {
    const p = inputs.problems.get(field.name)!
    byCode.missing_value += p.missing_value
    byCode.invalid_type += p.invalid_type
    const missing = inputs.missing.get(field.name)!
    const base = {
      field: field.name,
      missing,
      missingRate: rate(missing, rows),
      invalid: p.invalid_type,
    }
    if (rows === 0) return base
    if ((field.kind === 'numeric' || field.kind === 'timestamp') && field.range) {
      const values = inputs.frame.numeric(field.name)
      return {
        ...base,
        outOfRange: rangeQuality(values, field.range, field.kind !== 'timestamp'),
      }
    }
    const categories = seen ? seen.byField.get(field.name) : field.categories
    if (field.kind === 'categorical' && categories) {
      const col = inputs.frame.categorical(field.name)
      const values = Array.from(col.codes, (c) => (c < 0 ? null : col.dictionary[c]!))
      return { ...base, unseen: unseenQuality(values, categories) }
    }
    return base
  })
  const inputNames = new Set(fields.map((f) => f.name))
  const run: CheckQuality[] = []
  const skippedChecks: { name: string; reason: string }[] = []
  for (const check of checks) {
    const outside = (check.columns ?? []).filter((c) => !inputNames.has(c))
    if (outside.length > 0) {
      skippedChecks.push({
        name: check.name,
        reason: `reads ${outside.join(', ')}, which the model does not take as input`,
      })
    } else if (rows > 0) run.push(runCheck(check, inputs))
  }
  return {
    window,
    rows,
    schemaViolations: {
      cells: byCode.missing_value + byCode.invalid_type,
      rows: inputs.rowsWithProblems,
      rate: rate(inputs.rowsWithProblems, rows),
      byCode,
    },
    unknownFields: [...inputs.unknownFields.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 20)
      .map(([name, n]) => ({ name, rows: n })),
    truncatedRows: inputs.truncatedRows,
    fields: fieldReports,
    checks: run,
    skippedChecks,
  }
}
