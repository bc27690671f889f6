import { gateStatement, gateVerdict } from '@keel/core'
import type { ModelCard } from './model-card.js'
import { badge, html, table, type SafeHtml } from '../kit/html.js'
import { fmtInterval, fmtNumber, fmtP, fmtPercent } from '../kit/format.js'
import { COLORS, lineChart } from '../kit/svg.js'

/**
 * Model-card sections about performance: the gate, metrics with intervals and comparisons, ROC and
 * PR curves, the threshold and confidence, and calibration.
 */

type Report = ModelCard['evaluation']

/** CSS class of a verdict: green only when checks ran and passed; neutral when none ran. */
export const verdictClass = (r: Report): string =>
  ({ blessed: 'ok', refused: 'bad', unchecked: 'none' })[gateVerdict(r.gate)]

/** The gate's stance on leakage, stated whether or not it blocks (older reports have none). */
const leakageStance = (r: Report): SafeHtml | '' => {
  const l = r.gate.leakage
  if (!l) return ''
  const stance =
    l.stance === 'fail'
      ? 'a failing leakage report refuses the candidate'
      : l.stance === 'warn'
        ? 'leakage findings are shown but do not block'
        : 'leakage is not judged'
  const report =
    l.status === null
      ? 'no leakage report was run'
      : `the leakage report ${l.status === 'fail' ? `fails${l.failedFeatures.length > 0 ? ` (${l.failedFeatures.join(', ')})` : ''}` : l.status === 'warn' ? 'has questions to review' : 'passes'}`
  return html`<p class="muted">
    Leakage stance: <code>gate.leakage: '${l.stance}'</code>${l.defaulted ? ' (the default)' : ''} —
    ${stance}; ${report}.
  </p>`
}

/** The gate's decision with every check. */
export const gateSection = (r: Report): SafeHtml => {
  const rows = r.gate.checks.map((c) => [badge(c.passed), c.check, c.target, c.message])
  // Computed from the checks, so a report stored before the verdict field reads the same way.
  return html`<section id="gate">
    <h2>Gate</h2>
    <p class="verdict ${verdictClass(r)}">${gateStatement(r.gate)}.</p>
    ${leakageStance(r)}
    ${
      r.gate.reasons.length > 0
        ? html`<ul class="reasons">
            ${r.gate.reasons.map((m) => html`<li>${m}</li>`)}
          </ul>`
        : ''
    }
    ${rows.length > 0 ? table(['', 'check', 'target', 'detail'], rows, { numericFrom: 99 }) : html`<p class="muted">The gate declares no checks.</p>`}
  </section>`
}

/**
 * How the bootstrap resampled rows: plain (the default, what a scikit-learn user's own bootstrap
 * does) or within each class (an explicit config choice, with narrower intervals).
 */
const resamplingLabel = (r: Report): string =>
  Object.values(r.metrics).some((m) => m.resampling === 'stratified')
    ? 'stratified bootstrap (resampled within each class)'
    : 'bootstrap (rows resampled freely)'

/** Why some intervals are not the usual ones (boundary values, too few rows). */
const intervalNotes = (r: Report): SafeHtml | '' => {
  const notes = Object.entries(r.metrics).filter(([, m]) => m.note)
  return notes.length === 0
    ? ''
    : html`<ul class="muted">
        ${notes.map(([name, m]) => html`<li>${name}: ${m.note}</li>`)}
      </ul>`
}

