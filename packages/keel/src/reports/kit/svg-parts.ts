import { escapeHtml, SafeHtml } from './html.js'

/**
 * The pieces every chart of `svg.ts` is drawn with: coordinates, round ticks, grid lines, labels,
 * rules and the figure around a chart. Internal to the kit.
 */

/** An SVG coordinate, to a tenth of a pixel. */
export const px = (v: number): string => v.toFixed(1)

/**
 * A round step (`m × 10^k`, m one of `multipliers`) that cuts `span` into about `count` intervals.
 *
 * @example
 * niceStep(0.9, 5) // 0.2
 */
export const niceStep = (
  span: number,
  count: number,
  multipliers: readonly number[] = [1, 2, 2.5, 5, 10],
): number => {
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  return (multipliers.find((m) => m * mag >= raw) ?? 10) * mag
}

/** `from`, `from + step`, … up to `to`, each rounded to 12 significant digits. */
export const stepTicks = (from: number, to: number, step: number): number[] => {
  const out: number[] = []
  for (let v = from; v <= to + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

/** Round tick values within `[lo, hi]`. */
export const ticks = (lo: number, hi: number, count = 5): number[] => {
  if (!(hi > lo)) return [lo]
  const step = niceStep(hi - lo, count)
  return stepTicks(Math.ceil(lo / step) * step, hi, step)
}

/** A styled line from (x1, y1) to (x2, y2). */
export const line = (cls: string, x1: number, x2: number, y1: number, y2: number): string =>
  `<line class="${cls}" x1="${px(x1)}" x2="${px(x2)}" y1="${px(y1)}" y2="${px(y2)}"/>`

/** A small label (escaped) at (x, y). */
export const text = (
  x: number,
  y: number,
  label: string,
  anchor?: 'middle' | 'end',
  cls = 'tick',
): string =>
  `<text class="${cls}" x="${px(x)}" y="${px(y)}"${anchor ? ` text-anchor="${anchor}"` : ''}>${escapeHtml(label)}</text>`

/** Horizontal grid lines from `left` to `right`, labelled at the left edge. */
export const yGrid = (
  values: readonly number[],
  y: (v: number) => number,
  left: number,
  right: number,
  label: (v: number) => string,
): string[] =>
  values.flatMap((v) => [
    line('grid', left, right, y(v), y(v)),
    text(left - 6, y(v) + 4, label(v), 'end'),
  ])

/**
 * A horizontal rule across the plot, labelled at its right end: an alert `bound` (red, dashed)
 * or a `reference` value (grey, dashed).
 */
export const hRule = (
  kind: 'bound' | 'reference',
  left: number,
  right: number,
  y: number,
  label: string,
): string[] =>
  kind === 'bound'
    ? [line('rule', left, right, y, y), text(right, y - 4, label, 'end', 'rule-label')]
    : [line('ref', left, right, y, y), text(right - 4, y - 4, label, 'end')]

/** The `<figure>` around a chart, titled by its caption (above or below) and its ARIA label. */
export const figure = (chart: {
  readonly title: string
  readonly width: number
  readonly height: number
  readonly parts: readonly string[]
  readonly wide?: boolean
  readonly captionAbove?: boolean
}): SafeHtml => {
  const caption = `<figcaption>${escapeHtml(chart.title)}</figcaption>`
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${chart.width} ${chart.height}" width="${chart.width}" ` +
    `height="${chart.height}" role="img" aria-label="${escapeHtml(chart.title)}">${chart.parts.join('')}</svg>`
  return new SafeHtml(
    `<figure class="chart${chart.wide ? ' wide' : ''}">${chart.captionAbove ? caption + svg : svg + caption}</figure>`,
  )
}

/** A number that can be drawn (not missing, not infinite). */
export const isNumber = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v)
