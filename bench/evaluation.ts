/**
 * Offline evaluation at scale: `evaluateCandidate` on a GBDT with validation and test splits of N
 * rows each (default 200k), with declared slices, weak-slice discovery, a behavioural test, a
 * champion comparison and the default 500 bootstrap resamples (budgeted by rows). Reports seconds
 * per phase and the peak RSS. Usage: `npm run bench -- evaluation [rows]`.
 */
import { createRng, evaluateCandidate } from '@keel/core'
import { renderModelCardHtml, modelCard } from 'keel'
import { toyBundle, toyData } from '@keel/core/testing'
import { peakRssMb, report, round, timed } from './util.js'

const rows = Number(process.argv[3] ?? 200_000)
const bundle = toyBundle('binary', toyData('binary', 20_000, 1))
const champion = toyBundle('binary', toyData('binary', 2_000, 9))
const validation = toyData('binary', rows, 2)
const test = toyData('binary', rows, 3)
const phases: Record<string, number> = {}
let last = performance.now()
let current = 'start'
const [outcome, seconds] = await timed(() =>
  evaluateCandidate({
    bundle,
    validation,
    test,
    champion: { name: 'toy:production', version: 1, bundle: champion },
    rng: createRng(1),
    timestampColumn: 't',
    config: {
      slices: [{ column: 'region' }],
      behavioural: [
        {
          kind: 'directional',
          name: 'x1',
          feature: 'x1',
          delta: 0.5,
          expect: 'increase',
          tolerance: 0.01,
        },
      ],
      gate: { maxRegression: { roc_auc: 0.01, log_loss: 0.01 } },
    },
    onPhase: (p) => {
      const now = performance.now()
      phases[current] = round((now - last) / 1000)
      current = p
      last = now
    },
  }),
)
phases[current] = round((performance.now() - last) / 1000)
const [page, renderSeconds] = await timed(() =>
  renderModelCardHtml(modelCard({ report: outcome.report, bundle })),
)
console.log(phases)
report({
  rows,
  seconds: round(seconds),
  phases,
  renderSeconds: round(renderSeconds),
  htmlKb: round(page.length / 1024, 1),
  reportKb: round(JSON.stringify(outcome.report).length / 1024, 1),
  resamples: outcome.report.metrics['log_loss']?.resamples,
  peakRssMb: peakRssMb(),
})
