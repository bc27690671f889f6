import type { SliceEvaluation } from '@keel/core'
import type { ModelCard } from './model-card.js'
import { badge, html, table, type SafeHtml } from '../kit/html.js'
import { fmtDate, fmtInterval, fmtNumber, fmtP, fmtPercent } from '../kit/format.js'
import { COLORS, intervalChart, lineChart } from '../kit/svg.js'

/**
 * Model-card sections about where the model works and where it came from: slices, importance,
 * behavioural tests, fairness, error clusters, the backtest, the leakage report and lineage.
 */

type Report = ModelCard['evaluation']

const sliceRows = (
  evals: readonly SliceEvaluation[],
  metric: string,
  failing: ReadonlySet<string>,
) =>
  evals
    .filter((s) => s.slice !== 'all')
    .map((s) => {
      const m = s.metrics[metric]
      return {
        label: s.slice,
        value: m?.value ?? null,
        lower: m?.lower,
        upper: m?.upper,
        flagged: failing.has(s.slice),
      }
    })

/** Declared and discovered slices, with intervals, and the Simpson checks. */
export const slicesSection = (r: Report): SafeHtml => {
  const metric = r.slices.metrics[0] ?? r.primaryMetric
  const overall =
    r.slices.declared.find((s) => s.slice === 'all')?.metrics[metric]?.value ??
    r.metrics[metric]?.value ??
    null
  const failing = new Set(
    r.gate.checks
      .filter((c) => c.check === 'slice' && !c.passed)
      .map((c) => c.target.slice(0, c.target.lastIndexOf('/'))),
  )
  const declaredRows = r.slices.declared.map((s) => [
    failing.has(s.slice) ? html`<span class="warn">${s.slice}</span>` : s.slice,
    s.rows.toLocaleString('en-US'),
    fmtPercent(s.share),
    ...r.slices.metrics.flatMap((m) => {
      const v = s.metrics[m]
      return [fmtNumber(v?.value), fmtInterval(v?.lower, v?.upper), fmtNumber(v?.difference)]
    }),
  ])
  const header = [
    'slice',
    'rows',
    'share',
    ...r.slices.metrics.flatMap((m) => [m, 'interval', 'vs overall']),
  ]
  const d = r.slices.discovered
  const discoveredRows = d
    ? d.discovery.slices.map((s) => [
        s.significant ? html`<strong>${s.name}</strong>` : s.name,
        s.rows.toLocaleString('en-US'),
        fmtPercent(s.share),
        fmtNumber(s.value),
        fmtNumber(s.complementValue),
        fmtNumber(s.gap),
        fmtP(s.adjustedPValue),
        s.significant ? badge(false, '', 'weak') : '',
      ])
    : []
  const reference = overall === null ? undefined : { value: overall, label: 'overall' }
  return html`<section id="slices">
    <h2>Slices</h2>
    ${r.slices.declared.length > 1 ? html`${intervalChart({ title: `${metric} by declared slice (with intervals)`, rows: sliceRows(r.slices.declared, metric, failing), mode: 'points', reference })}${table(header, declaredRows)}` : html`<p class="muted">No slices are declared in the config.</p>`}
    ${
      d
        ? html`<h3>Discovered weak slices (${d.discovery.metric})</h3>
            <p class="muted">
              ${d.discovery.candidates} candidate slices examined; ${d.discovery.test} tests,
              ${d.discovery.correction} correction at α = ${d.discovery.alpha}. Overall
              ${d.discovery.metric} ${fmtNumber(d.discovery.overall)}.
            </p>
            ${discoveredRows.length > 0 ? table(['slice', 'rows', 'share', d.discovery.metric, 'rest of data', 'gap', 'adjusted p', ''], discoveredRows) : html`<p>No slice does worse than overall.</p>`}
            ${d.evaluations.length > 1 ? intervalChart({ title: `${d.discovery.metric} on the top discovered slices`, rows: sliceRows(d.evaluations, d.discovery.metric, new Set()), mode: 'points', reference: { value: d.discovery.overall, label: 'overall' } }) : ''}`
        : ''
    }
    ${r.slices.simpson.map(
      (s) =>
        html`<h3>Simpson check: ${s.column} (candidate vs ${s.against})</h3>
          <p>
            ${s.paradox === 'none' ? 'No reversal.' : html`<span class="warn">${s.paradox === 'full' ? 'Full' : 'Partial'} Simpson reversal:</span> the overall winner loses ${s.reversals} of ${s.comparable} groups.`}
            Overall ${s.metric}: candidate ${fmtNumber(s.overall.a)}, ${s.against}
            ${fmtNumber(s.overall.b)}.
          </p>
          ${table(
            ['group', 'rows', 'candidate', s.against, 'winner'],
            s.slices.map((g) => [
              g.name,
              g.rowsA.toLocaleString('en-US'),
              fmtNumber(g.a),
              fmtNumber(g.b),
              g.winner === 'a' ? 'candidate' : g.winner === 'b' ? s.against : (g.winner ?? '—'),
            ]),
          )}`,
    )}
  </section>`
}

