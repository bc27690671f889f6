/**
 * Test helpers for the transform suites: fixture columns to frames, and tolerant comparisons whose
 * tolerance every caller justifies.
 */
import { expect } from 'vitest'
import { Frame, numericColumn, type Column } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import type { TransformerFitOptions } from '../protocol.js'

/** Fit options with a fixed seed. */
export const opts = (extra: Partial<TransformerFitOptions> = {}): TransformerFitOptions => ({
  rng: createRng(7),
  ...extra,
})

/** A numeric frame from a row-major matrix (null = missing) with the given column names. */
export const matrixFrame = (
  rows: readonly (readonly (number | null)[])[],
  names: readonly string[],
): Frame =>
  Frame.fromColumns(
    Object.fromEntries(names.map((n, j) => [n, numericColumn(rows.map((r) => r[j] ?? null))])),
  )

/** The numeric columns of `f` as a row-major matrix (NaN stays NaN). */
export const toMatrix = (f: Frame): number[][] => {
  const cols = f.columnNames.map((n) => f.numeric(n))
  return Array.from({ length: f.numRows }, (_, i) => cols.map((c) => c[i]!))
}

/**
 * Assert `actual ≈ expected` elementwise: |a − e| ≤ atol + rtol·|e|; null in `expected` means a
 * missing value (NaN) in `actual`.
 */
export const expectClose = (
  actual: readonly (readonly number[])[] | readonly number[],
  expected: readonly unknown[],
  rtol: number,
  atol = 0,
  where = '',
): void => {
  expect(actual.length, `${where} length`).toBe(expected.length)
  actual.forEach((a, i) => {
    const e = expected[i]
    if (Array.isArray(a)) {
      expectClose(a as number[], e as unknown[], rtol, atol, `${where}[${i}]`)
      return
    }
    const x = a as number
    if (e === null) {
      expect(Number.isNaN(x), `${where}[${i}] should be missing, got ${x}`).toBe(true)
      return
    }
    const y = e as number
    const ok = Math.abs(x - y) <= atol + rtol * Math.abs(y)
    expect(ok, `${where}[${i}]: got ${x}, expected ${y}`).toBe(true)
  })
}

/** Column values as plain data (numbers with NaN, or strings with null), for exact comparisons. */
export const columnData = (c: Column): unknown[] =>
  c.kind === 'categorical'
    ? Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]))
    : c.kind === 'text'
      ? [...c.values]
      : Array.from(c.values)