/** Test metrics with intervals, validation values, baselines and the champion side by side. */
export const metricsSection = (r: Report): SafeHtml => {
  const others = [...r.baselines, ...(r.champion ? [r.champion] : [])]
  const header = [
    'metric',
    'test',
    `${Math.round((Object.values(r.metrics)[0]?.level ?? 0.95) * 100)}% interval`,
    'validation',
    ...others.map((o) => (o.role === 'champion' ? `champion v${o.version ?? '?'}` : o.name)),
  ]
  const rows = Object.entries(r.metrics).map(([name, m]) => [
    name === r.primaryMetric ? html`<strong>${name}</strong>` : name,
    fmtNumber(m.value),
    html`${fmtInterval(m.lower, m.upper)}
      <span class="muted">${m.method === 'none' ? '' : m.method}</span>`,
    fmtNumber(r.validationMetrics[name]),
    ...others.map((o) => fmtNumber(o.metrics[name])),
  ])
  const comparisons = others.flatMap((o) =>
    o.comparisons.map((c) => [
      o.role === 'champion' ? `champion v${o.version ?? '?'}` : o.name,
      c.metric,
      fmtNumber(c.difference),
      fmtInterval(c.lower, c.upper),
      fmtP(c.pValue),
      c.note ? html`${c.method} <span class="warn">${c.note}</span>` : c.method,
    ]),
  )
  return html`<section id="metrics">
    <h2>Metrics on the test split</h2>
    <p class="muted">
      ${r.data.testRows.toLocaleString('en-US')} test rows,
      ${r.data.validationRows.toLocaleString('en-US')} validation
      rows${r.data.testPositiveRate === null ? '' : `, ${fmtPercent(r.data.testPositiveRate)} positive`}.
      Intervals: DeLong for ROC-AUC, seeded ${resamplingLabel(r)} otherwise; Wilson score or a
      one-sided exact bound where a value sits at 0 or 1.
    </p>
    ${table(header, rows)} ${intervalNotes(r)}
    ${
      comparisons.length > 0
        ? html`<h3>Paired comparisons (candidate − other)</h3>
            ${table(['against', 'metric', 'difference', 'interval', 'p-value', 'test'], comparisons, { numericFrom: 2 })}`
        : ''
    }
  </section>`
}

/** ROC and precision–recall curves. */
export const curvesSection = (r: Report): SafeHtml | '' => {
  if (!r.curves) return ''
  const auc = r.metrics['roc_auc']?.value
  const ap = r.metrics['average_precision']?.value
  return html`<section id="curves">
    <h2>ROC and precision–recall</h2>
    <div class="charts">
      ${lineChart({
        title: `ROC curve${auc == null ? '' : ` (AUC ${fmtNumber(auc, 3)})`}`,
        xLabel: 'false positive rate',
        yLabel: 'true positive rate',
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
        series: [
          { name: 'candidate', x: r.curves.roc.x, y: r.curves.roc.y, color: COLORS.primary },
        ],
      })}
      ${lineChart({
        title: `Precision–recall curve${ap == null ? '' : ` (AP ${fmtNumber(ap, 3)})`}`,
        xLabel: 'recall',
        yLabel: 'precision',
        xDomain: [0, 1],
        yDomain: [0, 1],
        ...(r.data.testPositiveRate === null
          ? {}
          : { hline: { y: r.data.testPositiveRate, label: 'positive rate' } }),
        series: [{ name: 'candidate', x: r.curves.pr.x, y: r.curves.pr.y, color: COLORS.primary }],
      })}
    </div>
  </section>`
}

/** The decision threshold and the confidence / deferral trade-off. */
export const decisionSection = (card: ModelCard): SafeHtml | '' => {
  const r = card.evaluation
  if (!r.threshold && !r.confidence) return ''
  const t = r.threshold
  const opRows = t
    ? [
        ...(t.validation ? [['validation', t.validation] as const] : []),
        ['test', t.test] as const,
      ].map(([split, p]) => [
        split,
        fmtNumber(p.precision),
        fmtNumber(p.recall),
        fmtNumber(p.f1),
        fmtNumber(p.falsePositiveRate),
        fmtPercent(p.positiveRate),
      ])
    : []
  const c = r.confidence
  return html`<section id="decision">
    <h2>Threshold and confidence</h2>
    ${
      t
        ? html`<p>
              Decision rule: positive when the
              ${card.postprocess.calibrator === 'none' ? '' : 'calibrated '}probability ≥
              <strong>${fmtNumber(t.threshold)}</strong>
              (${t.source === 'validation' ? `chosen on validation for ${t.objective ? t.objective.kind : 'the objective'}` : t.source === 'bundle' ? 'stored in the bundle' : t.source === 'fixed' ? 'fixed in the config' : 'default'}).${t.note ? html` <span class="warn">${t.note}</span>` : ''}
            </p>
            ${table(['split', 'precision', 'recall', 'F1', 'false positive rate', 'alert rate'], opRows)}`
        : ''
    }
    ${
      c
        ? html`<p>
              Mean confidence ${fmtNumber(c.meanConfidence, 3)}.
              ${c.deferBelow === null ? 'No deferral threshold is declared.' : html`Predictions below confidence <strong>${fmtNumber(c.deferBelow, 3)}</strong> are deferred: ${fmtPercent(c.deferRate)} of test rows${c.summary?.accuracyAnswered == null ? '' : `; accuracy on the answered rows ${fmtNumber(c.summary.accuracyAnswered, 3)} vs ${fmtNumber(c.summary.accuracyAll, 3)} on all`}.`}
            </p>
            <div class="charts">
              ${lineChart({
                title: 'Risk–coverage: accuracy of the rows answered',
                xLabel: 'coverage (share answered)',
                yLabel: 'accuracy',
                xDomain: [0, 1],
                yDomain: [Math.max(0, Math.min(...c.coverage.accuracy) - 0.05), 1],
                series: [
                  {
                    name: 'answered rows',
                    x: c.coverage.coverage,
                    y: c.coverage.accuracy,
                    color: COLORS.primary,
                  },
                ],
              })}
            </div>`
        : ''
    }
  </section>`
}

