/**
 * Numbers for people, written once for every report, the CLI and the dashboard to come. Two
 * styles: the table style (`fmtNumber`, `fmtPercent`) keeps a fixed number of digits so columns
 * line up; the compact style (`fmtCompact`, `fmtCompactPercent`) drops trailing zeros for running
 * text such as alert messages. A missing value (null, undefined, NaN) is always `—`, never `NaN`.
 */

type MaybeNumber = number | null | undefined

const isMissing = (v: MaybeNumber): v is null | undefined =>
  v === null || v === undefined || Number.isNaN(v)

/** Tiny and huge magnitudes read better in exponent form than as a row of zeros. */
const needsExponent = (v: number): boolean => v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)

/**
 * A number for tables: `digits` significant digits with trailing zeros kept, integers grouped by
 * thousands, exponent form for tiny or huge values, `—` when missing or infinite.
 *
 * @example
 * fmtNumber(0.123456) // '0.1235'
 * fmtNumber(1234) // '1,234'
 */
export const fmtNumber = (v: MaybeNumber, digits = 4): string => {
  if (isMissing(v) || !Number.isFinite(v)) return '—'
  if (v === 0) return '0'
  if (needsExponent(v)) return v.toExponential(2)
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  return v.toFixed(Math.max(0, digits - Math.max(0, Math.floor(Math.log10(Math.abs(v))) + 1)))
}

/**
 * A number for running text: at most `decimals` decimals with trailing zeros dropped, exponent
 * form for tiny or huge values, `∞` for an unbounded ratio or effect.
 *
 * @example
 * fmtCompact(0.25) // '0.25'
 * fmtCompact(1 / 3) // '0.333'
 */
export const fmtCompact = (v: MaybeNumber, decimals = 3): string => {
  if (isMissing(v)) return '—'
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞'
  if (needsExponent(v)) return v.toExponential(2)
  return String(+v.toFixed(decimals))
}

/**
 * A number in at most `digits` significant digits with trailing zeros dropped, exponent form for
 * tiny or huge values: the short labels of chart axes.
 *
 * @example
 * fmtSignificant(0.30000000000000004) // '0.3'
 */
export const fmtSignificant = (v: number, digits = 3): string =>
  needsExponent(v) ? v.toExponential(1) : String(Number(v.toPrecision(digits)))

const percent = (v: MaybeNumber, digits: number, trim: boolean): string => {
  if (isMissing(v) || !Number.isFinite(v)) return '—'
  const fixed = (v * 100).toFixed(digits)
  return `${trim ? +fixed : fixed}%`
}

/** A share as a percentage with `digits` decimals kept (`50.0%`), for tables. */
export const fmtPercent = (v: MaybeNumber, digits = 1): string => percent(v, digits, false)

/** A share as a percentage with trailing zeros dropped (`50%`, `12.5%`), for running text. */
export const fmtCompactPercent = (v: MaybeNumber, digits = 1): string => percent(v, digits, true)

/**
 * `[lower, upper]` written with `format` (the table style by default), or nothing when either
 * bound is missing.
 */
export const fmtInterval = (
  lower: MaybeNumber,
  upper: MaybeNumber,
  format: (v: number) => string = fmtNumber,
): string =>
  lower === null || lower === undefined || upper === null || upper === undefined
    ? ''
    : `[${format(lower)}, ${format(upper)}]`

/** A p-value: `< 0.001` below that, else three decimals. */
export const fmtP = (p: MaybeNumber): string =>
  isMissing(p) || !Number.isFinite(p) ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3)

/** An epoch-milliseconds time as an ISO date (UTC). */
export const fmtDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

const DURATION_UNITS: readonly (readonly [number, string])[] = [
  [7 * 86_400_000, 'w'],
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
]

/** A duration in the largest unit it fills (`1.5h`, `7d`, `250ms`), `—` when missing. */
export const fmtDuration = (ms: MaybeNumber): string => {
  if (isMissing(ms) || !Number.isFinite(ms)) return '—'
  for (const [size, unit] of DURATION_UNITS)
    if (Math.abs(ms) >= size) return `${+(ms / size).toFixed(1)}${unit}`
  return `${Math.round(ms)}ms`
}
