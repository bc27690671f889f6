import { describe, expect, it } from 'vitest'
import { postJson, TOKEN, toyServers } from './test-support/harness.js'
import { toyRow } from './test-support/toy-bundle.js'
import type { InferenceResponse, Tensor } from './open-inference.js'
import type { PredictResponse } from './predict/response.js'

const start = toyServers()
const auth = { authorization: `Bearer ${TOKEN}` }

/** Rows as v2 tensors: one column per field, row-major. */
const tensors = (rows: Record<string, unknown>[]): unknown[] => [
  {
    name: 'distance',
    shape: [rows.length],
    datatype: 'FP64',
    data: rows.map((r) => r['distance']),
  },
  { name: 'hour', shape: [rows.length, 1], datatype: 'INT32', data: rows.map((r) => [r['hour']]) },
  { name: 'origin', shape: [rows.length], datatype: 'BYTES', data: rows.map((r) => r['origin']) },
]

const output = (r: InferenceResponse, name: string): Tensor =>
  r.outputs.find((o) => o.name === name)!

type Server = Awaited<ReturnType<typeof start>>['server']
const get = async (server: Server, path: string): Promise<{ status: number; body: unknown }> => {
  const res = await server.app.request(path)
  return { status: res.status, body: await res.json() }
}

describe('Open Inference Protocol: metadata and health', () => {
  it('answers server metadata, liveness and readiness', async () => {
    const { server } = await start()
    expect(await get(server, '/v2')).toEqual({
      status: 200,
      body: { name: 'keel', version: expect.any(String), extensions: [] },
    })
    expect(await get(server, '/v2/health/live')).toEqual({ status: 200, body: { live: true } })
    expect(await get(server, '/v2/health/ready')).toEqual({ status: 200, body: { ready: true } })
  })

  it('describes a model: one input tensor per pinned field, the outputs by task', async () => {
    const { server } = await start()
    expect(await get(server, '/v2/models/flights')).toEqual({
      status: 200,
      body: {
        name: 'flights',
        versions: ['1'],
        platform: 'keel_toy-linear',
        inputs: [
          { name: 'distance', datatype: 'FP64', shape: [-1] },
          { name: 'hour', datatype: 'FP64', shape: [-1] },
          { name: 'origin', datatype: 'BYTES', shape: [-1] },
        ],
        outputs: [
          { name: 'prediction', datatype: 'BYTES', shape: [-1] },
          { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] },
          { name: 'classes', datatype: 'BYTES', shape: [2] },
          { name: 'defer', datatype: 'BOOL', shape: [-1] },
          { name: 'prediction_id', datatype: 'BYTES', shape: [-1] },
        ],
      },
    })
    const delay = (await get(server, '/v2/models/delay/versions/1')).body as {
      outputs: { name: string; datatype: string }[]
    }
    expect(delay.outputs.map((o) => [o.name, o.datatype])).toEqual([
      ['prediction', 'FP64'],
      ['defer', 'BOOL'],
      ['prediction_id', 'BYTES'],
    ])
    expect(await get(server, '/v2/models/flights/ready')).toEqual({
      status: 200,
      body: { name: 'flights', ready: true },
    })
    expect(await get(server, '/v2/models/flights/versions/2/ready')).toEqual({
      status: 200,
      body: { name: 'flights', ready: true },
    })
    const missing = await get(server, '/v2/models/nope/ready')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ error: expect.any(String), code: 'NOT_FOUND' })
    expect((await get(server, '/v2/models/nope')).status).toBe(404)
  })
})

