import { fmtCompact, fmtCompactPercent, fmtInterval, fmtNumber, fmtSignificant } from './format.js'
import { escapeHtml, type SafeHtml } from './html.js'
import {
  figure,
  hRule,
  isNumber,
  line,
  niceStep,
  px,
  stepTicks,
  text,
  ticks,
  yGrid,
} from './svg-parts.js'

/**
 * Inline SVG charts for every report, drawn by hand: no script, no external resource, so a page
 * renders offline, from a file, under a strict CSP.
 *
 * - {@link lineChart}: curves over a numeric x (ROC, PR, reliability, coverage, metrics over time).
 * - {@link intervalChart}: horizontal rows with a value and an interval (slices, importance).
 * - {@link windowLineChart}: one estimate per monitoring window, with its interval and bounds.
 * - {@link windowBarChart}: one share per monitoring window, with an optional minimum.
 *
 * Every chart is a `<figure class="chart">` styled by {@link CHART_CSS}.
 */

/** Colours of the charts (fixed, colour-blind friendly pairs). */
export const COLORS = {
  primary: '#1f6feb',
  secondary: '#d9480f',
  muted: '#8b949e',
  good: '#2da44e',
  bad: '#cf222e',
} as const

/** Styles of the classes the charts draw with; a page includes them once. */
export const CHART_CSS =
  '.charts{display:flex;flex-wrap:wrap}figure.chart{background:#fff;border-radius:6px}' +
  'svg .grid{stroke:#eaeef2;stroke-width:1}svg .frame{fill:none;stroke:#8c959f}svg .ref{stroke:#8c959f;stroke-dasharray:4 4}' +
  'svg .axis{font-size:12px}svg .legend{font-size:11px}' +
  'svg .line{fill:none;stroke:#2f6fde;stroke-width:2}svg .dot{fill:#2f6fde}svg .band{fill:#2f6fde;opacity:.16}' +
  'svg .whisker{stroke:#2f6fde;opacity:.45;stroke-width:6}svg .rule{stroke:#b42318;stroke-dasharray:5 4}' +
  'svg .rule-label{font-size:10px;fill:#b42318}svg .bar{fill:#4f8a5b}svg .bar.low{fill:#d97706}\n'

/** One line of a line chart. */
export interface ChartSeries {
  readonly name: string
  readonly x: readonly number[]
  readonly y: readonly number[]
  readonly color: string
  readonly dashed?: boolean
  /** Draw a marker at each point (for sparse series such as reliability bins). */
  readonly markers?: boolean
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly xDomain: readonly [number, number]
  readonly yDomain: readonly [number, number]
  readonly series: readonly ChartSeries[]
  /** Draw the y = x diagonal (ROC chance line, perfect calibration). */
  readonly diagonal?: boolean
  /** A horizontal reference line (e.g. the positive rate on a PR curve). */
  readonly hline?: { readonly y: number; readonly label: string }
  readonly xTick?: (v: number) => string
  readonly width?: number
  readonly height?: number
}

const PAD = { left: 56, right: 14, top: 30, bottom: 44 }

/** The polylines (and markers) of one series; non-finite points break the line. */
const seriesParts = (
  s: ChartSeries,
  at: (x: number, y: number) => readonly [number, number],
): string[] => {
  const parts: string[] = []
  const stroke = `stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}`
  let run: string[] = []
  const flush = (): void => {
    if (run.length > 1) parts.push(`<polyline fill="none" ${stroke} points="${run.join(' ')}"/>`)
    run = []
  }
  for (let i = 0; i < s.x.length; i++) {
    if (!Number.isFinite(s.x[i]!) || !Number.isFinite(s.y[i]!)) {
      flush()
      continue
    }
    const [cx, cy] = at(s.x[i]!, s.y[i]!)
    run.push(`${px(cx)},${px(cy)}`)
    if (s.markers)
      parts.push(`<circle cx="${px(cx)}" cy="${px(cy)}" r="3" fill="${escapeHtml(s.color)}"/>`)
  }
  flush()
  return parts
}

