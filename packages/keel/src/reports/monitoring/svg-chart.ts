import { escapeHtml } from '../kit/html.js'
import { fmtCompact, fmtCompactPercent, fmtInterval } from '../kit/format.js'

/** One point of a series: a value and, optionally, its interval. */
export interface ChartPoint {
  readonly value: number | null
  readonly lower?: number | null
  readonly upper?: number | null
}

/** A line chart over windows with interval bands and reference lines. */
export interface LineChartSpec {
  readonly title: string
  readonly labels: readonly string[]
  readonly points: readonly ChartPoint[]
  /** Horizontal reference lines (alert bounds), drawn dashed. */
  readonly rules?: readonly { readonly value: number; readonly label: string }[]
  /** Fixed y range; default: fitted to the data, intervals and rules. */
  readonly domain?: readonly [number, number]
  /** Render values as percentages. */
  readonly percent?: boolean
}

const W = 520
const H = 200
const M = { top: 16, right: 40, bottom: 36, left: 48 }

/** A round step (1, 2 or 5 × 10^k) that cuts `span` into about four intervals. */
const niceStep = (span: number): number => {
  const raw = span / 4
  const mag = 10 ** Math.floor(Math.log10(raw))
  const f = raw / mag
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag
}

/** The y domain, widened to round tick values, and the ticks themselves. */
const extent = (spec: LineChartSpec): { lo: number; hi: number; ticks: number[] } => {
  let lo: number
  let hi: number
  if (spec.domain) [lo, hi] = spec.domain
  else {
    const vs: number[] = []
    for (const p of spec.points) {
      for (const v of [p.value, p.lower, p.upper]) {
        if (typeof v === 'number' && Number.isFinite(v)) vs.push(v)
      }
    }
    for (const r of spec.rules ?? []) vs.push(r.value)
    lo = vs.length === 0 ? 0 : Math.min(...vs)
    hi = vs.length === 0 ? 1 : Math.max(...vs)
  }
  if (lo === hi) {
    lo -= 0.5
    hi += 0.5
  }
  const step = niceStep(hi - lo)
  lo = Math.floor(lo / step) * step
  hi = Math.ceil(hi / step) * step
  const ticks: number[] = []
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(+t.toPrecision(12))
  return { lo, hi, ticks }
}

const tickLabel = (v: number, percent: boolean | undefined): string =>
  percent ? fmtCompactPercent(v, 0) : fmtCompact(v)

/** The x positions of n windows: evenly spread (lines) or centred in equal bands (bars). */
const xs = (n: number, banded = false): number[] => {
  const inner = W - M.left - M.right
  if (banded) return Array.from({ length: n }, (_, i) => M.left + ((i + 0.5) * inner) / n)
  return Array.from({ length: n }, (_, i) => M.left + (n === 1 ? inner / 2 : (i * inner) / (n - 1)))
}

const axes = (
  labels: readonly string[],
  ticks: readonly number[],
  percent: boolean | undefined,
  y: (v: number) => number,
  x: number[],
): string[] => {
  const out: string[] = []
  for (const v of ticks) {
    const yv = y(v).toFixed(1)
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${yv}" y2="${yv}" class="grid"/>`,
      `<text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeHtml(tickLabel(v, percent))}</text>`,
    )
  }
  const every = Math.max(1, Math.ceil(labels.length / 7))
  labels.forEach((label, i) => {
    if (i % every !== 0) return
    out.push(
      `<text x="${x[i]!.toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" class="tick">${escapeHtml(label)}</text>`,
    )
  })
  return out
}

/**
 * An inline SVG line chart: the estimate per window as a line with dots, its interval as a shaded
 * band, and dashed rules for alert bounds. Missing values break the line rather than dropping to 0.
 */
