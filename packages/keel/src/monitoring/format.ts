import type { MonitoringReport } from './report.js'
import type { MonitoringWindow } from './windows.js'

/** The nearest-rank quantile of an ascending sample: always an observed value, never interpolated. */
export const nearestRank = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!

/** A number for people: 3 significant decimals, exponent notation for tiny or huge values. */
export const fmtNumber = (v: number | null | undefined): string => {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞'
  if (v !== 0 && (Math.abs(v) < 0.001 || Math.abs(v) >= 1e6)) return v.toExponential(2)
  return String(+v.toFixed(3))
}

/** A share as a percentage with one decimal. */
export const fmtPct = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : `${+(v * 100).toFixed(1)}%`

/** A duration in the largest sensible unit. */
export const fmtDuration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const units: [number, string][] = [
    [7 * 86_400_000, 'w'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ]
  for (const [size, unit] of units)
    if (Math.abs(ms) >= size) return `${+(ms / size).toFixed(1)}${unit}`
  return `${Math.round(ms)}ms`
}

/** A window's label: its UTC start (date only when the window is whole days). */
export const windowLabel = (report: MonitoringReport, w: MonitoringWindow): string => {
  const iso = new Date(w.start).toISOString()
  const dayAligned = report.window.by === 'time' && report.window.sizeMs % 86_400_000 === 0
  return dayAligned ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ')
}

/** The window size as written, e.g. `7d` or `10000 predictions`. */
export const windowSizeLabel = (report: MonitoringReport): string =>
  report.window.by === 'time'
    ? fmtDuration(report.window.sizeMs)
    : `${report.window.size} predictions`