/** A line chart of curves over a numeric x. Non-finite points break a line instead of distorting it. */
export const lineChart = (o: LineChartOptions): SafeHtml => {
  const W = o.width ?? 380
  const H = o.height ?? 300
  const [x0, x1] = o.xDomain
  const [y0, y1] = o.yDomain
  const iw = W - PAD.left - PAD.right
  const ih = H - PAD.top - PAD.bottom
  const sx = (v: number): number => PAD.left + (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0)) * iw
  const sy = (v: number): number => PAD.top + (1 - (y1 === y0 ? 0.5 : (v - y0) / (y1 - y0))) * ih
  const xfmt = o.xTick ?? fmtSignificant
  const parts = yGrid(ticks(y0, y1), sy, PAD.left, W - PAD.right, fmtSignificant)
  for (const v of ticks(x0, x1)) {
    parts.push(
      line('grid', sx(v), sx(v), PAD.top, H - PAD.bottom),
      text(sx(v), H - PAD.bottom + 16, xfmt(v), 'middle'),
    )
  }
  parts.push(
    `<rect class="frame" x="${px(PAD.left)}" y="${px(PAD.top)}" width="${px(iw)}" height="${px(ih)}"/>`,
  )
  if (o.diagonal) {
    const lo = Math.max(x0, y0)
    const hi = Math.min(x1, y1)
    parts.push(line('ref', sx(lo), sx(hi), sy(lo), sy(hi)))
  }
  if (o.hline && Number.isFinite(o.hline.y))
    parts.push(...hRule('reference', PAD.left, W - PAD.right, sy(o.hline.y), o.hline.label))
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v))
  for (const s of o.series)
    parts.push(...seriesParts(s, (x, y) => [sx(clamp(x, x0, x1)), sy(clamp(y, y0, y1))]))
  o.series.forEach((s, i) => {
    const lx = PAD.left + 8 + i * 130
    parts.push(
      `<line x1="${px(lx)}" x2="${px(lx + 18)}" y1="14" y2="14" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      text(lx + 22, 18, s.name, undefined, 'legend'),
    )
  })
  parts.push(
    text(PAD.left + iw / 2, H - 8, o.xLabel, 'middle', 'axis'),
    `<text class="axis" transform="translate(13 ${px(PAD.top + ih / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`,
  )
  return figure({ title: o.title, width: W, height: H, parts })
}

/** One row of an interval chart. */
export interface IntervalRow {
  readonly label: string
  readonly value: number | null
  readonly lower?: number | null | undefined
  readonly upper?: number | null | undefined
  /** Colour the row as a problem (a failed floor, a significant weak slice). */
  readonly flagged?: boolean
}

/**
 * Horizontal rows with a value and an optional interval: `bars` from zero (importance) or `points`
 * with whiskers (a forest plot of slices), with an optional vertical reference (the overall value).
 */
export const intervalChart = (o: {
  readonly title: string
  readonly rows: readonly IntervalRow[]
  readonly mode: 'bars' | 'points'
  readonly reference?: { readonly value: number; readonly label: string } | undefined
  readonly width?: number
}): SafeHtml => {
  const W = o.width ?? 560
  const rowH = 20
  const labelW = 200
  const top = 24
  const H = top + o.rows.length * rowH + 30
  const values = o.rows.flatMap((r) => [r.value, r.lower, r.upper]).filter(isNumber)
  if (o.reference) values.push(o.reference.value)
  if (o.mode === 'bars') values.push(0)
  let lo = values.length > 0 ? Math.min(...values) : 0
  let hi = values.length > 0 ? Math.max(...values) : 1
  if (hi === lo) {
    hi += 0.5
    lo -= 0.5
  }
  const pad = (hi - lo) * 0.05
  lo -= o.mode === 'bars' && lo === 0 ? 0 : pad
  hi += pad
  const x0 = labelW + 8
  const iw = W - x0 - 60
  const sx = (v: number): number => x0 + ((v - lo) / (hi - lo)) * iw
  const parts: string[] = []
  for (const t of ticks(lo, hi, 4))
    parts.push(
      line('grid', sx(t), sx(t), top - 4, H - 26),
      text(sx(t), H - 12, fmtSignificant(t), 'middle'),
    )
  if (o.reference) {
    const x = sx(o.reference.value)
    parts.push(line('ref', x, x, top - 8, H - 26), text(x, top - 12, o.reference.label, 'middle'))
  }
  o.rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2
    const color = r.flagged ? COLORS.bad : COLORS.primary
    const label = r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label
    parts.push(
      `<text class="label" x="${labelW}" y="${px(y + 4)}" text-anchor="end"><title>${escapeHtml(r.label)}</title>${escapeHtml(label)}</text>`,
    )
    if (!isNumber(r.value)) {
      parts.push(text(x0, y + 4, 'no value'))
      return
    }
    if (o.mode === 'bars') {
      const a = sx(Math.min(0, r.value))
      const b = sx(Math.max(0, r.value))
      parts.push(
        `<rect x="${px(a)}" y="${px(y - 6)}" width="${px(Math.max(1, b - a))}" height="12" fill="${color}" opacity="0.8"/>`,
      )
    }
    if (isNumber(r.lower) && isNumber(r.upper)) {
      parts.push(
        `<line x1="${px(sx(r.lower))}" x2="${px(sx(r.upper))}" y1="${px(y)}" y2="${px(y)}" stroke="#24292f" stroke-width="1.5"/>`,
      )
      for (const v of [r.lower, r.upper])
        parts.push(
          `<line x1="${px(sx(v))}" x2="${px(sx(v))}" y1="${px(y - 4)}" y2="${px(y + 4)}" stroke="#24292f"/>`,
        )
    }
    if (o.mode === 'points')
      parts.push(`<circle cx="${px(sx(r.value))}" cy="${px(y)}" r="4" fill="${color}"/>`)
    parts.push(text(W - 4, y + 4, fmtNumber(r.value, 3), 'end'))
  })
  return figure({ title: o.title, width: W, height: H, parts, wide: true })
}

