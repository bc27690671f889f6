/**
 * `fitCandidate` is the unit a job runs: prepared data + a plain spec in, plain metrics and a model
 * that serializes through `toJSON` out, with no store anywhere. A spec that went through JSON fits
 * the very same model; a tracker sees the fit's start and end; a failed fit is a result, not a throw.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isKeelError, loadModel } from '@keel/core'
import { loadProject } from '../project/index.js'
import { writeSyntheticProject } from '../evaluation/test-support/synthetic-project.js'
import {
  fitCandidate,
  type CandidateError,
  type CandidateMetrics,
  type CandidateTracker,
} from './fit-candidate.js'
import type { CandidateSpec } from './learners.js'
import { prepareTraining, type PreparedData } from './prepare.js'

const METRICS = ['roc_auc', 'log_loss', 'accuracy']
const GBDT: CandidateSpec = {
  name: 'gbdt',
  kind: 'gbdt',
  role: 'candidate',
  params: { nEstimators: 15, maxDepth: 3, learningRate: 0.1 },
  features: ['x1', 'x2', 'hour'],
}
const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

let dir = ''
let prepared: PreparedData
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-fit-candidate-'))
  writeSyntheticProject(dir, { rows: 400 })
  prepared = await prepareTraining(await loadProject({ cwd: dir }))
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('fitCandidate', () => {
  it('fits a spec that went through JSON into the same model, and its result survives JSON', async () => {
    const ctx = { metrics: METRICS, seed: 11 }
    const direct = await fitCandidate(prepared, GBDT, ctx)
    const r = await fitCandidate(prepared, roundTrip(GBDT), ctx)
    expect(r).toMatchObject({ name: 'gbdt', kind: 'gbdt', role: 'candidate', status: 'finished' })
    expect(r.runId).toBeNull()
    expect(r.metrics.validation['roc_auc']).toBeGreaterThan(0.7)
    expect(r.metrics).toEqual(direct.metrics)
    expect(r.model!.toJSON()).toEqual(direct.model!.toJSON())

    // What a job worker sends back: the plain fields, and the model as its JSON document.
    const { model, ...plain } = r
    const sent = roundTrip({ ...plain, model: model!.toJSON() })
    expect(sent).toEqual({ ...plain, model: expect.anything() })
    const loaded = loadModel(sent.model)
    const X = prepared.transformed.test.X.select(GBDT.features!)
    expect(loaded.predictProba(X)).toEqual(model!.predictProba(X))
  }, 60_000)

  it('gives baselines the raw features and records the fit through a tracker', async () => {
    const calls: unknown[] = []
    const tracker: CandidateTracker = {
      start: async (spec) => {
        calls.push(['start', spec.name])
        return 'run-1'
      },
      finished: async (id: string, o: { metrics: CandidateMetrics; fitSeconds: number }) => {
        calls.push(['finished', id, Object.keys(o.metrics.test)])
      },
      failed: async (id: string, e: CandidateError) => {
        calls.push(['failed', id, e.code])
      },
    }
    const spec: CandidateSpec = {
      name: 'zero-rule',
      kind: 'zero-rule',
      role: 'baseline',
      params: {},
      features: undefined,
    }
    const r = await fitCandidate(prepared, spec, { metrics: METRICS, seed: 11, tracker })
    expect(r).toMatchObject({ runId: 'run-1', status: 'finished' })
    expect(r.model!.features.map((f) => f.name)).toEqual([...prepared.features])
    expect(calls).toEqual([
      ['start', 'zero-rule'],
      ['finished', 'run-1', METRICS],
    ])
  }, 60_000)

  it('reports a fit that fails as a failed result with its error', async () => {
    const r = await fitCandidate(
      prepared,
      { ...GBDT, name: 'broken', kind: 'no-such-learner' },
      { metrics: METRICS, seed: 11 },
    )
    expect(r).toMatchObject({
      name: 'broken',
      status: 'failed',
      metrics: { validation: {}, test: {} },
      model: undefined,
    })
    expect(r.error?.code).toMatch(/^[A-Z_]+$/)
  })

  it('refuses a spec naming an unknown feature before anything is recorded', async () => {
    const calls: string[] = []
    const tracker: CandidateTracker = {
      start: async () => {
        calls.push('start')
        return 'run-1'
      },
      finished: async () => undefined,
      failed: async () => undefined,
    }
    const bad = { ...GBDT, features: ['x1', 'nope'] }
    const error = await fitCandidate(prepared, bad, { metrics: METRICS, seed: 11, tracker }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isKeelError(error) && error.code).toBe('INVALID_CONFIG')
    expect(calls).toEqual([])
  })
})
