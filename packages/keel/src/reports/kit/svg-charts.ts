import { fmtNumber } from './format.js'
import { escapeHtml, html, SafeHtml } from './html.js'

/**
 * Small inline SVG charts for the model card: line charts (ROC, PR, reliability, coverage, metrics
 * over time) and horizontal interval charts (slices with intervals, feature importance). No script,
 * no external resource: the card must render offline, from a file, with a strict CSP.
 */

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

/** Colours of the card's charts (fixed, colour-blind friendly pairs). */
export const COLORS = {
  primary: '#1f6feb',
  secondary: '#d9480f',
  muted: '#8b949e',
  good: '#2da44e',
  bad: '#cf222e',
} as const

const PAD = { left: 56, right: 14, top: 30, bottom: 44 }

/** A tick label: at most 3 significant digits, no trailing zeros. */
const tickLabel = (v: number): string =>
  Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(1)
    : String(Number(v.toPrecision(3)))

const ticks = (lo: number, hi: number, count = 5): number[] => {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)))
  return out
}

/** A line chart as an inline `<svg>`. Non-finite points break the line instead of distorting it. */
export const lineChart = (o: LineChartOptions): SafeHtml => {
  const W = o.width ?? 380
  const H = o.height ?? 300
  const [x0, x1] = o.xDomain
  const [y0, y1] = o.yDomain
  const iw = W - PAD.left - PAD.right
  const ih = H - PAD.top - PAD.bottom
  const sx = (v: number): number => PAD.left + (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0)) * iw
  const sy = (v: number): number => PAD.top + (1 - (y1 === y0 ? 0.5 : (v - y0) / (y1 - y0))) * ih
  const p = (v: number): string => v.toFixed(1)
  const xt = ticks(x0, x1)
  const yt = ticks(y0, y1)
  const xfmt = o.xTick ?? tickLabel
  const parts: string[] = []
  for (const v of yt) {
    parts.push(
      `<line class="grid" x1="${p(PAD.left)}" x2="${p(W - PAD.right)}" y1="${p(sy(v))}" y2="${p(sy(v))}"/>`,
    )
    parts.push(
      `<text class="tick" x="${p(PAD.left - 6)}" y="${p(sy(v) + 4)}" text-anchor="end">${escapeHtml(tickLabel(v))}</text>`,
    )
  }
  for (const v of xt) {
    parts.push(
      `<line class="grid" y1="${p(PAD.top)}" y2="${p(H - PAD.bottom)}" x1="${p(sx(v))}" x2="${p(sx(v))}"/>`,
    )
    parts.push(
      `<text class="tick" x="${p(sx(v))}" y="${p(H - PAD.bottom + 16)}" text-anchor="middle">${escapeHtml(xfmt(v))}</text>`,
    )
  }
  parts.push(
    `<rect class="frame" x="${p(PAD.left)}" y="${p(PAD.top)}" width="${p(iw)}" height="${p(ih)}"/>`,
  )
  if (o.diagonal) {
    const lo = Math.max(x0, y0)
    const hi = Math.min(x1, y1)
    parts.push(
      `<line class="ref" x1="${p(sx(lo))}" y1="${p(sy(lo))}" x2="${p(sx(hi))}" y2="${p(sy(hi))}"/>`,
    )
  }
  if (o.hline && Number.isFinite(o.hline.y)) {
    const y = sy(o.hline.y)
    parts.push(
      `<line class="ref" x1="${p(PAD.left)}" x2="${p(W - PAD.right)}" y1="${p(y)}" y2="${p(y)}"/>`,
    )
    parts.push(
      `<text class="tick" x="${p(W - PAD.right - 4)}" y="${p(y - 4)}" text-anchor="end">${escapeHtml(o.hline.label)}</text>`,
    )
  }
  const clampX = (v: number): number => Math.min(x1, Math.max(x0, v))
  const clampY = (v: number): number => Math.min(y1, Math.max(y0, v))
  for (const s of o.series) {
    let run: string[] = []
    const flush = (): void => {
      if (run.length > 1) {
        parts.push(
          `<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} points="${run.join(' ')}"/>`,
        )
      }
      run = []
    }
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!
      const y = s.y[i]!
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        flush()
        continue
      }
      run.push(`${p(sx(clampX(x)))},${p(sy(clampY(y)))}`)
      if (s.markers)
        parts.push(
          `<circle cx="${p(sx(clampX(x)))}" cy="${p(sy(clampY(y)))}" r="3" fill="${escapeHtml(s.color)}"/>`,
        )
    }
    flush()
  }
  o.series.forEach((s, i) => {
    const lx = PAD.left + 8 + i * 130
    parts.push(
      `<line x1="${p(lx)}" x2="${p(lx + 18)}" y1="14" y2="14" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    )
    parts.push(`<text class="legend" x="${p(lx + 22)}" y="18">${escapeHtml(s.name)}</text>`)
  })
  parts.push(
    `<text class="axis" x="${p(PAD.left + iw / 2)}" y="${p(H - 8)}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`,
  )
  parts.push(
    `<text class="axis" transform="translate(13 ${p(PAD.top + ih / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`,
  )
  return html`<figure class="chart">
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 ${W} ${H}"
      width="${W}"
      height="${H}"
      role="img"
      aria-label="${o.title}"
    >
      ${new SafeHtml(parts.join(''))}
    </svg>
    <figcaption>${o.title}</figcaption>
  </figure>`
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
  const values = o.rows
    .flatMap((r) => [r.value, r.lower, r.upper])
    .filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v))
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
  const p = (v: number): string => v.toFixed(1)
  const parts: string[] = []
  for (const t of ticks(lo, hi, 4)) {
    parts.push(
      `<line class="grid" x1="${p(sx(t))}" x2="${p(sx(t))}" y1="${top - 4}" y2="${p(H - 26)}"/>`,
    )
    parts.push(
      `<text class="tick" x="${p(sx(t))}" y="${p(H - 12)}" text-anchor="middle">${escapeHtml(tickLabel(t))}</text>`,
    )
  }
  if (o.reference) {
    const x = sx(o.reference.value)
    parts.push(`<line class="ref" x1="${p(x)}" x2="${p(x)}" y1="${top - 8}" y2="${p(H - 26)}"/>`)
    parts.push(
      `<text class="tick" x="${p(x)}" y="${top - 12}" text-anchor="middle">${escapeHtml(o.reference.label)}</text>`,
    )
  }
  o.rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2
    const color = r.flagged ? COLORS.bad : COLORS.primary
    const label = r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label
    parts.push(
      `<text class="label" x="${labelW}" y="${p(y + 4)}" text-anchor="end"><title>${escapeHtml(r.label)}</title>${escapeHtml(label)}</text>`,
    )
    if (r.value === null || !Number.isFinite(r.value)) {
      parts.push(`<text class="tick" x="${p(x0)}" y="${p(y + 4)}">no value</text>`)
      return
    }
    if (o.mode === 'bars') {
      const a = sx(Math.min(0, r.value))
      const b = sx(Math.max(0, r.value))
      parts.push(
        `<rect x="${p(a)}" y="${p(y - 6)}" width="${p(Math.max(1, b - a))}" height="12" fill="${color}" opacity="0.8"/>`,
      )
    }
    if (
      r.lower !== null &&
      r.lower !== undefined &&
      r.upper !== null &&
      r.upper !== undefined &&
      Number.isFinite(r.lower) &&
      Number.isFinite(r.upper)
    ) {
      parts.push(
        `<line x1="${p(sx(r.lower))}" x2="${p(sx(r.upper))}" y1="${p(y)}" y2="${p(y)}" stroke="#24292f" stroke-width="1.5"/>`,
      )
      for (const v of [r.lower, r.upper])
        parts.push(
          `<line x1="${p(sx(v))}" x2="${p(sx(v))}" y1="${p(y - 4)}" y2="${p(y + 4)}" stroke="#24292f"/>`,
        )
    }
    if (o.mode === 'points')
      parts.push(`<circle cx="${p(sx(r.value))}" cy="${p(y)}" r="4" fill="${color}"/>`)
    parts.push(
      `<text class="tick" x="${p(W - 4)}" y="${p(y + 4)}" text-anchor="end">${escapeHtml(fmtNumber(r.value, 3))}</text>`,
    )
  })
  return html`<figure class="chart wide">
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 ${W} ${H}"
      width="${W}"
      height="${H}"
      role="img"
      aria-label="${o.title}"
    >
      ${new SafeHtml(parts.join(''))}
    </svg>
    <figcaption>${o.title}</figcaption>
  </figure>`
}
