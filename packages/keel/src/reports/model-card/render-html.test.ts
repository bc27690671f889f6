import { describe, expect, it } from 'vitest'
import { createRng, evaluateCandidate, applyEvaluation } from '@keel/core'
import { toyBundle, toyData } from '@keel/core/testing'
import { modelCard } from './model-card.js'
import { renderModelCardHtml } from './render-html.js'

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>'"&`

const card = () => {
  const train = toyData('binary', 600, 1)
  const bundle = toyBundle('binary', train)
  const validation = toyData('binary', 300, 2)
  const test = toyData('binary', 300, 3)
  const outcome = evaluateCandidate({
    bundle,
    validation,
    test,
    rng: createRng(1),
    timestampColumn: 't',
    config: {
      bootstrap: { resamples: 100 },
      slices: [{ column: 'region' }, { name: EVIL, where: (r: { x1: number }) => r.x1 > 0 }],
      behavioural: [
        { kind: 'invariance', name: EVIL, feature: 'region', values: [EVIL], tolerance: 0 },
      ],
      fairness: { attribute: 'region' },
      gate: { minimum: { roc_auc: 0.99 } },
    },
  })
  const json = { ...applyEvaluation(bundle, outcome).toJSON(), name: EVIL }
  return modelCard({
    report: outcome.report,
    bundle: json,
    importance: [{ feature: EVIL, value: 0.4, ci: [0.3, 0.5] }],
    leakage: [{ check: EVIL, feature: EVIL, severity: 'high', status: 'fail', message: EVIL }],
    generatedAt: '2024-01-01T00:00:00.000Z',
  })
}

describe('the HTML model card', () => {
  const c = card()
  const page = renderModelCardHtml(c)

  it('is one self-contained document that loads nothing and runs nothing', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true)
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)
    expect(page).not.toMatch(/<(script|img|link|iframe|object|embed)\b|url\(|@import/i)
    // No real tag carries a source or an event handler (escaped text may spell them out).
    expect(page).not.toMatch(/<[a-z][^>]*\s(src|href|on[a-z]+)=(?!"#)/i)
    expect(page.match(/https?:\/\/[^"]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(
      true,
    )
  })

  it('escapes user strings everywhere they appear', () => {
    expect(page).not.toContain(EVIL)
    expect(page).not.toMatch(/<[^>]*onerror/)
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    // Title, header, slice table and chart, behavioural test and its example, importance, leakage.
    expect(page.split(escaped).length - 1).toBeGreaterThanOrEqual(8)
  })

  it('draws the charts and shows the gate’s refusal', () => {
    for (const id of [
      'gate',
      'metrics',
      'curves',
      'calibration',
      'slices',
      'importance',
      'behavioural',
      'fairness',
      'backtest',
      'leakage',
      'lineage',
    ]) {
      expect(page).toContain(`<section id="${id}">`)
    }
    expect((page.match(/<svg\b/g) ?? []).length).toBeGreaterThanOrEqual(6)
    expect(page).toContain('Refused: 2 of 2 checks failed.')
    expect(page).not.toMatch(/NaN|undefined|\[object Object\]/)
  })

  it('is stable for the same card', () => {
    expect(renderModelCardHtml(c)).toBe(page)
    expect(JSON.parse(JSON.stringify(c)).format).toBe('keel-model-card')
  })
})

describe('the card of a multiclass model with an empty gate', () => {
  const train = toyData('multiclass', 600, 1)
  const bundle = toyBundle('multiclass', train)
  const outcome = evaluateCandidate({
    bundle,
    validation: toyData('multiclass', 300, 2),
    test: toyData('multiclass', 300, 3),
    rng: createRng(1),
    config: { bootstrap: { resamples: 100 } },
  })
  const c = modelCard({
    report: outcome.report,
    bundle: applyEvaluation(bundle, outcome),
    generatedAt: '2024-01-01T00:00:00.000Z',
  })
  const page = renderModelCardHtml(c)

  it('says the gate judged nothing, in words and not in green', () => {
    expect(page).toContain('class="verdict none">Not judged: the gate has no checks configured')
    expect(page).toContain('<span class="badge none">unchecked</span>')
    expect(page).not.toMatch(/every check passed|badge ok">blessed/)
    // The stance on leakage is stated even when it is the default and no report ran.
    expect(page).toContain("<code>gate.leakage: 'warn'</code> (the default)")
    expect(page).toContain('no leakage report was run')
  })

  it('prints no decision threshold for a multiclass model', () => {
    expect(page).not.toMatch(/threshold\s+0\.5/)
  })

  it('shows the confusion matrix and per-class scores, labelled with the plain bootstrap', () => {
    const classes = outcome.report.classReport!
    expect(page).toContain('<section id="classes">')
    expect(page).toContain('macro avg')
    // Every test row is in the matrix once.
    expect(classes.confusion.flat().reduce((a, b) => a + b, 0)).toBe(300)
    expect(page).toContain('bootstrap (rows resampled freely)')
  })

  it('gives the rows of each split, not the whole table as "train"', () => {
    expect(c.lineage.splitRows).toEqual({ train: null, validation: 300, test: 300 })
    const json = applyEvaluation(bundle, outcome).toJSON()
    const split = { kind: 'time', sizes: { train: 278, validation: 60, test: 60 } }
    const recorded = modelCard({
      report: outcome.report,
      bundle: {
        ...json,
        lineage: {
          ...json.lineage,
          split,
          datasets: [{ role: 'train', fingerprint: 'f', rows: 398 }],
        },
      },
    })
    expect(recorded.lineage.splitRows).toEqual({ train: 278, validation: 60, test: 60 })
    const html = renderModelCardHtml(recorded)
    expect(html).toContain('the model was fitted on the train split only')
    expect(html).toMatch(/<td>train<\/td>\s*<td class="num">278<\/td>/)
  })

  it('shows the rows behind each reliability bin and which bins the MCE reads', () => {
    expect(page).toContain('<h3>Rows per bin</h3>')
    const raw = outcome.report.calibration!.raw
    expect(raw.mceMinCount).toBe(10)
    expect(page).toContain('over bins of at least 10 rows')
  })
})

describe('report adapters', () => {
  it('turn permutation importance and a leakage report into card items', async () => {
    const { importanceFromPermutation, leakageItems } = await import('./model-card.js')
    expect(
      importanceFromPermutation({
        features: [
          { feature: 'a', mean: 0.2, ci: { lower: 0.1, upper: 0.3 } },
          { feature: 'b', mean: 0.01, ci: null },
        ],
      }),
    ).toEqual([
      { feature: 'a', value: 0.2, ci: [0.1, 0.3] },
      { feature: 'b', value: 0.01 },
    ])
    expect(
      leakageItems({
        checks: [
          { check: 'time_travel', feature: 'x', severity: 'high', status: 'fail', message: 'm' },
          { check: 'duplicates_exact', severity: 'low', status: 'pass', message: 'ok' },
        ],
      }),
    ).toEqual([
      { check: 'time_travel', feature: 'x', severity: 'high', status: 'fail', message: 'm' },
    ])
  })
})
