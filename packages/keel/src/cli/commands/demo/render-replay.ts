import type { ReplayEstimate, ReplaySummary } from '../../../replay/summary.js'
import { textTable } from '../text-table.js'
import type { Output } from '../../output.js'

const count = (n: number): string => n.toLocaleString('en-US')

const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits)

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`)

const withCi = (e: ReplayEstimate): string =>
  e.estimate === null
    ? '—'
    : e.lower === null || e.upper === null
      ? fmt(e.estimate)
      : `${fmt(e.estimate)} [${fmt(e.lower)}, ${fmt(e.upper)}]`

/** `06-07` from `2001-06-07`: the weeks of one month need no year. */
const short = (isoDay: string): string => isoDay.slice(5)

/**
 * The demo's live phase as text: the traffic, feature drift from the training months week by
 * week, performance over the weeks with intervals and label coverage, the alerts, and the report.
 */
export const renderReplay = (r: ReplaySummary, out: Output): string => {
  const t = r.traffic
  const lines: string[] = []
  lines.push(
    `${out.style('bold', 'live replay')} — the held-out month served by ${r.url} (${r.alias === null ? `${r.model} v${r.version ?? '?'}` : `${r.model}:${r.alias} → v${r.version ?? '?'}`}), each label posted when the flight has landed`,
  )
  lines.push(
    `  ${count(t.rows)} flights in ${count(t.predictRequests)} predict requests · ${t.errors} errors · ${fmt(t.latency.p50Ms, 0)} ms p50, ${fmt(t.latency.p99Ms, 0)} ms p99 per request · ${fmt(t.seconds, 1)} s (${fmt(r.cpuSeconds.traffic, 1)} s CPU)`,
  )
  lines.push(
    `  ${count(t.labelsSent)} labels through POST /v1/feedback in ${count(t.feedbackRequests)} requests; ${count(t.labelsPending)} not yet arrived when the month ended`,
  )
  if (t.firstError) lines.push(`  ${out.style('red', 'first error:')} ${t.firstError}`)
  const f = r.features
  if (f) {
    const c = f.consistency
    const mismatched = c.overall.predictionsWithMismatch
    lines.push('')
    lines.push(
      `  ${out.style('bold', 'feature store')} — requests carried the airports; ${f.service}@${f.version} was read from the online store, materialized every simulated hour (${count(f.materializations)} runs, ${count(f.keysWritten)} keys written, ${fmt(f.materializeSeconds, 1)} s)`,
    )
    lines.push(
      `    online/offline consistency: ${count(c.checked)} logged predictions recomputed point in time → ${
        mismatched === 0
          ? out.style('green', '0 mismatches')
          : out.style('red', `${count(mismatched)} with a mismatch (${pct(c.overall.rate)})`)
      } over ${c.perFeature.map((x) => x.feature).join(', ')} (${fmt(f.checkSeconds, 1)} s; \`keel features check\` does the same)`,
    )
  }

  lines.push('')
  lines.push(
    `  ${out.style('bold', 'drift from the training months')}, effect size per week (* = drifted: significant after correction and effect ≥ threshold)`,
  )
  const weekHeads = r.weeks.map((w) => short(w.start) + (w.partial ? '′' : ''))
  lines.push(
    indent(
      textTable(
        ['feature', 'effect', 'threshold', ...weekHeads],
        r.drift.map((d) => [
          d.feature,
          d.effect,
          fmt(d.threshold, 2),
          ...d.weekly.map((v, k) => `${fmt(v)}${d.drifted[k] ? '*' : ''}`),
        ]),
      ),
    ),
  )
  const adv = r.weeks.map((w) => fmt(w.adversarialAuc, 2)).join('  ')
  lines.push(`    adversarial AUC, training rows vs each week (0.5 = indistinguishable): ${adv}`)

  lines.push('')
  lines.push(
    `  ${out.style('bold', 'performance over the weeks')}, from the delayed labels (95% bootstrap intervals)`,
  )
  lines.push(
    indent(
      textTable(
        ['week', 'flights', 'labelled', 'late rate', 'ROC AUC', 'log loss', 'label lag p50'],
        r.weeks.map((w) => [
          `${short(w.start)}…${short(w.end)}${w.partial ? '′' : ''}`,
          count(w.predictions),
          pct(w.coverage),
          pct(w.positiveRate),
          withCi(w.rocAuc),
          withCi(w.logLoss),
          w.labelLagP50Minutes === null ? '—' : `${fmt(w.labelLagP50Minutes / 60, 1)} h`,
        ]),
      ),
    ),
  )
  if (r.weeks.some((w) => w.partial))
    lines.push(`    ′ a week cut by the ends of the month (7-day windows aligned on the epoch)`)

  lines.push('')
  lines.push(
    `  ${out.style('bold', 'alerts')}: ${r.alerts.length} raised (${r.alertWindows} counting every week an alert stayed on)`,
  )
  for (const a of r.alerts.slice(0, 12)) {
    const mark = a.severity === 'critical' ? out.style('red', '✗') : out.style('yellow', '!')
    lines.push(`    ${mark} ${short(a.week)}  ${a.message}`)
  }
  if (r.alerts.length > 12) lines.push(`    … and ${r.alerts.length - 12} more in the report`)
  lines.push('')
  lines.push(
    `  ${out.style('bold', 'report')} ${r.report.html} (and .json) · monitoring took ${fmt(r.monitorSeconds, 1)} s (${fmt(r.cpuSeconds.monitor, 1)} s CPU)`,
  )
  return lines.join('\n')
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