describe('Open Inference Protocol: inference', () => {
  it('gives exactly the numbers /predict gives for the same rows, and logs them the same way', async () => {
    const { server, log } = await start()
    const rows = [toyRow(1), toyRow(7), toyRow(30)] // toyRow(7) has a missing distance
    const v1 = (await (
      await postJson(server, '/v1/models/flights/predict', { rows })
    ).json()) as PredictResponse
    const res = await postJson(server, '/v2/models/flights/infer', {
      id: 'client-42',
      inputs: tensors(rows),
    })
    expect(res.status).toBe(200)
    const v2 = (await res.json()) as InferenceResponse
    expect(v2).toMatchObject({ model_name: 'flights', model_version: '1', id: 'client-42' })
    expect(res.headers.get('x-request-id')).toBe(v2.parameters.request_id)
    expect(output(v2, 'prediction')).toEqual({
      name: 'prediction',
      datatype: 'BYTES',
      shape: [3],
      data: v1.predictions.map((p) => p.prediction),
    })
    expect(output(v2, 'classes').data).toEqual(['on_time', 'late'])
    expect(output(v2, 'probabilities')).toEqual({
      name: 'probabilities',
      datatype: 'FP64',
      shape: [3, 2],
      data: v1.predictions.flatMap((p) => [p.probabilities!['on_time'], p.probabilities!['late']]),
    })
    expect(output(v2, 'defer').data).toEqual([false, false, false])
    const ids = output(v2, 'prediction_id').data as string[]
    expect(ids).toEqual([0, 1, 2].map((i) => `${v2.parameters.request_id}:${i}`))
    await server.events!.flush()
    const logged = log.all().filter((e) => e.kind === 'prediction' && ids.includes(e.id))
    expect(logged.map((e) => (e.kind === 'prediction' ? e.inputs : null))).toEqual(rows)
    // The ids it answers with take feedback like any other prediction's.
    const fb = await postJson(server, '/v1/feedback', { request_id: ids[0], label: 'late' }, auth)
    expect(fb.status).toBe(202)
  })

  it('serves a pinned version, a regression model, and only the outputs asked for', async () => {
    const { server } = await start()
    const rows = [toyRow(2)]
    const v1 = (await (
      await postJson(server, '/v1/models/flights/predict?version=2', { rows })
    ).json()) as PredictResponse
    const v2 = (await (
      await postJson(server, '/v2/models/flights/versions/2/infer', {
        inputs: tensors(rows),
        outputs: [{ name: 'probabilities' }],
      })
    ).json()) as InferenceResponse
    expect(v2.model_version).toBe('2')
    expect(v2.outputs.map((o) => o.name)).toEqual(['probabilities'])
    expect(v2.outputs[0]!.data).toEqual([
      v1.predictions[0]!.probabilities!['on_time'],
      v1.predictions[0]!.probabilities!['late'],
    ])
    const delay = (await (
      await postJson(server, '/v2/models/delay/infer', { inputs: tensors(rows) })
    ).json()) as InferenceResponse
    const delayV1 = (await (
      await postJson(server, '/v1/models/delay/predict', { rows })
    ).json()) as PredictResponse
    expect(output(delay, 'prediction')).toEqual({
      name: 'prediction',
      datatype: 'FP64',
      shape: [1],
      data: [delayV1.predictions[0]!.prediction],
    })
    // With no id in the request, the answer carries Keel's request id.
    expect(delay.id).toBe(delay.parameters.request_id)
  })

  it('reports warnings with paths into the tensors', async () => {
    const { server } = await start()
    const rows = [{ distance: 100, hour: 30, origin: 'ATL' }]
    const v2 = (await (
      await postJson(server, '/v2/models/flights/infer', { inputs: tensors(rows) })
    ).json()) as InferenceResponse
    expect(v2.warnings).toMatchObject([{ code: 'out_of_range', path: ['inputs', 1, 'data', 0] }])
  })

  it.each([
    [
      'an element of the wrong type',
      { inputs: [{ name: 'hour', shape: [2], datatype: 'INT64', data: [1, 2.5] }] },
      400,
      ['inputs', 0, 'data', 1],
    ],
    [
      'a shape that does not hold the data',
      { inputs: [{ name: 'hour', shape: [3], datatype: 'FP64', data: [1, 2] }] },
      400,
      ['inputs', 0, 'data'],
    ],
    [
      'a tensor of more than one column',
      { inputs: [{ name: 'hour', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] },
      400,
      ['inputs', 0, 'shape'],
    ],
    [
      'an unknown datatype',
      { inputs: [{ name: 'hour', shape: [1], datatype: 'FLOAT', data: [1] }] },
      400,
      ['inputs', 0, 'datatype'],
    ],
    ['no inputs', { inputs: [] }, 400, ['inputs']],
    [
      'an unknown output',
      { inputs: tensors([toyRow(1)]), outputs: [{ name: 'logits' }] },
      400,
      ['outputs', 0],
    ],
    [
      'a value the model cannot read',
      {
        inputs: [
          { name: 'distance', shape: [1], datatype: 'BYTES', data: ['far'] },
          { name: 'hour', shape: [1], datatype: 'FP64', data: [3] },
          { name: 'origin', shape: [1], datatype: 'BYTES', data: ['ATL'] },
        ],
      },
      422,
      ['inputs', 0, 'data', 0],
    ],
    [
      'a required input left out',
      { inputs: [{ name: 'origin', shape: [1], datatype: 'BYTES', data: ['ATL'] }] },
      422,
      ['inputs'],
    ],
  ])('answers %s with a v2 error body', async (_, body, status, path) => {
    const { server, log } = await start()
    const res = await postJson(server, '/v2/models/flights/infer', body)
    expect(res.status).toBe(status)
    const error = (await res.json()) as { error: string; issues: { path: unknown[] }[] }
    expect(typeof error.error).toBe('string')
    expect(error.issues[0]!.path).toEqual(path)
    await server.events!.flush()
    expect(log.all()).toHaveLength(0)
  })

  it('answers an unknown model with 404 and needs the token when predict does', async () => {
    const { server } = await start({ requireTokenForPredict: true })
    const body = { inputs: tensors([toyRow(1)]) }
    const anon = await postJson(server, '/v2/models/flights/infer', body)
    expect(anon.status).toBe(401)
    expect(await anon.json()).toMatchObject({ error: expect.any(String), code: 'UNAUTHORIZED' })
    expect((await postJson(server, '/v2/models/flights/infer', body, auth)).status).toBe(200)
    const nope = await postJson(server, '/v2/models/nope/infer', body, auth)
    expect(nope.status).toBe(404)
    expect(await nope.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('answers the same through a socket as in process', async () => {
    const { server } = await start()
    const { url } = await server.listen()
    const body = JSON.stringify({ inputs: tensors([toyRow(3), toyRow(4)]) })
    const headers = { 'content-type': 'application/json' }
    const socket = await fetch(`${url}/v2/models/flights/infer`, { method: 'POST', headers, body })
    const inProcess = await postJson(server, '/v2/models/flights/infer', body)
    expect(socket.status).toBe(200)
    const strip = (r: InferenceResponse): unknown => ({
      ...r,
      id: null,
      parameters: null,
      outputs: r.outputs.filter((o) => o.name !== 'prediction_id'),
    })
    expect(strip((await socket.json()) as InferenceResponse)).toEqual(
      strip((await inProcess.json()) as InferenceResponse),
    )
    const ready = await fetch(`${url}/v2/health/ready`)
    expect(ready.status).toBe(200)
  })
})

describe('Open Inference Protocol: OpenAPI', () => {
  it('documents every /v2 route the service answers, with its method', async () => {
    const { server } = await start()
    const doc = (await (await server.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
      components: { schemas: Record<string, unknown> }
    }
    const routes = server.app.routes
      .filter((r) => r.path.startsWith('/v2'))
      .map((r) => [r.path.replace(/:(\w+)/g, '{$1}'), r.method.toLowerCase()] as const)
    expect(routes).toHaveLength(9)
    for (const [path, method] of routes) expect(doc.paths[path]?.[method], path).toBeDefined()
    for (const s of ['InferenceRequest', 'InferenceResponse', 'InferenceError', 'ModelMetadata'])
      expect(doc.components.schemas[s], s).toBeDefined()
  })
})
