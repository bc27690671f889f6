import { gateVerdict } from '@keel/core'
import { fmtNumber } from '../kit/format.js'
import { html, htmlPage } from '../kit/html.js'
import { CHART_CSS } from '../kit/svg.js'
import type { ModelCard } from './model-card.js'
import { classesSection } from './sections-classes.js'
import {
  backtestSection,
  behaviouralSection,
  errorsSection,
  fairnessSection,
  importanceSection,
  leakageSection,
  lineageSection,
  notesSection,
  slicesSection,
} from './sections-analysis.js'
import {
  calibrationSection,
  curvesSection,
  decisionSection,
  gateSection,
  metricsSection,
  verdictClass,
} from './sections-performance.js'

/**
 * The model card as one self-contained HTML file: inline CSS and inline SVG, no script, and a
 * Content-Security-Policy that forbids every external load, so it opens offline from disk, in a
 * mail attachment or a CI artifact viewer, and a hostile string in the data cannot run.
 */

const CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1140px;padding:24px 32px 64px}
header{border-bottom:1px solid var(--line);padding-bottom:12px;margin-bottom:8px}
h1{font-size:26px}h2{font-size:19px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:18px 0 6px}
nav{font-size:13px;margin:8px 0 0}nav a{color:#0969da;margin-right:12px;text-decoration:none}
.meta{color:var(--muted)}.muted{color:var(--muted)}.warn{color:var(--warn);font-weight:600}
table{margin:6px 0 10px}th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:var(--soft)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv td:first-child{color:var(--muted)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}.badge.ok{background:var(--ok)}.badge.bad{background:var(--bad)}
.verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:6px}.verdict.ok{background:#dafbe1;color:var(--ok)}.verdict.bad{background:#ffebe9;color:var(--bad)}.verdict.none{background:var(--soft);color:var(--warn)}.badge.none{background:var(--warn)}
.sev{font-weight:600}.sev.bad{color:var(--bad)}.sev.warnbg{color:var(--warn)}
.charts{gap:16px;align-items:flex-start}
figure.chart{margin:6px 0;border:1px solid var(--line);padding:6px}figcaption{font-size:12px;color:var(--muted);text-align:center}
svg text{font:11px -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;fill:#24292f}svg .tick{fill:#57606a}
ul.reasons li{color:var(--bad)}
@media print{nav{display:none}main{padding:0}}
`

const SECTIONS: readonly [string, string][] = [
  ['gate', 'Gate'],
  ['metrics', 'Metrics'],
  ['classes', 'Classes'],
  ['curves', 'Curves'],
  ['decision', 'Threshold'],
  ['calibration', 'Calibration'],
  ['slices', 'Slices'],
  ['importance', 'Importance'],
  ['behavioural', 'Behavioural'],
  ['fairness', 'Fairness'],
  ['errors', 'Errors'],
  ['backtest', 'Backtest'],
  ['leakage', 'Leakage'],
  ['lineage', 'Lineage'],
]

/** Render a model card to a complete HTML document (a string, ready to write to a `.html` file). */
export const renderModelCardHtml = (card: ModelCard): string => {
  const r = card.evaluation
  const m = card.model
  const title = `${m.name}${m.version === null ? '' : ` v${m.version}`}`
  const primary = r.metrics[r.primaryMetric]
  const body = [
    gateSection(r),
    metricsSection(r),
    classesSection(r),
    curvesSection(r),
    decisionSection(card),
    calibrationSection(r),
    slicesSection(r),
    importanceSection(card),
    behaviouralSection(r),
    fairnessSection(r),
    errorsSection(r),
    backtestSection(r),
    leakageSection(card),
    lineageSection(card),
    notesSection(r),
  ]
  const present = new Set(
    body.map((s) => /<section id="([a-z]+)"/.exec(String(s))?.[1]).filter(Boolean),
  )
  const main = html`<header>
      <h1>
        Model card: ${title}
        <span class="badge ${verdictClass(r)}">${gateVerdict(r.gate)}</span>
      </h1>
      <div class="meta">
        ${m.task}${m.classes ? ` (${m.classes.join(' / ')})` : ''} · ${m.kind} · ${m.inputs.length}
        inputs · created ${m.createdAt.slice(0, 19).replace('T', ' ')}
        UTC${m.aliases.length > 0 ? ` · aliases: ${m.aliases.join(', ')}` : ''}${m.status ? ` · ${m.status}` : ''}
      </div>
      <div class="meta">
        ${r.primaryMetric}
        ${fmtNumber(primary?.value ?? null)}${primary?.lower === undefined ? '' : ` [${fmtNumber(primary.lower)}, ${fmtNumber(primary.upper)}]`}
        on ${r.data.testRows.toLocaleString('en-US')} test
        rows${m.task === 'binary' ? ` · threshold ${fmtNumber(card.postprocess.threshold)}` : ''} ·
        calibrator
        ${card.postprocess.calibrator}${card.postprocess.deferBelow === null ? '' : ` · defer below ${fmtNumber(card.postprocess.deferBelow)}`}
      </div>
      ${m.description ? html`<p>${m.description}</p>` : ''}
      <nav>
        ${SECTIONS.filter(([id]) => present.has(id)).map(([id, label]) => html`<a href="#${id}">${label}</a>`)}
      </nav>
    </header>
    ${body}
    <footer class="muted">
      <p>Generated ${card.generatedAt} by Keel from evaluation report format ${r.formatVersion}.</p>
    </footer>`
  return htmlPage({ title: `Model card: ${title}`, css: CHART_CSS + CSS, main })
}
