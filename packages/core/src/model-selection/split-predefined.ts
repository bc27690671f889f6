import { KeelError } from '../errors/index.js'
import { cellAt, columnLength, type Column } from '../frame/index.js'
import { SPLIT_NAMES } from './split-spec.js'

/**
 * The part each row belongs to, read from a column that says so (scikit-learn's `PredefinedSplit`,
 * with names instead of fold numbers): `train`, `validation` or `test`, case and surrounding spaces
 * ignored. A missing or other value cannot be placed: it is an `INVALID_DATA` error naming the rows
 * and the values, and nothing is assigned.
 */
export const assignPredefined = (column: Column, name: string): Uint8Array => {
  const n = columnLength(column)
  const out = new Uint8Array(n)
  const code = new Map<string, number>(SPLIT_NAMES.map((s, i) => [s, i]))
  const badRows: number[] = []
  const badValues = new Set<string>()
  let bad = 0
  for (let i = 0; i < n; i++) {
    const v = cellAt(column, i)
    const c = v === null ? undefined : code.get(String(v).trim().toLowerCase())
    if (c === undefined) {
      bad++
      if (badRows.length < 5) badRows.push(i)
      if (badValues.size < 5) badValues.add(v === null ? '(missing)' : JSON.stringify(v))
      continue
    }
    out[i] = c
  }
  if (bad > 0) {
    throw new KeelError(
      'INVALID_DATA',
      `predefined split: ${bad} row(s) of "${name}" name no part (values ${[...badValues].join(', ')}; rows ${badRows.join(', ')})`,
      {
        path: [name],
        details: { rows: badRows, count: bad, values: [...badValues] },
        hint: `each value of "${name}" must be one of ${SPLIT_NAMES.join(', ')}`,
      },
    )
  }
  return out
}
