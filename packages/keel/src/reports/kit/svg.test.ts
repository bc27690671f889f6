import { describe, expect, it } from 'vitest'
import { intervalChart, lineChart, windowBarChart, windowLineChart } from './svg.js'
import { niceStep } from './svg-parts.js'

const EVIL = '<b onclick="x">&'
const ESCAPED = '&lt;b onclick=&quot;x&quot;&gt;&amp;'

describe('SVG chart kit', () => {
  it('picks round steps', () => {
    expect([
      niceStep(0.9, 5),
      niceStep(1, 4),
      niceStep(7, 4),
      niceStep(7, 4, [1, 2, 5, 10]),
    ]).toEqual([0.2, 0.25, 2, 2])
    expect(niceStep(0.9, 4, [1, 2, 5, 10])).toBeCloseTo(0.5, 12)
  })

  it('breaks a curve at non-finite points and escapes every label', () => {
    const svg = lineChart({
      title: EVIL,
      xLabel: EVIL,
      yLabel: 'y',
      xDomain: [0, 1],
      yDomain: [0, 1],
      series: [
        { name: EVIL, x: [0, 0.5, 0.6, 0.7, 0.8, 1], y: [0, 0.5, NaN, 0.7, 0.8, 1], color: '#000' },
      ],
      diagonal: true,
    }).toString()
    expect(svg.match(/<polyline /g)).toHaveLength(2)
    expect(svg).not.toContain(EVIL)
    expect(svg).toContain(`<figcaption>${ESCAPED}</figcaption></figure>`)
    expect(svg).toContain(`aria-label="${ESCAPED}"`)
    expect(svg).toMatch(/<line class="ref" x1="56.0" x2="366.0" y1="256.0" y2="30.0"\/>/)
  })

  it('draws one row per interval, marking missing values', () => {
    const svg = intervalChart({
      title: 'slices',
      mode: 'points',
      rows: [
        { label: EVIL, value: 0.8, lower: 0.7, upper: 0.9, flagged: true },
        { label: 'b', value: null },
      ],
      reference: { value: 0.75, label: 'all' },
    }).toString()
    expect(svg).toContain('<figure class="chart wide">')
    expect(svg.match(/<circle /g)).toHaveLength(1)
    expect(svg).toContain('>no value</text>')
    expect(svg).toContain(`<title>${ESCAPED}</title>`)
  })

  it('draws a window metric with its band, whiskers, bounds and a gap for a missing window', () => {
    const svg = windowLineChart({
      title: EVIL,
      labels: ['d1', 'd2', 'd3', 'd4', 'd5'],
      points: [
        { value: 0.8, lower: 0.7, upper: 0.9 },
        { value: 0.82, lower: 0.72, upper: 0.92 },
        { value: null },
        { value: 0.6, lower: 0.5, upper: 0.7 },
        { value: 0.65 },
      ],
      rules: [{ value: 0.75, label: 'min 0.75' }],
    }).toString()
    // Caption first: the title reads above the chart.
    expect(svg.startsWith(`<figure class="chart"><figcaption>${ESCAPED}</figcaption><svg`)).toBe(
      true,
    )
    expect(svg.match(/<polygon [^>]*class="band"/g)).toHaveLength(1)
    expect(svg.match(/class="whisker"/g)).toHaveLength(1)
    expect(svg).toMatch(/<text class="rule-label"[^>]*>min 0.75<\/text>/)
    // The line restarts (M) after the missing window.
    expect(svg.match(/<path d="([^"]+)"/)![1]!.match(/M/g)).toHaveLength(2)
    expect(svg).toContain('<title>d1: 0.8 [0.7, 0.9]</title>')
  })

  it('draws window shares as bars, low ones marked under the minimum', () => {
    const svg = windowBarChart({
      title: 'label coverage',
      labels: ['d1', 'd2', 'd3'],
      values: [0.9, null, 0.2],
      rule: { value: 0.5, label: 'min 0.5' },
    }).toString()
    expect(svg.match(/class="bar"/g)).toHaveLength(1)
    expect(svg.match(/class="bar low"/g)).toHaveLength(1)
    expect(svg).toContain('<title>d3: 20%</title>')
    expect(svg).toContain('text-anchor="end">100%</text>')
  })
})
