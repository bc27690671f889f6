import { KeelError, type Issue } from '../../errors/index.js'
import type { Column, ColumnKind, Frame } from '../../frame/index.js'
import type { TransformerColumn } from '../protocol.js'

const family = (k: ColumnKind): 'number' | 'string' =>
  k === 'categorical' || k === 'text' ? 'string' : 'number'

/**
 * True when a column of kind `actual` can stand in for an input pinned as `pinned`. Kinds are
 * compatible within their storage family: numeric, boolean and timestamp columns all hold numbers
 * (a request built from JSON gives epoch milliseconds as plain numbers), and categorical and text
 * columns both hold strings (JSON strings arrive as categoricals). Crossing families — text where
 * a number was pinned — is never coerced.
 */
export const compatibleKind = (pinned: ColumnKind, actual: ColumnKind): boolean =>
  family(pinned) === family(actual)

/**
 * Pin every column of `frame` as an input of `kind`, which accepts the column kinds in `accepts`.
 * A column of another kind is a `SCHEMA_MISMATCH` error naming every offending column.
 */
export const pinInputs = (
  kind: string,
  frame: Frame,
  accepts: readonly ColumnKind[],
): { inputs: TransformerColumn[]; columns: Column[] } => {
  if (frame.numColumns === 0) {
    throw new KeelError('INVALID_DATA', `${kind}: the frame has no columns to fit on`)
  }
  if (frame.numRows === 0) {
    throw new KeelError('INVALID_DATA', `${kind}: the frame has no rows to fit on`)
  }
  const issues: Issue[] = []
  const inputs: TransformerColumn[] = []
  const columns: Column[] = []
  for (const [name, c] of frame.entries()) {
    if (!accepts.includes(c.kind)) {
      issues.push({
        code: 'wrong_kind',
        path: [name],
        message: `${kind} cannot use ${c.kind} column "${name}" (accepts ${accepts.join(', ')})`,
        details: { kind: c.kind, accepts },
      })
      continue
    }
    inputs.push({ name, kind: c.kind })
    columns.push(c)
  }
  if (issues.length > 0) {
    throw new KeelError('SCHEMA_MISMATCH', issues.map((i) => i.message).join('; '), { issues })
  }
  return { inputs, columns }
}

/**
 * The columns of `frame` for the pinned `inputs`, matched by name. Every missing column and every
 * incompatible kind is collected into one `SCHEMA_MISMATCH` error, so a caller sees all problems
 * of a request at once.
 */
export const readInputs = (
  kind: string,
  frame: Frame,
  inputs: readonly TransformerColumn[],
): Column[] => {
  const issues: Issue[] = []
  const out: Column[] = []
  for (const spec of inputs) {
    if (!frame.has(spec.name)) {
      issues.push({
        code: 'missing_column',
        path: [spec.name],
        message: `${kind}: missing input column "${spec.name}"`,
      })
      continue
    }
    const c = frame.column(spec.name)
    if (!compatibleKind(spec.kind, c.kind)) {
      issues.push({
        code: 'wrong_kind',
        path: [spec.name],
        message: `${kind}: column "${spec.name}" must be ${spec.kind}, got ${c.kind}`,
        details: { expected: spec.kind, actual: c.kind },
      })
      continue
    }
    out.push(c)
  }
  if (issues.length > 0) {
    throw new KeelError('SCHEMA_MISMATCH', issues.map((i) => i.message).join('; '), { issues })
  }
  return out
}

/** The numbers of a numeric-family column (callers have checked the kind). */
export const numbersOf = (c: Column, name: string): Float64Array => {
  if (c.kind === 'categorical' || c.kind === 'text') {
    throw new KeelError('SCHEMA_MISMATCH', `column "${name}" is ${c.kind}, not numeric`, {
      path: [name],
    })
  }
  return c.values
}

/**
 * Throw `INVALID_DATA` at the first ±Infinity in `values`. Missing values (NaN) are the frame's
 * own representation and are handled by each step's missing-value policy instead.
 */
export const assertNoInfinity = (kind: string, name: string, values: Float64Array): void => {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v === Infinity || v === -Infinity) {
      throw new KeelError(
        'INVALID_DATA',
        `${kind}: column "${name}" row ${i} is ${v}; impute or clip non-finite values first`,
        { path: [name, i], details: { value: String(v) } },
      )
    }
  }
}

/** Throw `INVALID_DATA` at the first missing value, for steps whose policy forbids them. */
export const assertNoMissing = (kind: string, name: string, values: Float64Array): void => {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]!)) {
      throw new KeelError(
        'INVALID_DATA',
        `${kind}: column "${name}" row ${i} is missing and the step's policy is missing: 'error'`,
        { path: [name, i] },
      )
    }
  }
}
