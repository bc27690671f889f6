import type { ModelCard } from './model-card.js'
import { html, table, type SafeHtml } from '../kit/html.js'
import { fmtNumber } from '../kit/format.js'

/**
 * The model-card section about classes: the confusion matrix (actual by predicted) and the
 * per-class precision, recall, F1 and support, laid out as scikit-learn's `classification_report`.
 */

type Report = ModelCard['evaluation']

const count = (n: number): string => n.toLocaleString('en-US')

/** Confusion matrix and per-class scores of the served predictions (classification only). */
export const classesSection = (r: Report): SafeHtml | '' => {
  const c = r.classReport
  if (!c) return ''
  const confusion = c.labels.map((label, i) => [
    html`<strong>${label}</strong>`,
    ...c.confusion[i]!.map(count),
    count(c.confusion[i]!.reduce((a, b) => a + b, 0)),
  ])
  const perClass = [
    ...c.perClass.map((p) => [
      p.class,
      fmtNumber(p.precision),
      fmtNumber(p.recall),
      fmtNumber(p.f1),
      count(p.support),
    ]),
    ['accuracy', '', '', fmtNumber(c.accuracy), count(r.data.testRows)],
    ...(['macro', 'weighted'] as const).map((k) => [
      `${k} avg`,
      fmtNumber(c[k].precision),
      fmtNumber(c[k].recall),
      fmtNumber(c[k].f1),
      count(r.data.testRows),
    ]),
  ]
  return html`<section id="classes">
    <h2>Classes</h2>
    <p class="muted">
      Test rows by actual class (rows) and predicted class (columns), as
      served${r.threshold ? ` (threshold ${fmtNumber(r.threshold.threshold)})` : ''}.
    </p>
    ${table(['actual \\ predicted', ...c.labels, 'total'], confusion)}
    ${table(['class', 'precision', 'recall', 'F1', 'support'], perClass)}
  </section>`
}