/** One window's estimate and, optionally, its interval. */
export interface WindowPoint {
  readonly value: number | null
  readonly lower?: number | null
  readonly upper?: number | null
}

/** Options of {@link windowLineChart}. */
export interface WindowLineChartOptions {
  readonly title: string
  /** One label per window (the x axis). */
  readonly labels: readonly string[]
  readonly points: readonly WindowPoint[]
  /** Alert bounds, drawn as dashed rules. */
  readonly rules?: readonly { readonly value: number; readonly label: string }[]
  /** Fixed y range; default: fitted to the data, intervals and rules. */
  readonly domain?: readonly [number, number]
  /** Write values as percentages. */
  readonly percent?: boolean
}

const WW = 520
const WH = 200
const WM = { top: 16, right: 40, bottom: 36, left: 48 }

/** The y domain, widened to round tick values, and the ticks themselves. */
const windowDomain = (o: WindowLineChartOptions): { lo: number; hi: number; ticks: number[] } => {
  let [lo, hi] = o.domain ?? [0, 1]
  if (!o.domain) {
    const vs = o.points.flatMap((p) => [p.value, p.lower, p.upper]).filter(isNumber)
    vs.push(...(o.rules ?? []).map((r) => r.value))
    if (vs.length > 0) [lo, hi] = [Math.min(...vs), Math.max(...vs)]
  }
  if (lo === hi) {
    lo -= 0.5
    hi += 0.5
  }
  const step = niceStep(hi - lo, 4, [1, 2, 5, 10])
  lo = Math.floor(lo / step) * step
  hi = Math.ceil(hi / step) * step
  return { lo, hi, ticks: stepTicks(lo, hi, step) }
}

/** The x positions of n windows: evenly spread (lines) or centred in equal bands (bars). */
const windowXs = (n: number, banded: boolean): number[] => {
  const inner = WW - WM.left - WM.right
  if (banded) return Array.from({ length: n }, (_, i) => WM.left + ((i + 0.5) * inner) / n)
  return Array.from(
    { length: n },
    (_, i) => WM.left + (n === 1 ? inner / 2 : (i * inner) / (n - 1)),
  )
}

/** The y grid and the window labels (at most about seven, so they do not overlap). */
const windowAxes = (
  labels: readonly string[],
  yTicks: readonly number[],
  y: (v: number) => number,
  x: readonly number[],
  label: (v: number) => string,
): string[] => {
  const every = Math.max(1, Math.ceil(labels.length / 7))
  return [
    ...yGrid(yTicks, y, WM.left, WW - WM.right, label),
    ...labels.flatMap((l, i) =>
      i % every === 0 ? [text(x[i]!, WH - WM.bottom + 16, l, 'middle')] : [],
    ),
  ]
}

