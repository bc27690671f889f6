/**
 * `trainProject` ends with the offline evaluation of its best candidate: a gate that blesses it
 * registers the version as approved and writes its card; promotion through the gate then works
 * unforced; the next training is compared with that production champion. A misnamed column in
 * the evaluation section, or a typo'd key, is refused before anything is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isKeelError } from '@keel/core'
import { Output } from '../cli/output.js'
import { renderTrain } from '../cli/render-train.js'
import { loadProject } from '../project/index.js'
import { promoteVersion } from '../release/promote.js'
import { writeSyntheticProject } from '../evaluation/test-support/synthetic-project.js'
import { openProjectStores } from '../project/workspace.js'
import { trainProject } from './train.js'

const BLESSING = `evaluation: {
    bootstrap: { resamples: 100 },
    slices: [{ column: 'region' }],
    gate: {
      minimum: { roc_auc: 0.7 },
      minimumOnInterval: true,
      beatBaselines: { roc_auc: 0 },
      maxRegression: { roc_auc: 0.02 },
    },
  },`

const dirs: string[] = []
const project = (configExtra: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-train-'))
  dirs.push(dir)
  writeSyntheticProject(dir, { configExtra })
  return dir
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const codeAndPaths = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p
  } catch (e) {
    if (isKeelError(e))
      return {
        code: e.code,
        paths: [e.path, ...e.issues.map((i) => i.path)].map((x) => x.join('.')),
      }
    throw e
  }
  return 'resolved'
}

describe('trainProject with an evaluation gate', () => {
  it('registers a blessed candidate as approved, promotes it unforced, and compares the next one with it', async () => {
    const dir = project(BLESSING)
    const p = await loadProject({ cwd: dir })
    const first = await trainProject(p)
    const e = first.result.evaluation
    expect(e.reasons).toEqual([])
    expect(e.blessed).toBe(true)
    expect(e.status).toBe('approved')
    expect(e.champion).toBeNull()
    expect(e.primary?.lower).toBeGreaterThan(0.7)
    expect(existsSync(e.card.json)).toBe(true)
    const card = JSON.parse(readFileSync(e.card.json, 'utf8')) as {
      model: { version: number; status: string }
      evaluation: { baselines: { name: string }[] }
      importance: { feature: string; value: number }[]
    }
    expect(card.model).toMatchObject({ version: 1, status: 'approved' })
    // Permutation importance on test, through the served bundle: x1 drives the label most.
    expect(card.importance[0]).toMatchObject({ feature: 'x1' })
    expect(card.importance[0]!.value).toBeGreaterThan(0.05)
    expect(first.artifacts.importance).toEqual(card.importance)
    expect(card.evaluation.baselines.map((b) => b.name)).toEqual(['zero-rule', 'evening'])
    const text = renderTrain(first.result, new Output({}))
    expect(text).toMatch(/^gate +blessed — Blessed: (its one check|all \d+ checks) passed$/m)
    expect(text).toContain(e.card.html)

    const stores = await openProjectStores(p)
    try {
      const moved = await promoteVersion(stores, {
        model: 'synthetic',
        version: 1,
        alias: 'production',
        reason: 'blessed',
      })
      expect(moved).toMatchObject({ forced: false, gate: { state: 'blessed' } })
    } finally {
      await stores.close()
    }

    // Same data and seed: the second model is the first one again, compared with production.
    const second = await trainProject(p)
    expect(second.result.bundle.version).toBe(2)
    expect(second.result.evaluation.champion).toMatchObject({ version: 1, difference: 0 })
    expect(second.artifacts.report.champion?.comparisons[0]?.method).toBe('delong')
    expect(second.result.evaluation.blessed).toBe(true)
  }, 120_000)

  it('refuses a gate it cannot meet with reasons, registering a candidate', async () => {
    const dir = project(
      `evaluation: { bootstrap: { resamples: 100 }, gate: { minimum: { roc_auc: 0.99 } } },`,
    )
    const { result } = await trainProject(await loadProject({ cwd: dir }))
    expect(result.evaluation.blessed).toBe(false)
    expect(result.evaluation.status).toBe('candidate')
    expect(result.evaluation.reasons).toEqual([
      expect.stringMatching(/^roc_auc 0\.\d+ not ≥ 0\.99/),
    ])
    expect(renderTrain(result, new Output({}))).toMatch(
      /^gate +refused — Refused: 1 of \d+ checks? failed$/m,
    )
  }, 60_000)

  it('names a column the evaluation section gets wrong before anything is written', async () => {
    const dir = project(`evaluation: { slices: [{ column: 'regoin' }] },`)
    expect(await codeAndPaths(trainProject(await loadProject({ cwd: dir })))).toEqual({
      code: 'INVALID_CONFIG',
      paths: ['evaluation.slices.0.column'],
    })
    const behavioural = project(
      `evaluation: { behavioural: [{ kind: 'invariance', name: 'day', feature: 'day', tolerance: 0 }] },`,
    )
    expect(await codeAndPaths(trainProject(await loadProject({ cwd: behavioural })))).toEqual({
      code: 'INVALID_CONFIG',
      paths: ['evaluation.behavioural.0'],
    })
    for (const d of [dir, behavioural]) expect(existsSync(join(d, '.keel'))).toBe(false)
  }, 60_000)

  it('names a typo’d evaluation key with its path', async () => {
    const dir = project(`evaluation: { gate: { minimun: { roc_auc: 0.7 } } },`)
    expect(await codeAndPaths(loadProject({ cwd: dir }))).toEqual({
      code: 'INVALID_CONFIG',
      paths: [expect.stringMatching(/keel\.config\.ts$/), 'evaluation.gate.minimun'],
    })
  })
})