/** Feature importance with intervals, as given. */
export const importanceSection = (card: ModelCard): SafeHtml | '' => {
  const items = card.importance
  if (!items || items.length === 0) return ''
  const top = [...items].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 25)
  return html`<section id="importance">
    <h2>Feature importance</h2>
    ${intervalChart({ title: 'importance (top features)', mode: 'bars', rows: top.map((i) => ({ label: i.feature, value: i.value, lower: i.ci?.[0], upper: i.ci?.[1] })) })}
  </section>`
}

/** Behavioural tests with failing examples. */
export const behaviouralSection = (r: Report): SafeHtml | '' => {
  const b = r.behavioural
  if (!b) return ''
  const rows = b.results.map((t) => [
    badge(t.pass),
    t.name,
    t.kind,
    t.blocking ? 'yes' : 'no',
    `${t.passed} / ${t.cases}`,
    fmtPercent(t.passRate),
    fmtPercent(t.minPassRate),
    fmtNumber(t.maxChange),
  ])
  const failing = b.results.filter((t) => t.failures.length > 0)
  return html`<section id="behavioural">
    <h2>Behavioural tests</h2>
    ${table(['', 'test', 'kind', 'blocking', 'passed', 'pass rate', 'required', 'largest change'], rows, { numericFrom: 4 })}
    ${failing.map((t) => {
      const cols = Object.keys(t.failures[0]!.input).slice(0, 12)
      return html`<h3>Failing examples: ${t.name}</h3>
        ${table(
          ['row', 'before', 'after', ...(t.kind === 'invariance' ? ['set to'] : []), ...cols],
          t.failures.map((f) => [
            String(f.row),
            fmtNumber(f.before),
            fmtNumber(f.after),
            ...(t.kind === 'invariance' ? [String(f.value ?? '—')] : []),
            ...cols.map((c) => {
              const v = f.input[c]
              return typeof v === 'number' ? fmtNumber(v) : String(v ?? '—')
            }),
          ]),
          { numericFrom: 99 },
        )}`
    })}
  </section>`
}

/** Fairness across the sensitive attribute. */
export const fairnessSection = (r: Report): SafeHtml | '' => {
  const f = r.fairness
  if (!f) return ''
  const rows = f.groups.map((g) => [
    g.group,
    g.count.toLocaleString('en-US'),
    fmtPercent(g.selectionRate),
    fmtPercent(g.truePositiveRate),
    fmtPercent(g.falsePositiveRate),
    fmtPercent(g.accuracy),
  ])
  return html`<section id="fairness">
    <h2>Fairness across ${f.attribute}</h2>
    <p>
      Demographic parity difference
      <strong>${fmtNumber(f.demographicParityDifference)}</strong> (ratio
      ${fmtNumber(f.demographicParityRatio)}); equal opportunity difference
      ${fmtNumber(f.equalOpportunityDifference)}; equalized odds difference
      ${fmtNumber(f.equalizedOddsDifference)} (${f.method.replace('_', ' ')}).
    </p>
    ${table(['group', 'rows', 'selection rate', 'true positive rate', 'false positive rate', 'accuracy'], rows)}
  </section>`
}