/** The interval band: contiguous runs of windows with both bounds (a single one is a whisker). */
const windowBand = (
  points: readonly WindowPoint[],
  x: readonly number[],
  y: (v: number) => number,
): string[] => {
  const parts: string[] = []
  let run: number[] = []
  const flush = (): void => {
    if (run.length === 1) {
      const p = points[run[0]!]!
      parts.push(line('whisker', x[run[0]!]!, x[run[0]!]!, y(p.upper!), y(p.lower!)))
    } else if (run.length > 1) {
      const top = run.map((i) => `${px(x[i]!)},${px(y(points[i]!.upper!))}`)
      const bottom = run.map((i) => `${px(x[i]!)},${px(y(points[i]!.lower!))}`)
      parts.push(`<polygon points="${[...top, ...bottom.reverse()].join(' ')}" class="band"/>`)
    }
    run = []
  }
  points.forEach((p, i) => {
    if (typeof p.lower === 'number' && typeof p.upper === 'number') run.push(i)
    else flush()
  })
  flush()
  return parts
}

/**
 * A monitoring metric over windows: the estimate as a line with dots (a tooltip each), its
 * interval as a shaded band, and dashed rules for alert bounds. A missing value breaks the line
 * rather than dropping to 0.
 */
export const windowLineChart = (o: WindowLineChartOptions): SafeHtml => {
  const { lo, hi, ticks: yTicks } = windowDomain(o)
  const y = (v: number): number =>
    WM.top + ((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo)) * (WH - WM.top - WM.bottom)
  const x = windowXs(o.points.length, false)
  const format = (v: number): string => (o.percent ? fmtCompactPercent(v, 0) : fmtCompact(v))
  const parts = windowAxes(o.labels, yTicks, y, x, format)
  parts.push(...windowBand(o.points, x, y))
  for (const r of o.rules ?? [])
    parts.push(...hRule('bound', WM.left, WW - WM.right, y(r.value), r.label))
  const drawn = (p: WindowPoint | undefined): p is WindowPoint & { value: number } =>
    p !== undefined && isNumber(p.value)
  let path = ''
  o.points.forEach((p, i) => {
    if (drawn(p)) path += `${drawn(o.points[i - 1]) ? 'L' : 'M'}${px(x[i]!)},${px(y(p.value))}`
  })
  if (path) parts.push(`<path d="${path}" class="line"/>`)
  o.points.forEach((p, i) => {
    if (!drawn(p)) return
    const interval =
      typeof p.lower === 'number' ? ` ${fmtInterval(p.lower, p.upper, fmtCompact)}` : ''
    const tip = `${o.labels[i] ?? ''}: ${format(p.value)}${interval}`
    parts.push(
      `<circle cx="${px(x[i]!)}" cy="${px(y(p.value))}" r="3" class="dot"><title>${escapeHtml(tip)}</title></circle>`,
    )
  })
  return figure({ title: o.title, width: WW, height: WH, parts, captionAbove: true })
}

/** A share in [0, 1] per window as bars; bars under the optional minimum are marked low. */
export const windowBarChart = (o: {
  readonly title: string
  readonly labels: readonly string[]
  readonly values: readonly (number | null)[]
  readonly rule?: { readonly value: number; readonly label: string }
}): SafeHtml => {
  const n = o.values.length
  const y = (v: number): number =>
    WM.top + (1 - Math.min(1, Math.max(0, v))) * (WH - WM.top - WM.bottom)
  const x = windowXs(n, true)
  const bw = Math.max(2, Math.min(40, ((WW - WM.left - WM.right) / Math.max(1, n)) * 0.7))
  const parts = windowAxes(o.labels, [0, 0.25, 0.5, 0.75, 1], y, x, (v) => fmtCompactPercent(v, 0))
  o.values.forEach((v, i) => {
    if (v === null) return
    const cls = o.rule && v < o.rule.value ? 'bar low' : 'bar'
    parts.push(
      `<rect x="${px(x[i]! - bw / 2)}" y="${px(y(v))}" width="${px(bw)}" height="${px(y(0) - y(v))}" class="${cls}">` +
        `<title>${escapeHtml(`${o.labels[i] ?? ''}: ${fmtCompactPercent(v)}`)}</title></rect>`,
    )
  })
  if (o.rule) parts.push(...hRule('bound', WM.left, WW - WM.right, y(o.rule.value), o.rule.label))
  return figure({ title: o.title, width: WW, height: WH, parts, captionAbove: true })
}