/** Which bins the MCE reads (reports made before the minimum have no `mceMinCount`). */
const mceNote = (c: NonNullable<Report['calibration']>['raw']): string => {
  const min = c.mceMinCount ?? 1
  if (min <= 1) return ''
  const excluded = c.mceExcludedBins ?? 0
  return c.mce === null
    ? `; no bin has ${min} rows, so there is no MCE`
    : ` over bins of at least ${min} rows${excluded > 0 ? ` (${excluded} smaller bin${excluded === 1 ? '' : 's'} left out)` : ''}`
}

/** The reliability diagram, raw against calibrated, with ECE and MCE. */
export const calibrationSection = (r: Report): SafeHtml | '' => {
  const c = r.calibration
  if (!c) return ''
  const series = [
    {
      name: c.topLabel ? 'top label' : 'raw',
      x: c.raw.bins.map((b) => b.meanPredicted),
      y: c.raw.bins.map((b) => b.fractionPositive),
      color: COLORS.secondary,
      markers: true,
    },
    ...(c.calibrated
      ? [
          {
            name: `calibrated (${c.method})`,
            x: c.calibrated.bins.map((b) => b.meanPredicted),
            y: c.calibrated.bins.map((b) => b.fractionPositive),
            color: COLORS.primary,
            markers: true,
          },
        ]
      : []),
  ]
  const rows = [
    ['raw', fmtNumber(c.raw.ece), fmtNumber(c.raw.mce)],
    ...(c.calibrated
      ? [[`calibrated (${c.method})`, fmtNumber(c.calibrated.ece), fmtNumber(c.calibrated.mce)]]
      : []),
  ]
  return html`<section id="calibration">
    <h2>Calibration</h2>
    <p>
      ${c.reason}.${c.validationLogLoss ? ` Validation log loss ${fmtNumber(c.validationLogLoss.raw)} raw, ${fmtNumber(c.validationLogLoss.calibrated)} calibrated.` : ''}
    </p>
    <div class="charts">
      ${lineChart({
        title: 'Reliability diagram (test split)',
        xLabel: c.topLabel ? 'mean confidence' : 'mean predicted probability',
        yLabel: c.topLabel ? 'accuracy' : 'fraction positive',
        xDomain: [0, 1],
        yDomain: [0, 1],
        diagonal: true,
        series,
      })}
      <div>
        ${table(['probabilities', 'ECE', 'MCE'], rows)}
        <p class="muted">
          ${c.raw.strategy} bins; ECE is the weighted mean gap between predicted and observed, MCE
          the largest${mceNote(c.calibrated ?? c.raw)}.
        </p>
      </div>
    </div>
    <h3>Rows per bin${c.calibrated ? ` (calibrated, ${c.method})` : ''}</h3>
    ${table(
      [
        'bin',
        'rows',
        c.topLabel ? 'mean confidence' : 'mean predicted',
        c.topLabel ? 'accuracy' : 'fraction positive',
      ],
      (c.calibrated ?? c.raw).bins.map((b) => [
        `${fmtNumber(b.lower, 2)}–${fmtNumber(b.upper, 2)}`,
        b.count.toLocaleString('en-US'),
        fmtNumber(b.meanPredicted, 3),
        fmtNumber(b.fractionPositive, 3),
      ]),
    )}
  </section>`
}
