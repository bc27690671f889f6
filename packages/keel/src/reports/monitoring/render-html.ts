import type { FeatureDriftReport } from '@keel/core'
import { fmtCompact, fmtCompactPercent, fmtDuration, fmtInterval } from '../kit/format.js'
import { windowLabel, windowSizeLabel } from './window-labels.js'
import { escapeHtml as e, htmlPage, SafeHtml } from '../kit/html.js'
import type { MonitoringAlert, MonitoringReport } from '../../monitoring/report.js'
import { SERVING_METRICS_NOTE } from '../../monitoring/operational.js'
import { CHART_CSS, windowBarChart, windowLineChart } from '../kit/svg.js'

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;background:#f6f7f9}
main{max-width:1160px;padding:24px}h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #d9dde3}
.meta{color:#5b6575}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:20px}.card.bad b{color:#b42318}table{background:#fff;margin:6px 0}
th,td{border:1px solid #e3e6ea;padding:4px 8px;text-align:right;white-space:nowrap}th{background:#eef0f3}td.name,th.name{text-align:left}
.scroll{overflow-x:auto;max-width:100%}td.wrap{white-space:normal;min-width:240px;max-width:560px}summary{cursor:pointer;color:#555;margin:6px 0}.heat td{min-width:58px;text-align:center}.heat td.name{text-align:left}.heat td.drifted{font-weight:700;color:#7a1b12;background:#f8c9c4;outline:2px solid #b42318;outline-offset:-2px}
.heat td.skip{color:#9aa3af;background:#f3f4f6}.heat td.base{color:#5b6575;background:#eef4ff;font-style:italic}
.sev-critical{color:#b42318;font-weight:600}.sev-warning{color:#b54708;font-weight:600}.muted{color:#7a8494}
.charts{gap:12px}figure.chart{border:1px solid #d9dde3;margin:0;padding:8px}
figcaption{font-weight:600;margin:0 0 2px 4px}svg .tick{font-size:10px;fill:#5b6575}
ul.notes{color:#5b6575;padding-left:18px}.legend span{display:inline-block;padding:1px 8px;margin-right:4px;border:1px solid #e3e6ea}
`

/**
 * The one colour rule of the drift table: red is for a check that drifted (the `drifted` class);
 * any other cell is shaded in blue-grey by its effect size relative to the threshold, so a large
 * but insignificant effect on a small window is visible without reading as an alarm.
 */
const shade = (ratio: number): string => {
  const t = Math.max(0, Math.min(1, ratio))
  return `background:hsl(215,${(20 + 25 * t).toFixed(0)}%,${(98 - 18 * t).toFixed(0)}%)`
}

const checkCell = (drifted: boolean, ratio: number, title: string, text: string): string =>
  drifted
    ? `<td class="drifted" title="${e(title)}">${e(text)}</td>`
    : `<td style="${shade(ratio)}" title="${e(title)}">${e(text)}</td>`

const effectCell = (f: FeatureDriftReport | undefined, status: string, reason?: string): string => {
  if (status === 'baseline')
    return `<td class="base" title="the basis other windows are compared with">basis</td>`
  if (!f) return `<td class="skip" title="${e(reason ?? 'not tested')}">—</td>`
  const tip =
    `${f.effect.metric} ${fmtCompact(f.effect.value)} (threshold ${fmtCompact(f.effect.threshold)}); ` +
    `p ${fmtCompact(f.pValue)}, adjusted ${fmtCompact(f.adjustedPValue)}; psi ${fmtCompact(f.statistics.psi)}`
  return checkCell(f.drifted, f.effect.value / f.effect.threshold, tip, fmtCompact(f.effect.value))
}

const header = (r: MonitoringReport): string => {
  const labelled = r.events.predictions > 0 ? r.events.labelled / r.events.predictions : 0
  const fresh = r.alerts.filter((a) => a.status === 'new').length
  const drifted = new Set(r.drift.windows.flatMap((w) => w.report?.driftedFeatures ?? []))
  const card = (label: string, value: string, bad = false): string =>
    `<div class="card${bad ? ' bad' : ''}"><span class="meta">${e(label)}</span><b>${e(value)}</b></div>`
  return (
    `<h1>Monitoring: ${e(r.model)}${r.version === null ? '' : ` <span class="meta">v${e(r.version)}</span>`}</h1>` +
    `<div class="meta">${e(r.task)} · ${r.windows.length} window(s) of ${e(windowSizeLabel(r))} · generated ${e(r.generatedAt)} · labels as of ${e(new Date(r.asOf).toISOString())}</div>` +
    (r.file
      ? `<div class="meta">file ${e(r.file.path)} (${r.file.role === 'batch' ? 'batch output' : 'input rows'}): ${r.file.rows} rows, ${r.file.rejected} rejected by the input schema, ${r.file.labelled} labelled</div>`
      : '') +
    `<div class="cards">${card('predictions', r.events.predictions.toLocaleString('en-US'))}${card('labelled', fmtCompactPercent(labelled))}` +
    `${card('drifted features', String(drifted.size), drifted.size > 0)}${card('alerts (new)', `${r.alerts.length} (${fresh})`, fresh > 0)}</div>`
  )
}

/** The UTC times of a window's first and last prediction, to the second. */
const activeSpan = (span: { readonly first: number; readonly last: number }): string => {
  const at = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ')
  const [first, last] = [at(span.first), at(span.last)]
  if (first === last) return first
  return `${first} – ${last.slice(0, 10) === first.slice(0, 10) ? last.slice(11) : last}`
}

/** An ISO time to the second, in UTC. */
const utcSecond = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`

/** Where an alert went: sent by this run, not sent (a failed or absent sink), or raised earlier. */
const delivered = (a: MonitoringAlert): string =>
  a.notified ? 'sent' : a.fresh ? '—' : 'raised by an earlier run'

const alertsTable = (
  r: MonitoringReport,
  alerts: readonly MonitoringAlert[],
  state: (a: MonitoringAlert) => string,
): string => {
  const rows = [...alerts]
    .reverse()
    .map(
      (a) =>
        `<tr><td class="name">${e(state(a))}</td><td class="name">${e(utcSecond(a.firstSeenAt))}</td><td class="name sev-${a.severity}">${e(a.severity)}</td>` +
        `<td class="name">${e(windowLabel(r, r.windows[a.window]!))}</td><td class="name">${e(a.kind)}</td><td class="name">${e(a.subject)}</td>` +
        `<td class="name wrap">${e(a.message)}</td><td class="name">${e(delivered(a))}</td></tr>`,
    )
  return (
    `<div class="scroll"><table><tr><th class="name">state</th><th class="name">first seen</th><th class="name">severity</th><th class="name">window</th>` +
    `<th class="name">kind</th><th class="name">subject</th><th class="name">message</th><th class="name">delivery</th></tr>${rows.join('')}</table></div>`
  )
}

/** The label of the window a key names, when the report has it; else the key itself. */
const sinceLabel = (r: MonitoringReport, key: string): string => {
  const w = r.windows.find((x) => x.key === key)
  return w ? windowLabel(r, w) : key
}

const alertsSection = (r: MonitoringReport): string => {
  if (r.alerts.length === 0) return '<h2>Alerts</h2><p class="muted">No threshold was crossed.</p>'
  const d = r.delivery
  const delivery = d
    ? `<p class="muted">${d.fresh} alert(s) raised for the first time by this run; ${d.logged} logged${d.webhook ? `; webhook ${d.webhook.ok ? 'delivered' : `failed (${e(d.webhook.error ?? '')})`} after ${d.webhook.attempts} attempt(s)` : ''}.</p>`
    : ''
  // Alerts first raised in their window stay open, however often the report is run; an alert
  // still on in a later window is listed once more per window, folded.
  const open = r.alerts.filter((a) => a.status === 'new')
  const ongoing = r.alerts.filter((a) => a.status === 'ongoing')
  return (
    `<h2>Alerts</h2>${delivery}` +
    (open.length > 0 ? alertsTable(r, open, () => 'new') : '<p class="muted">No new alert.</p>') +
    (ongoing.length > 0
      ? `<details><summary>${ongoing.length} ongoing: alerts raised in an earlier window, still on in a later one</summary>${alertsTable(r, ongoing, (a) => `ongoing since ${sinceLabel(r, a.since)}`)}</details>`
      : '')
  )
}

const driftSection = (r: MonitoringReport): string => {
  const labels = r.windows.map((w) => windowLabel(r, w))
  const head = `<tr><th class="name">feature</th>${labels.map((l) => `<th>${e(l)}</th>`).join('')}</tr>`
  const rows = r.drift.features.map((feature) => {
    const cells = r.windows.map((_, k) => {
      const w = r.drift.windows[k]
      return effectCell(
        w?.report?.features.find((f) => f.feature === feature),
        w?.status ?? 'skipped',
        w?.reason ?? w?.report?.skipped.find((s) => s.feature === feature)?.reason,
      )
    })
    return `<tr><td class="name">${e(feature)}</td>${cells.join('')}</tr>`
  })
  const series = [
    [`prediction: ${r.output.quantity}`, r.output.windows],
    ['label', r.labels.windows],
  ] as const
  for (const [name, windows] of series) {
    const cells = r.windows.map((_, k) => {
      const w = windows[k]
      return effectCell(w?.result, w?.status ?? 'skipped', w?.reason)
    })
    rows.push(`<tr><td class="name"><i>${e(name)}</i></td>${cells.join('')}</tr>`)
  }
  const adv = r.windows.map((_, k) => {
    const w = r.multivariate.windows[k]
    if (!w || w.status === 'skipped') return `<td class="skip" title="${e(w?.reason ?? '')}">—</td>`
    if (w.status === 'baseline') return '<td class="base">basis</td>'
    const ratio = ((w.auc ?? 0.5) - 0.5) / Math.max(1e-9, r.multivariate.threshold - 0.5)
    return checkCell(
      w.drifted === true,
      ratio,
      `ROC AUC; threshold ${fmtCompact(r.multivariate.threshold)}`,
      fmtCompact(w.auc),
    )
  })
  rows.push(`<tr><td class="name"><i>multivariate (adversarial AUC)</i></td>${adv.join('')}</tr>`)
  const rule = `numeric: ${r.drift.numericEffect.metric} ≥ ${r.drift.numericEffect.threshold}; categorical: ${r.drift.categoricalEffect.metric} ≥ ${r.drift.categoricalEffect.threshold}; ${r.drift.correction} at α = ${r.drift.alpha}`
  const skipped = r.drift.skippedFeatures
    .map((s) => `<li>${e(s.feature)}: ${e(s.reason)}</li>`)
    .join('')
  const crit = r.drift.windows
    .filter((w) => w.ksCriticalD !== undefined)
    .map((w) => `${labels[w.window]} ${fmtCompact(w.ksCriticalD)}`)
  return (
    `<h2>Drift per window</h2><p class="muted">Cells show the effect size a decision is based on (${e(rule)}). ` +
    `Red cells drifted: significant after correction and at or above the effect threshold; the shade of the others is their effect relative to the threshold (a large effect that is not significant stays grey). Hover for p-values.</p>` +
    `<div class="legend"><span style="${shade(0)}">0</span><span style="${shade(0.5)}">½ threshold</span><span style="${shade(1)}">≥ threshold, not significant</span><span class="drifted" style="background:#f8c9c4;color:#7a1b12">drifted</span></div>` +
    `<div class="scroll"><table class="heat">${head}${rows.join('')}</table></div>` +
    (crit.length > 0
      ? `<p class="muted">Smallest significant KS statistic per window (before correction): ${e(crit.join(' · '))}.</p>`
      : '') +
    (skipped ? `<p class="muted">Not tested:</p><ul class="notes">${skipped}</ul>` : '')
  )
}

const performanceSection = (r: MonitoringReport): string => {
  const labels = r.windows.map((w) => windowLabel(r, w))
  const charts = r.performance.metrics.map((metric) => {
    const bound = r.performance.bounds[metric]
    const rules = [
      ...(bound?.min === undefined ? [] : [{ value: bound.min, label: `min ${bound.min}` }]),
      ...(bound?.max === undefined ? [] : [{ value: bound.max, label: `max ${bound.max}` }]),
    ]
    const points = r.performance.windows.map((w) => {
      const m = w.metrics.find((x) => x.metric === metric)
      return { value: m?.estimate ?? null, lower: m?.lower ?? null, upper: m?.upper ?? null }
    })
    return windowLineChart({
      title: `${metric} (${Math.round(100 * r.performance.level)}% bootstrap band)`,
      labels,
      points,
      rules,
    })
  })
  const coverage = windowBarChart({
    title: 'label coverage',
    labels,
    values: r.performance.windows.map((w) => (w.predictions > 0 ? w.coverage : null)),
    ...(r.performance.coverageMin === null
      ? {}
      : { rule: { value: r.performance.coverageMin, label: `min ${r.performance.coverageMin}` } }),
  })
  const rows = r.performance.windows.map(
    (w) =>
      `<tr><td class="name">${e(labels[w.window])}</td><td>${w.predictions}</td><td>${w.labelled}</td><td>${fmtCompactPercent(w.coverage)}</td>` +
      `<td>${w.meanLabel === null ? '—' : fmtCompact(w.meanLabel)}</td><td>${fmtDuration(w.latency?.p50Ms)}</td><td>${fmtDuration(w.latency?.p90Ms)}</td>` +
      `<td>${fmtDuration(w.latency?.p99Ms)}</td>${w.metrics.map((m) => `<td title="${e(m.reason ?? '')}">${m.estimate === null ? '—' : `${fmtCompact(m.estimate)}${m.lower === null ? '' : ` <span class="muted">${fmtInterval(m.lower, m.upper, fmtCompact)}</span>`}`}</td>`).join('')}</tr>`,
  )
  return (
    `<h2>Performance from delayed labels</h2><div class="charts">${charts.join('')}${coverage}</div>` +
    `<div class="scroll"><table><tr><th class="name">window</th><th>predictions</th><th>labelled</th><th>coverage</th><th>mean label</th>` +
    `<th>label lag p50</th><th>p90</th><th>p99</th>${r.performance.metrics.map((m) => `<th>${e(m)}</th>`).join('')}</tr>${rows.join('')}</table></div>`
  )
}

const qualitySection = (r: MonitoringReport): string => {
  const labels = r.windows.map((w) => windowLabel(r, w))
  const rows: string[] = []
  for (const q of r.quality) {
    for (const f of q.fields) {
      const oor = f.outOfRange ? fmtCompactPercent(f.outOfRange.rate) : '—'
      const unseen = f.unseen
        ? `${fmtCompactPercent(f.unseen.rate)}${f.unseen.top.length > 0 ? ` <span class="muted">(${f.unseen.top.map((t) => e(t.value)).join(', ')})</span>` : ''}`
        : '—'
      if (
        f.missing === 0 &&
        f.invalid === 0 &&
        (!f.outOfRange || f.outOfRange.rate === 0) &&
        (!f.unseen || f.unseen.count === 0)
      )
        continue
      rows.push(
        `<tr><td class="name">${e(labels[q.window])}</td><td class="name">${e(f.field)}</td><td>${fmtCompactPercent(f.missingRate)}</td><td>${f.invalid}</td><td>${oor}</td><td class="name">${unseen}</td></tr>`,
      )
    }
  }
  const checks = r.quality.flatMap((q) =>
    q.checks
      .filter((c) => c.failed + c.errors > 0)
      .map(
        (c) =>
          `<tr><td class="name">${e(labels[q.window])}</td><td class="name">${e(c.name)}</td><td>${c.failed}</td><td>${c.errors}</td><td>${fmtCompactPercent(c.rate)}</td><td class="name">${e(c.examples.join(' · '))}</td></tr>`,
      ),
  )
  const schema = r.quality
    .map((q) => `<td>${q.rows === 0 ? '—' : fmtCompactPercent(q.schemaViolations.rate)}</td>`)
    .join('')
  const unknown = [...new Set(r.quality.flatMap((q) => q.unknownFields.map((u) => u.name)))]
  const truncated = r.quality.reduce((s, q) => s + q.truncatedRows, 0)
  const skipped = [
    ...new Map(r.quality.flatMap((q) => q.skippedChecks).map((s) => [s.name, s.reason])).entries(),
  ]
  return (
    `<h2>Data quality</h2><div class="scroll"><table><tr><th class="name"></th>${labels.map((l) => `<th>${e(l)}</th>`).join('')}</tr>` +
    `<tr><td class="name">rows breaking the input schema</td>${schema}</tr></table></div>` +
    (rows.length === 0
      ? '<p class="muted">No missing, out-of-range or unseen values.</p>'
      : `<div class="scroll"><table><tr><th class="name">window</th><th class="name">field</th><th>missing</th><th>invalid</th><th>out of training range</th><th class="name">unseen categories</th></tr>${rows.join('')}</table></div>`) +
    (checks.length > 0
      ? `<div class="scroll"><table><tr><th class="name">window</th><th class="name">check</th><th>failed</th><th>errors</th><th>rate</th><th class="name">examples</th></tr>${checks.join('')}</table></div>`
      : '') +
    (unknown.length > 0
      ? `<p class="muted">Logged fields the model does not take: ${e(unknown.join(', '))}.</p>`
      : '') +
    (truncated > 0
      ? `<p class="muted">${truncated} row(s) had inputs over the server's logged-event size bound; they were not logged and are not monitored.</p>`
      : '') +
    (skipped.length > 0
      ? `<p class="muted">Checks not run: ${skipped.map(([n, why]) => `${e(n)} (${e(why)})`).join('; ')}.</p>`
      : '')
  )
}

const operationsSection = (r: MonitoringReport): string => {
  const labels = r.windows.map((w) => windowLabel(r, w))
  const logged = r.operational.some((o) => o.latency !== null || o.errors !== null)
  const rows = r.operational.map(
    (o) =>
      `<tr><td class="name">${e(labels[o.window])}</td><td>${o.predictions}</td><td>${o.requests}</td>` +
      `<td class="name">${o.span ? e(activeSpan(o.span)) : '—'}</td><td>${o.span ? fmtCompact(o.throughputPerSecond) : '—'}</td><td>${o.peakPerSecond}</td>` +
      `<td>${fmtCompactPercent(o.deferRate)}</td>` +
      (logged
        ? `<td>${o.latency ? fmtDuration(o.latency.p50Ms) : '—'}</td><td>${o.latency ? fmtDuration(o.latency.p95Ms) : '—'}</td><td>${o.latency ? fmtDuration(o.latency.p99Ms) : '—'}</td>` +
          `<td>${o.errors === null ? '—' : o.errors}</td>`
        : '') +
      `<td class="name">${e(
        Object.entries(o.sources)
          .map(([s, n]) => `${s} ${n}`)
          .join(', '),
      )}</td></tr>`,
  )
  const detectors = r.detectors.map(
    (d) =>
      `<tr><td class="name">${e(d.detector)}</td><td class="name">${e(d.stream)}</td><td>${d.observations}</td>` +
      `<td class="name wrap">${d.skipped ? e(d.skipped) : d.detections.length === 0 ? 'no change' : e(d.detections.map((f) => `#${f.index} (${f.window >= 0 ? labels[f.window] : '?'})`).join(', '))}</td></tr>`,
  )
  return (
    `<h2>Operations</h2><p class="muted">Per second: predictions over the time from the first to the last prediction of the window (at least one second); peak: the most within any one second.</p>` +
    `<div class="scroll"><table><tr><th class="name">window</th><th>predictions</th><th>requests</th><th class="name">traffic from – to</th><th>per second</th><th>peak second</th><th>deferred</th>` +
    (logged ? '<th>latency p50</th><th>p95</th><th>p99</th><th>errors</th>' : '') +
    `<th class="name">sources</th></tr>${rows.join('')}</table></div>` +
    (logged ? '' : `<p class="muted">${e(SERVING_METRICS_NOTE)}</p>`) +
    `<h2>Streaming detectors</h2><table><tr><th class="name">detector</th><th class="name">stream</th><th>observations</th><th class="name">fired at</th></tr>${detectors.join('')}</table>`
  )
}

/**
 * Render a monitoring report as one self-contained HTML page: inline CSS and hand-drawn inline
 * SVG, no scripts and nothing fetched from elsewhere, so it can be mailed, archived or opened from
 * an artifact store as is. Every user-supplied or logged string is escaped.
 */
export const renderMonitoringHtml = (r: MonitoringReport): string => {
  const body =
    r.windows.length === 0
      ? `${header(r)}<p>No predictions were logged in the range.</p>`
      : header(r) +
        alertsSection(r) +
        driftSection(r) +
        performanceSection(r) +
        qualitySection(r) +
        operationsSection(r)
  const notes = r.notes.map((n) => `<li>${e(n)}</li>`).join('')
  return htmlPage({
    title: `Monitoring: ${r.model}`,
    css: CHART_CSS + CSS,
    main: new SafeHtml(`${body}<h2>Notes</h2><ul class="notes">${notes}</ul>`),
  })
}
