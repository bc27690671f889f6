import { fmtCompact, fmtCompactPercent, fmtDuration, fmtInterval } from '../kit/format.js'
import { windowLabel, windowSizeLabel } from './window-labels.js'
import type { MonitoringReport } from '../../monitoring/report.js'

const EFFECT_SHORT: Readonly<Record<string, string>> = {
  psi: 'psi',
  jensen_shannon: 'js',
  wasserstein_normalized: 'w/σ',
  ks_statistic: 'ks',
  cramers_v: 'V',
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length))

/**
 * A readable summary of a monitoring report for the terminal: which features drifted in which
 * window, prediction and label drift, performance per window with intervals and label coverage,
 * quality findings, detector firings and alerts. Every detail is in the JSON and HTML reports.
 */
export const renderMonitoringText = (r: MonitoringReport): string => {
  const lines: string[] = []
  const label = (k: number): string => windowLabel(r, r.windows[k]!)
  const version = r.version === null ? '' : ` v${r.version}`
  if (r.windows.length === 0) {
    return `${r.model}${version}: no predictions logged in the range — nothing to monitor yet.`
  }
  const first = r.windows[0]!
  const last = r.windows[r.windows.length - 1]!
  lines.push(
    `${r.model}${version} (${r.task}) — ${r.windows.length} window(s) of ${windowSizeLabel(r)}, ` +
      `${new Date(first.start).toISOString().slice(0, 10)} → ${new Date(last.end - 1).toISOString().slice(0, 10)}; ` +
      `${r.events.predictions.toLocaleString('en-US')} predictions, ${fmtCompactPercent(r.events.predictions ? r.events.labelled / r.events.predictions : 0)} labelled`,
  )
  if (r.file) {
    lines.push(
      `File ${r.file.path} (${r.file.role === 'batch' ? 'batch output' : 'input rows'}): ${r.file.rows} rows, ${r.file.rejected} rejected by the input schema, ${r.file.labelled} labelled`,
    )
  }

  lines.push(
    '',
    `Feature drift (${r.drift.basis === 'reference' ? 'vs the training reference' : 'no reference in the bundle'}; ${r.drift.correction}, α = ${r.drift.alpha}):`,
  )
  if (r.drift.windows.length === 0) lines.push('  not tested')
  for (const w of r.drift.windows) {
    if (w.status === 'skipped') {
      lines.push(`  ${pad(label(w.window), 17)} skipped: ${w.reason ?? ''}`)
      continue
    }
    const drifted = (w.report?.features ?? []).filter((f) => f.drifted)
    const text =
      drifted.length === 0
        ? 'stable'
        : drifted
            .map(
              (f) =>
                `${f.feature} (${EFFECT_SHORT[f.effect.metric] ?? f.effect.metric} ${fmtCompact(f.effect.value)})`,
            )
            .join(', ')
    lines.push(`  ${pad(label(w.window), 17)} ${text}`)
  }
  const series = [
    [`Prediction drift (${r.output.quantity})`, r.output],
    ['Label drift', r.labels],
  ] as const
  for (const [name, s] of series) {
    const drifted = s.windows.filter((w) => w.result?.drifted).map((w) => label(w.window))
    const basis =
      s.basis === 'reference'
        ? 'vs training'
        : s.basis === 'first_window'
          ? 'vs the first window'
          : 'no basis'
    lines.push(
      `${name} ${basis}: ${drifted.length === 0 ? 'stable' : `drifted in ${drifted.join(', ')}`}`,
    )
  }
  const adv = r.multivariate.windows.filter((w) => w.status === 'tested')
  if (adv.length > 0) {
    lines.push(
      `Multivariate (adversarial AUC ${r.multivariate.basis === 'reference_sample' ? 'vs training rows' : 'vs the first window'}): ${adv.map((w) => `${label(w.window)} ${fmtCompact(w.auc)}${w.drifted ? '!' : ''}`).join(', ')}`,
    )
  }

  lines.push('', 'Performance from delayed labels:')
  const metrics = r.performance.metrics
  lines.push(
    `  ${pad('window', 17)} ${pad('predictions', 12)} ${pad('coverage', 9)} ${pad('label lag p50', 14)}${metrics.map((m) => pad(m, 24)).join('')}`,
  )
  for (const w of r.performance.windows) {
    const cells = w.metrics.map((m) =>
      pad(
        m.estimate === null
          ? '—'
          : `${fmtCompact(m.estimate)}${m.lower === null ? '' : ` ${fmtInterval(m.lower, m.upper, fmtCompact)}`}`,
        24,
      ),
    )
    lines.push(
      `  ${pad(label(w.window), 17)} ${pad(String(w.predictions), 12)} ${pad(fmtCompactPercent(w.coverage), 9)} ${pad(fmtDuration(w.latency?.p50Ms), 14)}${cells.join('')}`,
    )
  }

  const quality: string[] = []
  for (const q of r.quality) {
    const found: string[] = []
    if (q.schemaViolations.rows > 0)
      found.push(`${q.schemaViolations.rows} row(s) break the schema`)
    if (q.truncatedRows > 0)
      found.push(`${q.truncatedRows} row(s) over the logged-event size bound, not monitored`)
    for (const f of q.fields) {
      if (f.outOfRange && f.outOfRange.rate > 0)
        found.push(`${f.field}: ${fmtCompactPercent(f.outOfRange.rate)} out of range`)
      if (f.unseen && f.unseen.count > 0)
        found.push(`${f.field}: ${fmtCompactPercent(f.unseen.rate)} unseen`)
    }
    for (const c of q.checks)
      if (c.failed + c.errors > 0) found.push(`check ${c.name}: ${fmtCompactPercent(c.rate)} fail`)
    if (found.length > 0) quality.push(`  ${pad(label(q.window), 17)} ${found.join('; ')}`)
  }
  lines.push('', quality.length === 0 ? 'Data quality: no findings' : 'Data quality:', ...quality)

  lines.push(
    '',
    'Traffic (per second over the span from first to last prediction; peak: busiest second):',
  )
  for (const o of r.operational) {
    if (!o.span) continue
    const latency = o.latency
      ? `; latency p50 ${fmtDuration(o.latency.p50Ms)}, p95 ${fmtDuration(o.latency.p95Ms)}, p99 ${fmtDuration(o.latency.p99Ms)}`
      : ''
    lines.push(
      `  ${pad(label(o.window), 17)} ${o.predictions.toLocaleString('en-US')} predictions, ${fmtCompact(o.throughputPerSecond)}/s over ${fmtDuration(o.span.last - o.span.first)}, peak ${o.peakPerSecond}/s${latency}`,
    )
  }
  if (r.operational.every((o) => o.latency === null))
    lines.push(
      '  latency and errors: not in the prediction log; keel serve exports them at /metrics',
    )

  const fired = r.detectors.filter((d) => d.detections.length > 0)
  lines.push(
    fired.length === 0
      ? 'Detectors: no change detected'
      : `Detectors: ${fired.map((d) => `${d.detector} at ${d.detections.map((f) => (f.window >= 0 ? label(f.window) : `#${f.index}`)).join(', ')}`).join('; ')}`,
  )

  const open = r.alerts.filter((a) => a.status === 'new')
  lines.push(
    '',
    r.alerts.length === 0
      ? 'Alerts: none'
      : `Alerts: ${open.length} new, ${r.alerts.length - open.length} ongoing from an earlier window`,
  )
  for (const a of r.alerts.slice(-20)) {
    const state =
      a.status === 'new'
        ? `first seen ${a.firstSeenAt.slice(0, 19).replace('T', ' ')} UTC${a.fresh ? '' : ', raised by an earlier run'}`
        : `ongoing since ${a.since.slice(0, 16).replace('T', ' ')}`
    lines.push(
      `  ${a.status === 'new' ? '●' : '○'} [${a.severity}] ${pad(label(a.window), 17)} ${a.message} (${state})`,
    )
  }
  if (r.alerts.length > 20)
    lines.push(`  … ${r.alerts.length - 20} earlier alert(s) in the JSON report`)
  if (r.delivery?.webhook && !r.delivery.webhook.ok)
    lines.push(
      `  webhook failed after ${r.delivery.webhook.attempts} attempt(s): ${r.delivery.webhook.error ?? ''}`,
    )
  return lines.join('\n')
}
