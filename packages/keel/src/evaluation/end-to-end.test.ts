/**
 * End to end on a tiny synthetic project in a temporary directory: train evaluates its best
 * candidate (threshold + calibration fitted on validation, gate, bundle registered with the digest
 * and the status the gate earned, model card written) → `keel evaluate` writes its own card beside
 * the registered one and exits GATE_REFUSED; under another config it is recorded beside the
 * registered verdict, which stays as it was → `keel models promote` refuses unless forced → a
 * second version is compared with the
 * production champion → `keel runs` finds and compares runs → a tampered bundle is refused with
 * ARTIFACT_CORRUPT.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  applyEvaluation,
  createRng,
  evaluateCandidate,
  evaluationDigest,
  exitCodeFor,
  type EvaluationReport,
  type ModelBundle,
} from '@keel/core'
import { loadProject, type Project } from '../project/index.js'
import { openProjectStores } from '../project/workspace.js'
import { trainProject, type TrainArtifacts, type TrainResult } from '../training/train.js'
import { baselinePredictions, evaluationSplits, timestampColumnOf } from './index.js'
import { promoteVersion } from '../release/promote.js'
import { runKeel } from '../cli/test-support/run-cli.js'
import { writeSyntheticProject } from './test-support/synthetic-project.js'

const EVALUATION = `evaluation: {
    slices: [{ column: 'region' }, { name: 'evening', where: (row) => row.hour >= 17 }],
    behavioural: [
      { kind: 'directional', name: 'x1 raises risk', feature: 'x1', delta: 0.5, expect: 'increase', tolerance: 0.05, minPassRate: 0.8 },
      { kind: 'invariance', name: 'hour invariance', feature: 'hour', values: [3], tolerance: 0.5, blocking: false },
    ],
    fairness: { attribute: 'region' },
    bootstrap: { resamples: 200 },
    gate: { minimum: { roc_auc: 0.7 }, sliceFloors: [{ slice: 'region = D', metric: 'roc_auc', min: 0.6 }] },
  },`

let dir = ''
let project: Project
let trained: { result: TrainResult; artifacts: TrainArtifacts }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-e2e-'))
  writeSyntheticProject(dir, { configExtra: EVALUATION })
  project = await loadProject({ cwd: dir })
  trained = await trainProject(project)
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const evaluateTrained = (): { report: EvaluationReport; bundle: ModelBundle } => {
  const { artifacts, result } = trained
  const splits = evaluationSplits(artifacts.frame, artifacts.splitIndices, artifacts.bundle)
  const baselines = result.results.filter((r) => r.role === 'baseline').map((r) => r.name)
  const outcome = evaluateCandidate({
    bundle: artifacts.bundle,
    ...splits,
    baselines: baselinePredictions(artifacts.models, baselines, splits.test, artifacts.bundle),
    config: project.config.evaluation,
    rng: createRng(project.config.seed).fork('evaluation'),
    exclude: [project.config.label.column],
    timestampColumn: timestampColumnOf(project, artifacts.frame),
    leakage: result.leakage?.summary ?? null,
  })
  return { report: outcome.report, bundle: applyEvaluation(artifacts.bundle, outcome) }
}

describe('train → evaluate → model card → promote', () => {
  it('train evaluates its best candidate, registers it as a candidate and writes its card', async () => {
    const { result, artifacts } = trained
    const e = result.evaluation
    // Region D has label noise: its AUC is far below the floor, so the gate must refuse.
    expect(e.blessed).toBe(false)
    expect(e.reasons.some((r) => r.includes('region = D'))).toBe(true)
    expect(e.status).toBe('candidate')
    expect(e.card.html).toBe(join(dir, '.keel', 'reports', 'synthetic-v1.html'))
    expect(readFileSync(e.card.html, 'utf8')).toContain('<section id="gate">')
    // Train ran exactly the evaluation a caller would run on its artifacts.
    const strip = ({ createdAt: _c, ...rest }: EvaluationReport) => rest
    expect(JSON.stringify(strip(artifacts.report))).toBe(
      JSON.stringify(strip(evaluateTrained().report)),
    )
    const stores = await openProjectStores(project)
    try {
      const v = await stores.registry.getVersion('synthetic', 1)
      expect(v.status).toBe('candidate')
      // The version, the bundle it points at and the stored report agree.
      expect(v.evaluation).toEqual(artifacts.bundle.evaluation)
      expect(v.evaluation['report']).toBe(e.report)
      const stored = JSON.parse(
        new TextDecoder().decode(await stores.artifacts.get(e.report)),
      ) as EvaluationReport
      expect(stored.gate.blessed).toBe(false)
      expect(artifacts.bundle.postprocess.threshold).toBe(stored.threshold!.threshold)
    } finally {
      await stores.close()
    }
  })

  it('evaluates the trained candidate deterministically and refuses it at the gate', () => {
    const { report: a, bundle } = evaluateTrained()
    const b = evaluateTrained().report
    const strip = ({ createdAt: _c, ...rest }: EvaluationReport) => rest
    expect(JSON.stringify(strip(a))).toBe(JSON.stringify(strip(b)))
    expect(a.metrics['roc_auc']!.value).toBeGreaterThan(0.7)
    expect(a.metrics['roc_auc']!.lower).toBeLessThan(a.metrics['roc_auc']!.value!)
    expect(a.gate.blessed).toBe(false)
    expect(a.gate.reasons.some((r) => r.includes('region = D'))).toBe(true)
    expect(a.slices.discovered?.discovery.slices[0]?.name).toContain('region = D')
    expect(a.baselines.map((x) => x.name)).toEqual(['zero-rule', 'evening'])
    expect(a.fairness?.groups).toHaveLength(4)
    expect(a.backtest?.column).toBe('day')
    // The served bundle carries the threshold chosen on validation and the digest.
    expect(bundle.postprocess.threshold).toBe(a.threshold!.threshold)
    expect((bundle.evaluation as { gate: { blessed: boolean } }).gate.blessed).toBe(false)
  })

  it('writes the model card, refuses promotion, allows it forced, and records the history', async () => {
    const registered = join(dir, '.keel', 'reports', 'synthetic-v1.html')
    const before = readFileSync(registered, 'utf8')
    const ev = await runKeel(['evaluate', 'synthetic@1', '--json', '-q', '-C', dir])
    // The gate refuses: a stable exit code for scripts, and the full report on stdout all the same.
    expect(ev.code).toBe(exitCodeFor('GATE_REFUSED'))
    const out = ev.json as {
      card: { html: string; json: string }
      gate: { blessed: boolean }
      report: EvaluationReport
    }
    expect(out.report.format).toBe('keel-evaluation')
    expect(out.report.gate.blessed).toBe(false)
    expect(out.report.slices.declared.length).toBeGreaterThan(0)
    // The evaluation's own card, in its own folder; the card the version was registered with stays.
    expect(out.card.html).toMatch(
      new RegExp(
        `^${join(dir, '.keel', 'reports', 'evaluations', 'synthetic-v1')}/\\d{8}T\\d{6}Z-[0-9a-f]{12}/card\\.html$`,
      ),
    )
    expect(readFileSync(registered, 'utf8')).toBe(before)
    const page = readFileSync(out.card.html, 'utf8')
    expect(page).toContain('<svg')
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    const card = JSON.parse(readFileSync(out.card.json, 'utf8')) as {
      format: string
      leakage: unknown[] | null
    }
    expect(card.format).toBe('keel-model-card')
    // The training run's leakage report reaches the card (an empty list when nothing was flagged).
    expect(Array.isArray(card.leakage)).toBe(true)
    expect(page).toContain('<section id="leakage">')
    expect(out.gate.blessed).toBe(false)

    const refused = await runKeel([
      'models',
      'promote',
      'synthetic@1',
      '--reason',
      'first model',
      '-C',
      dir,
    ])
    expect(refused.code).toBe(exitCodeFor('GATE_REFUSED'))
    expect(refused.stderr).toContain('refused by its gate')

    const forced = await runKeel([
      'models',
      'promote',
      'synthetic@1',
      '--reason',
      'first model',
      '--force',
      '--actor',
      'tester',
      '--json',
      '-C',
      dir,
    ])
    expect(forced.code).toBe(0)
    const change = (forced.json as { change: { toVersion: number; reason: string; actor: string } })
      .change
    expect(change).toMatchObject({ toVersion: 1, actor: 'tester' })
    expect(change.reason).toContain('forced')
  })

  it('keeps the registered verdict when a later evaluation under another config differs', async () => {
    const config = readFileSync(join(dir, 'keel.config.ts'), 'utf8')
    const lenient = join(dir, 'lenient.config.ts')
    writeFileSync(
      lenient,
      config.replace(
        "gate: { minimum: { roc_auc: 0.7 }, sliceFloors: [{ slice: 'region = D', metric: 'roc_auc', min: 0.6 }] }",
        'gate: { minimum: { roc_auc: 0.5 } }',
      ),
    )
    expect(readFileSync(lenient, 'utf8')).not.toBe(config)
    const registeredHtml = join(dir, '.keel', 'reports', 'synthetic-v1.html')
    const registeredJson = join(dir, '.keel', 'reports', 'synthetic-v1.json')
    const before = readFileSync(registeredHtml, 'utf8')
    const ev = await runKeel(['evaluate', 'synthetic@1', '-c', lenient, '--json', '-q', '-C', dir])
    expect(ev.code).toBe(0)
    const out = ev.json as { gate: { blessed: boolean }; card: { html: string; json: string } }
    expect(out.gate.blessed).toBe(true)
    // The later evaluation's card says blessed; the registered card still says refused, unchanged.
    const later = JSON.parse(readFileSync(out.card.json, 'utf8')) as {
      evaluation: EvaluationReport
    }
    expect(later.evaluation.gate.blessed).toBe(true)
    expect(readFileSync(registeredHtml, 'utf8')).toBe(before)
    const kept = JSON.parse(readFileSync(registeredJson, 'utf8')) as {
      evaluation: EvaluationReport
    }
    expect(kept.evaluation.gate.blessed).toBe(false)

    // Both are visible: the registered verdict first, then each later evaluation with its card.
    rmSync(registeredHtml)
    const show = await runKeel(['models', 'show', 'synthetic@1', '--json', '-C', dir])
    expect(show.code).toBe(0)
    const view = show.json as {
      version: { status: string }
      evaluations: { kind: string; blessed: boolean; files: { html: string } }[]
    }
    expect(view.version.status).toBe('candidate')
    expect(view.evaluations.map((e) => [e.kind, e.blessed])).toEqual([
      ['registration', false],
      ['evaluation', false],
      ['evaluation', true],
    ])
    expect(view.evaluations[0]!.files.html).toBe(registeredHtml)
    expect(view.evaluations[2]!.files.html).toBe(out.card.html)
    // A registered card whose file is gone is written back from the registry, byte for byte.
    expect(readFileSync(registeredHtml, 'utf8')).toBe(before)
    const text = await runKeel(['models', 'show', 'synthetic@1', '-C', dir])
    expect(text.stdout).toContain('Evaluations')
    expect(text.stdout).toContain(`card 3  ${out.card.html}`)
  })

  it('compares a second version with the production champion', async () => {
    const stores = await openProjectStores(project)
    try {
      const { report, bundle } = evaluateTrained()
      const ref = await stores.artifacts.put(JSON.stringify(bundle.toJSON()))
      const v2 = await stores.registry.createVersion({
        model: 'synthetic',
        bundle: ref,
        sourceRunId: trained.result.results.find((r) => r.role === 'candidate')!.runId,
        parent: { version: 1 },
        evaluation: evaluationDigest(report),
      })
      expect(v2.version).toBe(2)
    } finally {
      await stores.close()
    }
    const ev = await runKeel(['evaluate', 'synthetic@2', '--json', '-q', '-C', dir])
    expect(ev.code).toBe(exitCodeFor('GATE_REFUSED'))
    const champion = ev.json as { report: unknown; card: { html: string } }
    const card = JSON.parse(
      readFileSync(champion.card.html.replace(/\.html$/, '.json'), 'utf8'),
    ) as {
      evaluation: EvaluationReport
      lineage: { parent: { version: number } | null; ancestors: unknown[] }
    }
    expect(card.evaluation.champion?.version).toBe(1)
    expect(card.evaluation.champion?.comparisons[0]?.method).toBe('delong')
    expect(card.lineage.parent).toEqual({ model: 'synthetic', version: 1 })

    const diff = await runKeel(['models', 'diff', 'synthetic', '1', '2', '-C', dir])
    expect(diff.code).toBe(0)
    const show = await runKeel(['models', 'show', 'synthetic:production', '-C', dir])
    expect(show.stdout).toContain('synthetic v1')
    expect(show.stdout).toContain('Alias history')
  })

  it('serializes concurrent promotions into one history', async () => {
    const stores = await openProjectStores(project)
    try {
      await Promise.all(
        [1, 2, 1, 2].map((v, i) =>
          promoteVersion(stores, {
            model: 'synthetic',
            version: v,
            alias: 'staging',
            reason: `race ${i}`,
            force: true,
          }),
        ),
      )
      const history = await stores.registry.aliasHistory('synthetic', { alias: 'staging' })
      expect(history).toHaveLength(4)
      // Newest first: each move starts where the previous one ended.
      for (let i = 0; i + 1 < history.length; i++)
        expect(history[i]!.fromVersion).toBe(history[i + 1]!.toVersion)
    } finally {
      await stores.close()
    }
  })

  it('lists, filters and compares runs', async () => {
    const list = await runKeel([
      'runs',
      'list',
      '--filter',
      "metrics.test.roc_auc > 0.7 and tags.keel.role = 'candidate'",
      '--json',
      '-C',
      dir,
    ])
    expect(list.code).toBe(0)
    const runs = (list.json as { runs: { id: string; name: string }[] }).runs
    expect(runs.map((r) => r.name)).toEqual(['gbdt'])
    const all = await runKeel([
      'runs',
      'list',
      '--order',
      'attributes.start_time asc',
      '--limit',
      '3',
      '-C',
      dir,
    ])
    expect(all.stdout.split('\n')[0]).toMatch(/^run\s+experiment\s+name/)
    const baseline = trained.result.results.find((r) => r.name === 'zero-rule')!.runId
    const cmp = await runKeel(['runs', 'compare', runs[0]!.id, baseline, '-C', dir])
    expect(cmp.code).toBe(0)
    expect(cmp.stdout).toContain('metrics.test.roc_auc')
    // The effective hyperparameters are logged: the config's three and every default filled in.
    const show = await runKeel(['runs', 'show', runs[0]!.id, '--json', '-C', dir])
    const params = (show.json as { params: Record<string, string> }).params
    expect(params).toMatchObject({
      nEstimators: '40',
      maxDepth: '3',
      learningRate: '0.1',
      lambda: '1',
      maxBins: '255',
      objective: 'auto',
      subsample: '1',
    })
    const shown = await runKeel(['runs', 'show', runs[0]!.id, '-C', dir])
    expect(shown.stdout).toMatch(/^maxBins +255$/m)
    const other = await runKeel(['runs', 'compare', runs[0]!.id, baseline, '--json', '-C', dir])
    const compared = (other.json as { params: { key: string; values: (string | null)[] }[] }).params
    expect(compared.find((p) => p.key === 'lambda')?.values).toEqual(['1', null])
    expect(cmp.stdout).toMatch(/params\.maxBins +255 +—/)
    // The registered bundle's lineage carries the same parameters.
    expect(trained.artifacts.bundle.toJSON().lineage.params).toMatchObject({
      nEstimators: 40,
      lambda: 1,
      maxBins: 255,
    })
    const bad = await runKeel(['runs', 'list', '--filter', 'metrics.auc >', '-C', dir])
    expect(bad.code).toBe(exitCodeFor('PARSE_ERROR'))
    expect(bad.stderr).toContain('filter')
  })

  it('refuses to evaluate a tampered bundle', async () => {
    const root = join(dir, '.keel', 'artifacts', 'sha256')
    const stores = await openProjectStores(project)
    const digest = (await stores.registry.getVersion('synthetic', 1)).bundle.digest.slice(
      'sha256:'.length,
    )
    await stores.close()
    const file = join(root, digest.slice(0, 2), digest.slice(2))
    expect(existsSync(file)).toBe(true)
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace('"threshold":', '"threshold": 0, "x":'))
    const ev = await runKeel(['evaluate', 'synthetic@1', '-C', dir])
    expect(ev.code).toBe(exitCodeFor('ARTIFACT_CORRUPT'))
    expect(ev.stderr).toContain('ARTIFACT_CORRUPT')
    expect(readdirSync(join(dir, '.keel', 'reports')).sort()).toEqual([
      'evaluations',
      'synthetic-v1.html',
      'synthetic-v1.json',
    ])
  })
})