export const lineChart = (spec: LineChartSpec): string => {
  const n = spec.points.length
  const { lo, hi, ticks } = extent(spec)
  const y = (v: number): number =>
    M.top + ((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo)) * (H - M.top - M.bottom)
  const x = xs(n)
  const parts: string[] = axes(spec.labels, ticks, spec.percent, y, x)
  // Interval band: contiguous runs of points with both bounds.
  let run: number[] = []
  const flushBand = (): void => {
    const [a] = run
    if (run.length === 1 && a !== undefined) {
      const p = spec.points[a]!
      const xa = x[a]!.toFixed(1)
      parts.push(
        `<line x1="${xa}" x2="${xa}" y1="${y(p.upper!).toFixed(1)}" y2="${y(p.lower!).toFixed(1)}" class="whisker"/>`,
      )
    } else if (run.length > 1) {
      const top = run.map((i) => `${x[i]!.toFixed(1)},${y(spec.points[i]!.upper!).toFixed(1)}`)
      const bottom = run.map((i) => `${x[i]!.toFixed(1)},${y(spec.points[i]!.lower!).toFixed(1)}`)
      parts.push(`<polygon points="${[...top, ...bottom.reverse()].join(' ')}" class="band"/>`)
    }
    run = []
  }
  spec.points.forEach((p, i) => {
    if (typeof p.lower === 'number' && typeof p.upper === 'number') run.push(i)
    else flushBand()
  })
  flushBand()
  for (const r of spec.rules ?? []) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(r.value).toFixed(1)}" y2="${y(r.value).toFixed(1)}" class="rule"/>`,
      `<text x="${W - M.right}" y="${(y(r.value) - 4).toFixed(1)}" text-anchor="end" class="rule-label">${escapeHtml(r.label)}</text>`,
    )
  }
  let path = ''
  spec.points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) return
    const prev = spec.points[i - 1]
    path += `${prev && prev.value !== null && Number.isFinite(prev.value) ? 'L' : 'M'}${x[i]!.toFixed(1)},${y(p.value).toFixed(1)}`
  })
  if (path) parts.push(`<path d="${path}" class="line"/>`)
  spec.points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) return
    const tip = `${spec.labels[i] ?? ''}: ${tickLabel(p.value, spec.percent)}${typeof p.lower === 'number' ? ` ${fmtInterval(p.lower, p.upper, fmtCompact)}` : ''}`
    parts.push(
      `<circle cx="${x[i]!.toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" class="dot"><title>${escapeHtml(tip)}</title></circle>`,
    )
  })
  return (
    `<figure class="chart"><figcaption>${escapeHtml(spec.title)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(spec.title)}">` +
    `${parts.join('')}</svg></figure>`
  )
}

/** An inline SVG bar chart of shares in [0, 1] per window, with an optional dashed minimum. */
export const barChart = (spec: {
  readonly title: string
  readonly labels: readonly string[]
  readonly values: readonly (number | null)[]
  readonly rule?: { readonly value: number; readonly label: string }
}): string => {
  const n = spec.values.length
  const y = (v: number): number =>
    M.top + (1 - Math.min(1, Math.max(0, v))) * (H - M.top - M.bottom)
  const x = xs(n, true)
  const inner = W - M.left - M.right
  const bw = Math.max(2, Math.min(40, (inner / Math.max(1, n)) * 0.7))
  const parts = axes(spec.labels, [0, 0.25, 0.5, 0.75, 1], true, y, x)
  spec.values.forEach((v, i) => {
    if (v === null) return
    const cls = spec.rule && v < spec.rule.value ? 'bar low' : 'bar'
    parts.push(
      `<rect x="${(x[i]! - bw / 2).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" class="${cls}">` +
        `<title>${escapeHtml(`${spec.labels[i] ?? ''}: ${fmtCompactPercent(v)}`)}</title></rect>`,
    )
  })
  if (spec.rule) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(spec.rule.value).toFixed(1)}" y2="${y(spec.rule.value).toFixed(1)}" class="rule"/>`,
      `<text x="${W - M.right}" y="${(y(spec.rule.value) - 4).toFixed(1)}" text-anchor="end" class="rule-label">${escapeHtml(spec.rule.label)}</text>`,
    )
  }
  return (
    `<figure class="chart"><figcaption>${escapeHtml(spec.title)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(spec.title)}">` +
    `${parts.join('')}</svg></figure>`
  )
}