/** Clusters of errors and what characterises them. */
export const errorsSection = (r: Report): SafeHtml | '' => {
  const e = r.errorAnalysis
  if (!e || e.errors === 0) return ''
  return html`<section id="errors">
    <h2>Error analysis</h2>
    <p>
      ${e.errors.toLocaleString('en-US')} of ${e.rows.toLocaleString('en-US')} test rows are
      errors${r.model.task === 'regression' ? ' (the worst decile of absolute error)' : ''}, in
      ${e.clusters.length} clusters.
    </p>
    ${table(
      ['cluster', 'errors', 'share', 'over-represented conditions'],
      e.clusters.map((c) => [
        String(c.id + 1),
        c.size.toLocaleString('en-US'),
        fmtPercent(c.share),
        html`${c.conditions.map((k) => html`<div>${k.label} <span class="muted">${fmtPercent(k.clusterRate)} vs ${fmtPercent(k.overallRate)}</span></div>`)}`,
      ]),
      { numericColumns: [1, 2] },
    )}
  </section>`
}

/** Metrics over time on the test split. */
export const backtestSection = (r: Report): SafeHtml | '' => {
  const b = r.backtest
  if (!b || b.windows.length === 0) return ''
  const metric = r.primaryMetric
  const xs = b.windows.map((w) => w.start)
  const ys = b.windows.map((w) => w.metrics[metric] ?? NaN)
  const rates = b.windows.map((w) => w.meanTarget ?? NaN)
  const finite = [...ys, ...rates].filter((v) => Number.isFinite(v))
  const lo = finite.length > 0 ? Math.min(...finite) : 0
  const hi = finite.length > 0 ? Math.max(...finite) : 1
  const period = typeof b.period === 'string' ? b.period : `${b.period.ms} ms`
  const trend = b.trend[metric]
  return html`<section id="backtest">
    <h2>Backtest over ${b.column}</h2>
    <p>
      ${b.windows.length} ${period} windows with rows
      (${b.mode})${b.emptyWindows ? `; ${b.emptyWindows} empty ${period} windows in the span are left out` : ''}.
      ${trend?.slopePerWindow == null ? (b.minTrendWindows ? `No trend: it needs ${b.minTrendWindows} windows with a value.` : '') : `Trend of ${metric}: ${fmtNumber(trend.slopePerWindow)} per ${period}.`}
    </p>
    <div class="charts">
      ${lineChart({
        title: `${metric} per ${period}`,
        xLabel: b.column,
        yLabel: metric,
        xDomain: [xs[0]!, xs[xs.length - 1]! === xs[0]! ? xs[0]! + 1 : xs[xs.length - 1]!],
        yDomain: [Math.max(0, lo - 0.05), hi + 0.05],
        xTick: fmtDate,
        width: 560,
        series: [
          { name: metric, x: xs, y: ys, color: COLORS.primary, markers: true },
          ...(r.model.task === 'regression'
            ? []
            : [{ name: 'positive rate', x: xs, y: rates, color: COLORS.muted, dashed: true }]),
        ],
      })}
    </div>
    ${table(
      ['window', 'rows', 'mean target', metric],
      b.windows.map((w) => [
        `${fmtDate(w.start)} – ${fmtDate(w.end)}`,
        w.rows.toLocaleString('en-US'),
        fmtNumber(w.meanTarget),
        fmtNumber(w.metrics[metric]),
      ]),
    )}
  </section>`
}

