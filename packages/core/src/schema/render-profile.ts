import type { FrameProfile } from './profile.js'
import type { ColumnProfile, NumericProfile } from './profile-columns.js'

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']

/** `1234567` → `1,234,567` without the locale (output must not depend on the machine). */
const grouped = (n: number): string => {
  const s = String(Math.abs(Math.round(n)))
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** A compact number: integers grouped, others to 4 significant digits. */
export const formatNumber = (x: number | null): string => {
  if (x === null) return '–'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞'
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return grouped(x)
  const a = Math.abs(x)
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return x.toExponential(3)
  return String(Number(x.toPrecision(4)))
}

/** An instant as `YYYY-MM-DD` when at midnight UTC, else `YYYY-MM-DD HH:MM[:SS]`. */
export const formatInstant = (ms: number | null): string => {
  if (ms === null) return '–'
  if (!Number.isFinite(ms)) return formatNumber(ms)
  const iso = new Date(ms).toISOString()
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10)
  return iso.endsWith(':00.000Z')
    ? iso.slice(0, 16).replace('T', ' ')
    : iso.slice(0, 19).replace('T', ' ')
}

const percent = (r: number): string =>
  r === 0 ? '0%' : r < 0.001 ? '<0.1%' : `${(100 * r).toFixed(r < 0.1 ? 1 : 0)}%`

/** A histogram as a one-line bar chart of block characters. */
export const sparkline = (counts: readonly number[]): string => {
  const max = Math.max(0, ...counts)
  if (max === 0) return ''
  return counts
    .map((c) => (c === 0 ? ' ' : BLOCKS[Math.min(7, Math.floor((c / max) * 7.999))]))
    .join('')
}

const valueOf = (p: NumericProfile, x: number | null): string =>
  p.kind === 'timestamp' ? formatInstant(x) : formatNumber(x)

const distinctText = (c: ColumnProfile): string =>
  (c.distinct.exact ? '' : '≈') + grouped(c.distinct.value)

const summaryOf = (c: ColumnProfile): string => {
  switch (c.kind) {
    case 'numeric':
      return `min ${valueOf(c, c.min)}  p50 ${valueOf(c, c.quantiles.p50)}  max ${valueOf(c, c.max)}  mean ${formatNumber(c.mean)}  std ${formatNumber(c.std)}`
    case 'timestamp':
      return `${valueOf(c, c.min)} … ${valueOf(c, c.max)}`
    case 'boolean':
      return `true ${c.trueRate === null ? '–' : percent(c.trueRate)}  (${grouped(c.trueCount)} true, ${grouped(c.falseCount)} false)`
    case 'categorical':
    case 'text': {
      const present = c.count - c.missing
      const top = c.top
        .slice(0, 3)
        .map(
          (t) =>
            `${t.value.length > 24 ? `${t.value.slice(0, 23)}…` : t.value} ${percent(present > 0 ? t.count / present : 0)}`,
        )
        .join('  ')
      return c.kind === 'text' && c.length
        ? `length ${c.length.min}–${c.length.max} (mean ${formatNumber(c.length.mean)})  ${top}`
        : top
    }
  }
}

const table = (rows: readonly (readonly string[])[]): string[] => {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => [...(r[j] ?? '')].length)))
  return rows.map((r) =>
    r
      .map((cell, j) =>
        j === r.length - 1 ? cell : cell + ' '.repeat(widths[j]! - [...cell].length),
      )
      .join('  ')
      .trimEnd(),
  )
}

/**
 * A profile as a plain-text report for a terminal: one summary line per column, then the
 * quantiles and a histogram bar for each numeric and timestamp column. `≈` marks estimates
 * (sketch-based distinct counts); exactness flags and error bounds are in the JSON form.
 */
export const renderProfile = (profile: FrameProfile): string => {
  const lines: string[] = [`${grouped(profile.rows)} rows, ${profile.columns.length} columns`, '']
  lines.push(
    ...table([
      ['column', 'kind', 'missing', 'distinct', 'summary'],
      ...profile.columns.map((c) => [
        c.name,
        c.kind,
        percent(c.missingRate),
        distinctText(c),
        summaryOf(c),
      ]),
    ]),
  )
  for (const c of profile.columns) {
    if (c.kind !== 'numeric' && c.kind !== 'timestamp') continue
    lines.push('', `${c.name} (${c.kind})`)
    const qs = Object.entries(c.quantiles)
      .map(([k, v]) => `${k} ${valueOf(c, v)}`)
      .join('  ')
    const err = c.quantilesExact
      ? ''
      : `  (rank error ≤ ${(100 * c.quantileRankError).toFixed(2)}%)`
    lines.push(`  quantiles  ${qs}${err}`)
    if (c.histogram) {
      const lo = valueOf(c, c.histogram.edges[0]!)
      const hi = valueOf(c, c.histogram.edges[c.histogram.edges.length - 1]!)
      lines.push(`  histogram  ${lo} ${sparkline(c.histogram.counts)} ${hi}`)
    }
    if (c.infinite > 0) lines.push(`  infinite   ${grouped(c.infinite)}`)
  }
  return lines.join('\n')
}
