import { resolveBound, type Frame, type SchemaContract, type ValidationResult } from '@keel/core'

/** Issue codes that concern single rows (as opposed to whole columns or the dataset). */
export const ROW_LEVEL_CODES: ReadonlySet<string> = new Set([
  'not_finite',
  'out_of_range',
  'not_allowed_category',
  'null_not_allowed',
  'check_failed',
])

/** True when every issue of `v` concerns single rows, so dropping those rows would fix the data. */
export const onlyRowIssues = (v: ValidationResult): boolean =>
  v.issues.every((i) => ROW_LEVEL_CODES.has(i.code))

/**
 * A mask of the rows that break a row-level constraint of the contract (range, finiteness, allowed
 * categories, nullability, custom field and row checks). Used by the `drop` violation policy.
 */
export const violatingRows = (frame: Frame, contract: SchemaContract): Uint8Array => {
  const n = frame.numRows
  const bad = new Uint8Array(n)
  for (const field of contract.fields) {
    if (!frame.has(field.name)) continue
    const c = frame.column(field.name)
    const nullable = field.nullable !== false
    if (c.kind === 'numeric' || c.kind === 'boolean' || c.kind === 'timestamp') {
      const lo = resolveBound(field.name, field.range?.min) ?? -Infinity
      const hi = resolveBound(field.name, field.range?.max) ?? Infinity
      const v = c.values
      for (let i = 0; i < n; i++) {
        const x = v[i]!
        if (Number.isNaN(x)) {
          if (!nullable) bad[i] = 1
        } else if (x < lo || x > hi || (!Number.isFinite(x) && !field.allowInfinite)) bad[i] = 1
      }
    } else if (c.kind === 'categorical') {
      const allowed = field.categories ? new Set(field.categories) : undefined
      const okCode = c.dictionary.map((d) => !allowed || allowed.has(d))
      for (let i = 0; i < n; i++) {
        const k = c.codes[i]!
        if (k < 0 ? !nullable : !okCode[k]) bad[i] = 1
      }
    } else {
      const allowed = field.categories ? new Set(field.categories) : undefined
      for (let i = 0; i < n; i++) {
        const s = c.values[i]
        if (
          s === null || s === undefined
            ? !nullable
            : allowed !== undefined && !allowed.has(String(s))
        )
          bad[i] = 1
      }
    }
    if (field.checks && field.checks.length > 0) {
      for (let i = 0; i < n; i++) {
        if (bad[i]) continue
        const row = frame.row(i)
        const value = row[field.name]
        if (value === null || value === undefined) continue
        if (field.checks.some((chk) => chk.check(value, row) !== true)) bad[i] = 1
      }
    }
  }
  if (contract.checks && contract.checks.length > 0) {
    for (let i = 0; i < n; i++) {
      if (bad[i]) continue
      const row = frame.row(i)
      if (contract.checks.some((chk) => chk.check(row) !== true)) bad[i] = 1
    }
  }
  return bad
}
