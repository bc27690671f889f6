import { describe, expect, it, vi } from 'vitest'
import { ModelBundle, type FittedModel } from '@keel/core'
import type { MemoryEventLog } from '../../stores/events/index.js'
import type { Arm, RoutingPolicy, RoutingRequest } from '../routing/policy.js'
import type { KeelServer } from '../server-types.js'
import { postJson, toyServers } from '../test-support/harness.js'
import { toyBundle, toyRow } from '../test-support/toy-bundle.js'
import type { PredictResponse } from './response.js'

const start = toyServers()

const PREDICT = '/v1/models/flights/predict'
const ROWS = [toyRow(1), toyRow(2), toyRow(3)]

/** A policy that answers with the requested bundle (or `primary`) and shadows it with `shadows`. */
const toyPolicy = (shadows: readonly Arm[], primary?: Omit<Arm, 'propensity'>) => {
  const seen: RoutingRequest[] = []
  const policy: RoutingPolicy = {
    route(request) {
      seen.push(request)
      const arm = primary ?? { id: 'control', model: request.model, ref: request.ref }
      return { primary: { ...arm, propensity: 1 }, shadows }
    },
  }
  return { policy, seen }
}

const metricsText = async (server: KeelServer): Promise<string> =>
  (await server.app.request('/metrics')).text()

const predictionEvents = async (server: KeelServer, log: MemoryEventLog) => {
  await server.events!.flush()
  return log.all().filter((e) => e.kind === 'prediction')
}

/** The toy bundle with a model that notes, on every predict, whether `answered()` was true yet. */
const spyBundle = (answered: () => boolean, calls: boolean[]): ModelBundle => {
  const plain = toyBundle({ shift: 1.5 })
  const m = plain.model
  const noted = <T>(f: () => T): T => {
    calls.push(answered())
    return f()
  }
  const spy: FittedModel = {
    kind: m.kind,
    task: m.task,
    features: m.features,
    classes: m.classes,
    predictRaw: (X) => noted(() => m.predictRaw(X)),
    predictProba: (X) => noted(() => m.predictProba(X)),
    predict: (X) => noted(() => m.predict(X)),
    toJSON: () => m.toJSON(),
  }
  return ModelBundle.create({ ...plain, model: spy })
}

describe('the predict pipeline with a routing policy', () => {
  it('predicts with a shadow arm after the answer, leaving the answer and the log unchanged', async () => {
    const shadow: Arm = { id: 'challenger', model: 'flights', ref: { version: '3' }, propensity: 1 }
    const { policy, seen } = toyPolicy([shadow])
    const plain = await start()
    const shadowed = await start({ routing: policy })
    let answered = false
    const calls: boolean[] = []
    shadowed.source.put(
      'flights',
      '3',
      spyBundle(() => answered, calls),
    )

    const expected = (await (
      await postJson(plain.server, PREDICT, { rows: ROWS })
    ).json()) as PredictResponse
    const res = await postJson(shadowed.server, PREDICT, { rows: ROWS })
    answered = true
    expect(res.status).toBe(200)
    const body = (await res.json()) as PredictResponse
    const strip = (r: PredictResponse) => ({
      ...r,
      request_id: undefined,
      predictions: r.predictions.map(({ id: _, ...p }) => p),
    })
    expect(strip(body)).toEqual(strip(expected))
    expect(body.version).toBe('1')
    expect(seen).toEqual([
      { model: 'flights', ref: { alias: 'production' }, requestId: body.request_id, rows: ROWS },
    ])

    await vi.waitFor(async () =>
      expect(await metricsText(shadowed.server)).toContain(
        'keel_shadow_predictions_total{model="flights",version="3",outcome="ok"} 1',
      ),
    )
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.every((afterAnswer) => afterAnswer)).toBe(true) // off the response path
    // The prediction log holds what the client was answered, and only that.
    const events = await predictionEvents(shadowed.server, shadowed.log)
    expect(events.map((e) => [e.id, e.version])).toEqual(body.predictions.map((p) => [p.id, '1']))
  })

  it('counts a failing shadow arm and never fails the answer', async () => {
    const ghost: Arm = { id: 'ghost', model: 'ghost', ref: { alias: 'production' }, propensity: 1 }
    const { policy } = toyPolicy([ghost])
    const { server, log } = await start({ routing: policy })
    const res = await postJson(server, PREDICT, { rows: ROWS })
    expect(res.status).toBe(200)
    await vi.waitFor(async () =>
      expect(await metricsText(server)).toContain(
        'keel_shadow_predictions_total{model="ghost",version="_none",outcome="error"} 1',
      ),
    )
    expect(await predictionEvents(server, log)).toHaveLength(ROWS.length)
    expect(await metricsText(server)).toMatch(
      /keel_predict_requests_total\{model="flights",version="1",outcome="ok"\} 1/,
    )
  })

  it('answers, logs and counts with the primary arm the policy picks', async () => {
    const primary = { id: 'treatment', model: 'flights', ref: { version: '2' } }
    const { policy } = toyPolicy([], primary)
    const { server, log } = await start({ routing: policy })
    const body = (await (await postJson(server, PREDICT, { rows: ROWS })).json()) as PredictResponse
    expect(body.version).toBe('2')
    const lib = toyBundle({ shift: 1.5 }).predictRows(ROWS).predictions
    expect(body.predictions.map((p) => p.prediction)).toEqual(lib.prediction)
    expect((await predictionEvents(server, log)).map((e) => e.version)).toEqual(['2', '2', '2'])
    expect(await metricsText(server)).toMatch(
      /keel_predict_requests_total\{model="flights",version="2",outcome="ok"\} 1/,
    )
  })
})
