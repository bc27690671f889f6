/**
 * The random rows the transformer conformance suite fits and transforms: one column of each kind a
 * transformer may read (numeric with missing values, positive numeric, integer, categorical with
 * missing values and non-ASCII labels, text, timestamp) and a binary target `y`.
 */
import { fc } from '@fast-check/vitest'
import { Frame, type ColumnKind } from '../../frame/index.js'

/** The columns of a conformance row and their kinds; a case names the ones its transformer reads. */
export const CONFORMANCE_COLUMNS: Readonly<Record<string, ColumnKind>> = Object.freeze({
  num: 'numeric',
  pos: 'numeric',
  int: 'numeric',
  cat: 'categorical',
  cat2: 'categorical',
  txt: 'text',
  ts: 'timestamp',
})

/** One random row: the feature columns of {@link CONFORMANCE_COLUMNS} and a 0/1 target `y`. */
export const conformanceRow = fc.record({
  num: fc.option(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { nil: null, freq: 6 }),
  pos: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
  int: fc.integer({ min: 0, max: 600 }),
  cat: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'é', '東京'), { nil: null, freq: 8 }),
  cat2: fc.constantFrom('x', 'y', 'z'),
  txt: fc.option(
    fc
      .array(fc.constantFrom('the', 'fox', 'Dog', 'café', 'x', 'jumps', 'ünïcode'), {
        maxLength: 6,
      })
      .map((w) => w.join(' ')),
    { nil: null, freq: 8 },
  ),
  ts: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null, freq: 8 }),
  y: fc.constantFrom(0, 1),
})

/** A row drawn by {@link conformanceRow}. */
export type ConformanceRow = typeof conformanceRow extends fc.Arbitrary<infer R> ? R : never

/** Rows where every column has at least two distinct present values and some real text. */
export const conformanceRows = fc
  .array(conformanceRow, { minLength: 8, maxLength: 30 })
  .filter(
    (rs) =>
      (['num', 'cat', 'ts'] as const).every(
        (k) => new Set(rs.map((r) => r[k]).filter((v) => v !== null)).size >= 2,
      ) && rs.some((r) => (r.txt ?? '').length > 2),
  )

/** The feature columns of `rs` as a frame (dictionaries hold only the categories of these rows). */
export const conformanceFrame = (rs: readonly ConformanceRow[]): Frame =>
  Frame.fromRows(
    rs.map(({ y: _y, ...r }) => r),
    CONFORMANCE_COLUMNS,
  )

/** The target of `rs`. */
export const conformanceTarget = (rs: readonly ConformanceRow[]): Float64Array =>
  Float64Array.from(rs, (r) => r.y)
