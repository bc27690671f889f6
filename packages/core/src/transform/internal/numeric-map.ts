import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { Column, NumericColumn } from '../../frame/index.js'
import type { TransformerColumn } from '../protocol.js'

/**
 * What a numeric step does with a missing input value: `keep` leaves it missing in the output (the
 * frame's own representation; gradient-boosted trees route it natively), `error` refuses the frame
 * with `INVALID_DATA` naming the first missing cell. A missing value is never turned into a number
 * by a scaler — that is the imputer's job, where it is explicit.
 */
export const missingPolicy = z.enum(['keep', 'error']).default('keep')

/** The parsed {@link missingPolicy}. */
export type MissingPolicy = z.output<typeof missingPolicy>

/**
 * Apply `f(j, x)` to every present value of every input column `j`, into new numeric columns of
 * kind `numeric`. ±Infinity inputs and non-finite results (log of a negative number, say) are
 * `INVALID_DATA` errors with the row, never a NaN slipped into the output; missing inputs follow
 * `missing`.
 */
export const mapNumeric = (
  kind: string,
  inputs: readonly TransformerColumn[],
  columns: readonly Column[],
  missing: MissingPolicy,
  f: (j: number, x: number) => number,
): NumericColumn[] =>
  columns.map((c, j) => {
    const name = inputs[j]!.name
    if (c.kind === 'categorical' || c.kind === 'text') {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        `${kind}: column "${name}" is ${c.kind}, not numeric`,
        {
          path: [name],
        },
      )
    }
    const values = c.values
    const out = new Float64Array(values.length)
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!
      if (Number.isNaN(x)) {
        if (missing === 'error') {
          throw new KeelError(
            'INVALID_DATA',
            `${kind}: column "${name}" row ${i} is missing (missing: 'error'); impute it first`,
            { path: [name, i] },
          )
        }
        out[i] = NaN
        continue
      }
      const y = f(j, x)
      if (!Number.isFinite(y)) badValue(kind, name, i, x, y)
      out[i] = y
    }
    return Object.freeze({ kind: 'numeric', values: out }) as NumericColumn
  })

const badValue = (kind: string, name: string, i: number, x: number, y: number): never => {
  const why = Number.isFinite(x)
    ? `is outside the domain of this step (gives ${y})`
    : 'is not finite; impute or clip it first'
  throw new KeelError('INVALID_DATA', `${kind}: column "${name}" row ${i} = ${x} ${why}`, {
    path: [name, i],
    details: { value: String(x) },
  })
}

/** Output specs for a one-to-one numeric step: same names, numeric kind. */
export const sameNamesNumeric = (inputs: readonly TransformerColumn[]): TransformerColumn[] =>
  inputs.map((c) => ({ name: c.name, kind: 'numeric' }))

/** Fit-time guard: a column with no present value has no statistic. */
export const noPresentValues = (kind: string, name: string): never => {
  throw new KeelError(
    'INVALID_DATA',
    `${kind}: column "${name}" has no present value in the training rows`,
    { path: [name], hint: 'impute it first (imputer with empty: "fill") or drop it' },
  )
}

/**
 * Check a numeric column against a step's policies without transforming it: ±Infinity is
 * `INVALID_DATA`, and so is a missing value when `missing` is `error`.
 */
export const checkNumeric = (
  kind: string,
  name: string,
  values: Float64Array,
  missing: MissingPolicy,
): void => {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!
    if (x === Infinity || x === -Infinity) {
      throw new KeelError(
        'INVALID_DATA',
        `${kind}: column "${name}" row ${i} is ${x}; impute or clip it first`,
        {
          path: [name, i],
          details: { value: String(x) },
        },
      )
    }
    if (missing === 'error' && Number.isNaN(x)) {
      throw new KeelError(
        'INVALID_DATA',
        `${kind}: column "${name}" row ${i} is missing (missing: 'error'); impute it first`,
        { path: [name, i] },
      )
    }
  }
}