/** The leakage report, as flagged items (failures first). */
export const leakageSection = (card: ModelCard): SafeHtml | '' => {
  const items = card.leakage
  if (items === null) return ''
  const rank = (i: { status?: string; severity: string }): number =>
    (i.status === 'fail' ? 0 : i.status === 'warn' ? 1 : 2) * 3 +
    (i.severity === 'high' ? 0 : i.severity === 'medium' ? 1 : 2)
  const sorted = [...items].sort((a, b) => rank(a) - rank(b))
  const tone = (i: { status?: string; severity: string }): string =>
    i.status === 'fail' || i.severity === 'high' || i.severity === 'error'
      ? 'bad'
      : i.status === 'warn' || i.severity === 'medium' || i.severity === 'warning'
        ? 'warnbg'
        : ''
  return html`<section id="leakage">
    <h2>Leakage report</h2>
    ${
      sorted.length === 0
        ? html`<p>No leakage check flagged anything.</p>`
        : table(
            ['outcome', 'severity', 'check', 'feature', 'message'],
            sorted.map((i) => [
              html`<span class="sev ${tone(i)}">${i.status ?? '—'}</span>`,
              i.severity,
              i.check,
              i.feature ?? '—',
              i.message,
            ]),
            { numericFrom: 99 },
          )
    }
  </section>`
}

const ref = (v: { model: string; version: number }): string => `${v.model} v${v.version}`

/** Rows per split; a dataset's rows above are the whole table the splits were cut from. */
const splitRowsTable = (l: ModelCard['lineage']): SafeHtml | '' => {
  const s = l.splitRows
  if (!s) return ''
  const count = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en-US'))
  return html`<p class="muted">
      A dataset's rows count the whole table; the model was fitted on the train split only.
    </p>
    ${table(
      ['split', 'rows'],
      [
        ['train', count(s.train)],
        ['validation', count(s.validation)],
        ['test', count(s.test)],
      ],
    )}`
}

/** Where the model came from. */
export const lineageSection = (card: ModelCard): SafeHtml => {
  const l = card.lineage
  const params = Object.entries(l.params).map(([k, v]) => [
    k,
    typeof v === 'string' ? v : JSON.stringify(v),
  ])
  return html`<section id="lineage">
    <h2>Lineage</h2>
    ${table(
      ['', ''],
      [
        ['training run', l.runId ? `${l.runId}${l.runName ? ` (${l.runName})` : ''}` : '—'],
        ['code version', l.codeVersion ?? '—'],
        ['seed', l.seed === null ? '—' : String(l.seed)],
        ['parent', l.parent ? ref(l.parent) : '—'],
        ['ancestors', l.ancestors.length > 0 ? l.ancestors.map(ref).join(' ← ') : '—'],
        ['descendants', l.descendants.length > 0 ? l.descendants.map(ref).join(', ') : '—'],
        ['bundle', card.model.bundleDigest ?? '—'],
      ],
      { numericFrom: 99, className: 'kv' },
    )}
    <h3>Datasets</h3>
    ${
      l.datasets.length > 0
        ? table(
            ['role', 'fingerprint', 'rows'],
            l.datasets.map((d) => [
              d.role,
              html`<code>${d.fingerprint}</code>`,
              d.rows === undefined ? '—' : d.rows.toLocaleString('en-US'),
            ]),
            { numericFrom: 2 },
          )
        : html`<p class="muted">No dataset recorded.</p>`
    }
    ${splitRowsTable(l)}
    ${
      params.length > 0
        ? html`<h3>Parameters</h3>
            ${table(['parameter', 'value'], params, { numericFrom: 99 })}`
        : ''
    }
    ${
      card.aliasHistory.length > 0
        ? html`<h3>Alias history</h3>
            ${table(
              ['when', 'alias', 'from', 'to', 'by', 'reason'],
              card.aliasHistory.map((a) => [
                new Date(a.at).toISOString().replace('T', ' ').slice(0, 19),
                a.alias,
                a.fromVersion === null ? '—' : `v${a.fromVersion}`,
                a.toVersion === null ? '—' : `v${a.toVersion}`,
                a.actor,
                a.reason ?? '',
              ]),
              { numericFrom: 99 },
            )}`
        : ''
    }
  </section>`
}

/** Things the evaluation skipped and why. */
export const notesSection = (r: Report): SafeHtml | '' =>
  r.notes.length === 0
    ? ''
    : html`<section id="notes">
        <h2>Notes</h2>
        <ul>
          ${r.notes.map((n) => html`<li>${n}</li>`)}
        </ul>
      </section>`
