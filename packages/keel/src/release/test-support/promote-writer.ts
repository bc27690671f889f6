/**
 * Child process for the evaluate → promote crash and concurrency tests. It walks the real path
 * training and `keel evaluate` take — open a leased training run kept alive by heartbeats, store
 * the evaluation report, register the evaluated bundle with the status its gate earned and its
 * model card, end the run, record an evaluation run, promote through the gate — in a loop until it
 * is killed or has made `count` iterations (`crash` mode), or promotes blessed versions `count`
 * times (`race` mode).
 *
 * Usage: tsx promote-writer.ts <dir> <crash|race> <seed> [count] [postgres-url] [schema]
 */
import {
  KeelError,
  createRng,
  type ModelBundle,
  applyEvaluation,
  evaluateCandidate,
  type EvaluationOutcome,
} from '@keel/core'
import { openStores } from '../../stores/open-stores.js'
import { keepRunAlive, RUN_LEASE_MS } from '../../stores/index.js'
import { buildVersionCard } from '../../reports/model-card/version-card.js'
import { storeModelCard } from '../../reports/model-card/write-card.js'
import { startEvaluationRun } from '../../evaluation/evaluation-run.js'
import { promoteVersion } from '../promote.js'
import { registerEvaluatedBundle, storeEvaluationReport } from '../register-evaluated.js'
import { toyBundle, toyData } from '../../../../core/src/testing/toy-model.js'

/** The model the writers register (the crash test reads it back under this name). */
const PROMOTE_MODEL = 'toy-binary'

const [dir, mode, seedText, countText, url, schema] = process.argv.slice(2)
if (dir === undefined || (mode !== 'crash' && mode !== 'race')) {
  console.error(
    'usage: promote-writer.ts <dir> <crash|race> <seed> [count] [postgres-url] [schema]',
  )
  process.exit(2)
}
const rng = createRng(Number(seedText ?? 1))
const stores = await openStores({ dir, url: url || undefined, schema: schema || undefined })
const actor = `pid-${process.pid}`

if (mode === 'race') {
  process.stdout.write('ready\n')
  const blessed = (
    await stores.registry.listVersions(PROMOTE_MODEL, { status: 'approved', limit: 1000 })
  ).map((v) => v.version)
  for (let i = 0; i < Number(countText ?? 20); i++) {
    await promoteVersion(stores, {
      model: PROMOTE_MODEL,
      version: blessed[rng.int(blessed.length)]!,
      alias: rng.float() < 0.5 ? 'production' : 'staging',
      actor,
      reason: `race ${i}`,
    })
  }
  await stores.close()
  process.exit(0)
}

// Two evaluations of one small model, computed before the loop so kills land in the writes: one
// the gate blesses (AUC floor 0.5) and one it refuses (floor 0.99). Few resamples: the intervals
// are not what these tests check.
const draft: ModelBundle = toyBundle('binary', toyData('binary', 600, 1))
const validation = toyData('binary', 300, 2)
const test = toyData('binary', 300, 3)
const evaluate = (floor: number): EvaluationOutcome =>
  evaluateCandidate({
    bundle: draft,
    validation,
    test,
    config: {
      bootstrap: { resamples: 50 },
      discovery: { enabled: false },
      errorAnalysis: { enabled: false },
      backtest: { enabled: false },
      gate: { minimum: { roc_auc: floor } },
    },
    rng: createRng(5),
  })
const outcomes = [evaluate(0.5), evaluate(0.99)] as const
process.stdout.write('ready\n')

const iterations = Number(countText ?? 0) > 0 ? Number(countText) : Infinity
for (let i = 0; i < iterations; i++) {
  const base = outcomes[rng.float() < 0.7 ? 0 : 1]
  // A note per iteration makes every report (and so every bundle) a new artifact.
  const outcome = { ...base, report: { ...base.report, notes: [`${actor} iteration ${i}`] } }
  // As `keel train` does: a leased run (a kill leaves it running until a reader reaps it).
  await stores.tracking.reapStaleRuns()
  const run = await stores.tracking.createRun({
    experiment: PROMOTE_MODEL,
    name: 'train',
    tags: { 'keel.command': 'train' },
    lease: { ms: RUN_LEASE_MS },
  })
  const stopHeartbeat = keepRunAlive(stores, run.id)
  const reportArtifact = await storeEvaluationReport(stores, outcome.report)
  const bundle = applyEvaluation(draft, outcome, reportArtifact.digest)
  const { version } = await registerEvaluatedBundle(stores, {
    model: PROMOTE_MODEL,
    bundle,
    report: outcome.report,
    reportArtifact,
    sourceRunId: run.id,
    createdBy: actor,
    card: async (prospective, lineage) =>
      storeModelCard(
        stores.artifacts,
        await buildVersionCard(
          stores,
          { report: outcome.report, bundle, version: prospective },
          lineage,
        ),
      ),
  })
  if (!version) throw new Error('registerEvaluatedBundle registered nothing')
  stopHeartbeat()
  await stores.tracking.endRun(run.id, { status: 'finished' })
  if (rng.float() < 0.5) {
    const runId = await startEvaluationRun(stores, {
      experiment: PROMOTE_MODEL,
      version,
      report: outcome.report,
      reportArtifact,
      championVersion: null,
      rows: test.y.length,
      seed: 5,
    })
    await stores.tracking.endRun(runId, { status: 'finished' })
  }
  try {
    await promoteVersion(stores, {
      model: PROMOTE_MODEL,
      version: version.version,
      alias: rng.float() < 0.7 ? 'production' : 'staging',
      actor,
      reason: `iteration ${i}`,
    })
  } catch (e) {
    // The gate refuses the second evaluation; anything else is a real failure.
    if (!(e instanceof KeelError && e.code === 'GATE_REFUSED' && !outcome.report.gate.blessed))
      throw e
  }
}
await stores.close()
process.exit(0)
