import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'vitest'
import { createRng } from '@keel/core'
import { loadProject } from '../config/index.js'
import { trainProject } from '../workflows/train.js'
import { writeSyntheticProject } from './test-support/synthetic-project.js'
import { evaluateCandidate, evaluationSplits, baselinePredictions, timestampColumnOf } from './index.js'
import { writeFileSync } from 'node:fs'

test('try', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-eval-'))
  writeSyntheticProject(dir)
  const project = await loadProject({ cwd: dir })
  const { result, artifacts } = await trainProject(project)
  const splits = evaluationSplits(artifacts.frame, artifacts.splitIndices, artifacts.bundle)
  const t0 = performance.now()
  const out = evaluateCandidate({
    bundle: artifacts.bundle,
    ...splits,
    baselines: baselinePredictions(artifacts.models, result.results.filter((r) => r.role === 'baseline').map((r) => r.name), splits.test, artifacts.bundle),
    config: {
      slices: [{ column: 'region' }, { name: 'evening', where: (r: any) => (r.hour as number) >= 17 }, { column: 'x1', range: { min: 0 } }],
      behavioural: [
        { kind: 'directional', name: 'x1 up raises risk', feature: 'x1', delta: 1, expect: 'increase', tolerance: 0.01 },
        { kind: 'invariance', name: 'region invariance', feature: 'region', tolerance: 0.05, blocking: false },
      ],
      fairness: { attribute: 'region' },
      gate: { minimum: { roc_auc: 0.7 }, maxEce: 0.1, sliceFloors: [{ slice: '*', metric: 'roc_auc', min: 0.6 }] },
    },
    rng: createRng(1),
    timestampColumn: timestampColumnOf(project, artifacts.frame),
    onPhase: (p) => console.log(p, (performance.now() - t0).toFixed(0)),
  })
  writeFileSync('/tmp/report.json', JSON.stringify(out.report, null, 1))
  console.log(JSON.stringify(out.report.gate), out.threshold, out.report.notes)
})
