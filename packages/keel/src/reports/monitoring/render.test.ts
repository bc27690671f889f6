import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createMemoryEventLog } from '../../stores/events/index.js'
import { escapeHtml } from '../kit/html.js'
import { monitorWindows } from '../../monitoring/monitor-windows.js'
import { renderMonitoringHtml } from './render-html.js'
import { renderMonitoringText } from './render-text.js'
import type { MonitoringReport } from '../../monitoring/report.js'
import { SERVING_METRICS_NOTE } from '../../monitoring/operational.js'
import { DAY, monitoredTraffic, T0, trainMonitoredBundle } from '../../testing/monitor-fixture.js'
import { writeMonitoringReport } from './write-report.js'

const MODEL = 'toy<&>"\''
const EVIL = '<img src=x onerror=alert(1)>'
let report: MonitoringReport

beforeAll(async () => {
  const bundle = trainMonitoredBundle()
  const log = createMemoryEventLog()
  await log.append(
    monitoredTraffic(bundle, {
      model: MODEL,
      days: 4,
      perDay: 200,
      driftFrom: 2,
      corrupt: (day, i, row) => {
        if (day === 1 && i < 30) row['cat'] = EVIL
      },
    }),
  )
  report = await monitorWindows({
    eventLog: log,
    bundle,
    model: MODEL,
    asOf: T0 + 5 * DAY,
    config: { bootstrap: { resamples: 20 }, performance: { roc_auc: { min: 0.95 } } },
    rowChecks: [
      {
        name: 'x2 <sane>',
        columns: ['x2'],
        check: (r) => (r['x2'] as number) < 9 || 'x2 & co too big',
      },
    ],
  })
})

describe('renderMonitoringHtml', () => {
  it('renders one self-contained page with every section and escaped user strings', () => {
    const html = renderMonitoringHtml(report)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    for (const section of [
      'Alerts',
      'Drift per window',
      'Performance from delayed labels',
      'Data quality',
      'Operations',
      'Streaming detectors',
      'Notes',
    ]) {
      expect(html).toContain(`<h2>${section}</h2>`)
    }
    // Self-contained: no scripts, nothing loaded from elsewhere.
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i)
    expect(html).toContain('<svg')
    // Logged and configured strings are escaped wherever they appear.
    expect(html).not.toContain(EVIL)
    expect(html).toContain(escapeHtml(EVIL))
    expect(html).not.toContain(MODEL)
    expect(html).toContain(`Monitoring: ${escapeHtml(MODEL)}`)
    expect(html).toContain(escapeHtml('x2 <sane>'))
    expect(html).not.toContain('x2 <sane>')
    // The drifted feature is outlined in the heatmap; the performance bound is drawn.
    expect(html).toMatch(/<td class="drifted"[^>]*>[^<]+<\/td>/)
    expect(html).toContain('min 0.95')
  })

  it('lists new alerts and folds the ones still on from an earlier window', () => {
    const fresh = report.alerts.filter((a) => a.status === 'new')
    const ongoing = report.alerts.filter((a) => a.status === 'ongoing')
    expect(fresh.length).toBeGreaterThan(0)
    expect(ongoing.length).toBeGreaterThan(0)
    const html = renderMonitoringHtml(report)
    const [open, folded] = html.split('<details>')
    expect(folded).toContain(`${ongoing.length} ongoing`)
    expect(open!.match(/<td class="name">new<\/td>/g)).toHaveLength(fresh.length)
    expect(folded!.match(/<td class="name">ongoing since [^<]+<\/td>/g)).toHaveLength(
      ongoing.length,
    )
  })

  it('paints a drift cell red only when its check drifted, as the tiles count', () => {
    // A large effect that is not significant (a small window): shaded, never red.
    const w0 = report.drift.windows[0]!
    const loud = w0.report!.features.map((f) => ({
      ...f,
      effect: { ...f.effect, value: 3 * f.effect.threshold },
      drifted: false,
    }))
    const r: MonitoringReport = {
      ...report,
      drift: {
        ...report.drift,
        windows: [
          { ...w0, report: { ...w0.report!, features: loud } },
          ...report.drift.windows.slice(1),
        ],
      },
    }
    const html = renderMonitoringHtml(r)
    const table = html.slice(html.indexOf('<table class="heat">'))
    const cells = table.slice(0, table.indexOf('</table>')).match(/<td[^>]*>/g)!
    const red = (cell: string): boolean => {
      const hsl = /hsl\((\d+),(\d+)%/.exec(cell)
      if (hsl) {
        const hue = Number(hsl[1])
        return Number(hsl[2]) >= 50 && (hue <= 20 || hue >= 340)
      }
      return cell.includes('class="drifted"')
    }
    const drifted =
      r.drift.windows.flatMap((w) => w.report?.features ?? []).filter((f) => f.drifted).length +
      r.output.windows.filter((w) => w.result?.drifted).length +
      r.labels.windows.filter((w) => w.result?.drifted).length +
      r.multivariate.windows.filter((w) => w.drifted).length
    expect(drifted).toBeGreaterThan(0)
    expect(cells.filter(red)).toHaveLength(drifted)
    expect(cells.filter((c) => c.includes('class="drifted"'))).toHaveLength(drifted)
  })

  it('gives traffic per second over its span and says where latency and errors are', () => {
    const html = renderMonitoringHtml(report)
    const ops = html.slice(html.indexOf('<h2>Operations</h2>'), html.indexOf('<h2>Streaming'))
    expect(ops).toContain('<th>peak second</th>')
    expect(ops).not.toContain('not logged')
    expect(ops).toContain(escapeHtml(SERVING_METRICS_NOTE))
    expect(report.notes).toContain(SERVING_METRICS_NOTE)
    const text = renderMonitoringText(report)
    expect(text).toMatch(/2001-01-01\s+200 predictions, [\d.]+\/s over [\d.]+h, peak \d+\/s/)
    expect(text).toContain('latency and errors: not in the prediction log')
  })

  it('renders an empty report', () => {
    const html = renderMonitoringHtml({ ...report, windows: [], alerts: [] })
    expect(html).toContain('No predictions were logged')
  })
})

describe('renderMonitoringText', () => {
  it('names the drifted feature per window, performance and alerts', () => {
    const text = renderMonitoringText(report)
    expect(text).toMatch(/2001-01-03\s+x1 \(w\/σ [\d.]+\)/)
    expect(text).toMatch(/2001-01-01\s+stable/)
    expect(text).toContain('roc_auc')
    expect(text).toMatch(/Alerts: \d+ new/)
    expect(renderMonitoringText({ ...report, windows: [] })).toMatch(/no predictions logged/)
  })
})

describe('writeMonitoringReport', () => {
  it('writes the HTML and its JSON twin atomically under the workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-monitor-report-'))
    try {
      const paths = await writeMonitoringReport(report, { workspace: dir })
      expect(paths.html.startsWith(join(dir, 'reports', 'monitor-toy_____-'))).toBe(true)
      expect(paths.json).toBe(paths.html.replace(/\.html$/, '.json'))
      expect(readFileSync(paths.html, 'utf8')).toBe(renderMonitoringHtml(report))
      expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toMatchObject({
        format: 'keel.monitoring.report',
        model: MODEL,
      })
      const out = await writeMonitoringReport(report, {
        workspace: dir,
        out: 'custom.html',
        cwd: dir,
      })
      expect(out).toEqual({ html: join(dir, 'custom.html'), json: join(dir, 'custom.json') })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
