import { afterEach, describe, expect, it } from 'vitest'
import {
  inputRowsToFrame,
  KeelError,
  ModelBundle,
  predictionRecord,
  type FittedModel,
} from '@keel/core'
import { joinLabels } from '../stores/events/index.js'
import { postJson, TOKEN, toyServer } from './test-support/harness.js'
import { TOY_INPUTS, toyBundle, toyRow } from './test-support/toy-bundle.js'
import { createServer } from './server.js'
import type { KeelServer } from './server-types.js'
import type { PredictResponse } from './predict/response.js'

const servers: KeelServer[] = []
const start = async (...args: Parameters<typeof toyServer>) => {
  const t = await toyServer(...args)
  servers.push(t.server)
  return t
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const PREDICT = '/v1/models/flights/predict'

describe('POST /v1/models/{name}/predict', () => {
  it('answers exactly what bundle.predict gives, with request and row ids and the decision', async () => {
    const { server } = await start()
    const rows = Array.from({ length: 50 }, (_, i) => toyRow(i))
    const res = await postJson(server, PREDICT, { rows })
    expect(res.status).toBe(200)
    const body = (await res.json()) as PredictResponse
    expect(res.headers.get('x-request-id')).toBe(body.request_id)
    expect(body.model).toBe('flights')
    expect(body.version).toBe('1')
    const lib = toyBundle().predictRows(rows).predictions
    body.predictions.forEach((p, i) => {
      const { id, decision, ...record } = p
      expect(id).toBe(`${body.request_id}:${i}`)
      expect(record).toEqual(predictionRecord(lib, i)) // bit-identical: toEqual compares numbers exactly
      expect(decision).toBe(record.prediction)
    })
  })

  it('takes a single row and reports extra fields and unseen categories as warnings', async () => {
    const { server } = await start()
    const res = await postJson(server, PREDICT, { row: { ...toyRow(1), origin: 'LAX', note: 'x' } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as PredictResponse
    expect(body.predictions).toHaveLength(1)
    expect(body.warnings.map((w) => [w.code, w.path])).toEqual([
      ['unknown_field', ['row', 'note']],
      ['unseen_category', ['row', 'origin']],
    ])
  })

  it('serves the version or alias asked for', async () => {
    const { server } = await start()
    const v = async (q: string) =>
      ((await (await postJson(server, PREDICT + q, { row: toyRow(2) })).json()) as PredictResponse)
        .version
    expect(await v('')).toBe('1')
    expect(await v('?alias=staging')).toBe('2')
    expect(await v('?version=2')).toBe('2')
    const both = await postJson(server, PREDICT + '?alias=staging&version=1', { row: toyRow(2) })
    expect(both.status).toBe(400)
    const none = await postJson(server, PREDICT + '?version=9', { row: toyRow(2) })
    expect(none.status).toBe(404)
  })

  it('answers bad rows with 422 and one structured issue per problem', async () => {
    const { server } = await start()
    const res = await postJson(server, PREDICT, {
      rows: [
        toyRow(0),
        { distance: 'far', hour: null, origin: 'SFO' },
        { distance: 1, hour: 2, origin: 7 },
      ],
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as {
      error: { code: string; issues: { code: string; path: unknown[] }[] }
    }
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.issues.map((i) => [i.code, i.path])).toEqual([
      ['invalid_type', ['rows', 1, 'distance']],
      ['missing_value', ['rows', 1, 'hour']],
      ['invalid_type', ['rows', 2, 'origin']],
    ])
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i)
  })

  it.each([
    ['not JSON', 'text/plain', '{"rows":[]}', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['invalid JSON', 'application/json', '{"rows": [', 400, 'PARSE_ERROR'],
    [
      'a NaN token',
      'application/json',
      '{"row": {"distance": NaN, "hour": 1, "origin": "SFO"}}',
      400,
      'PARSE_ERROR',
    ],
    [
      'deep nesting',
      'application/json',
      `{"row": ${'['.repeat(100)}${']'.repeat(100)}}`,
      400,
      'PARSE_ERROR',
    ],
    ['a body that is not an object', 'application/json', '[1,2]', 422, 'VALIDATION_FAILED'],
    ['both row and rows', 'application/json', '{"row": {}, "rows": []}', 422, 'VALIDATION_FAILED'],
    ['an unknown top-level field', 'application/json', '{"rowz": []}', 422, 'VALIDATION_FAILED'],
    [
      'too many rows',
      'application/json',
      JSON.stringify({ rows: Array.from({ length: 1001 }, (_, i) => toyRow(i)) }),
      422,
      'VALIDATION_FAILED',
    ],
    ['an empty body', 'application/json', '', 400, 'PARSE_ERROR'],
  ])('rejects %s', async (_what, type, body, status, code) => {
    const { server } = await start()
    const res = await server.app.request(PREDICT, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    })
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
  })

  it('rejects a body over the size limit with 413, announced or streamed', async () => {
    const { server } = await start({ limits: { maxBodyBytes: 1000 } })
    const big = JSON.stringify({ rows: Array.from({ length: 100 }, (_, i) => toyRow(i)) })
    const announced = await server.app.request(PREDICT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
      body: big,
    })
    expect(announced.status).toBe(413)
    const streamed = await server.app.request(PREDICT, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++)
            c.enqueue(new TextEncoder().encode(big.slice(i * 500, (i + 1) * 500)))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
  })

  it('answers 404 for an unknown model without a metric label per name', async () => {
    const { server } = await start()
    const res = await postJson(server, '/v1/models/nope/predict', { row: toyRow(0) })
    expect(res.status).toBe(404)
    const metrics = await (await server.app.request('/metrics')).text()
    expect(metrics).toContain(
      'keel_predict_requests_total{model="_unknown",version="_none",outcome="client_error"} 1',
    )
    expect(metrics).not.toContain('model="nope"')
  })

  it('explains with contributions that add up to the raw output', async () => {
    const { server } = await start()
    const res = await postJson(server, PREDICT + '?explain=true', { rows: [toyRow(3), toyRow(4)] })
    expect(res.status).toBe(200)
    const body = (await res.json()) as PredictResponse
    const raw = toyBundle().predict(inputRowsToFrame([toyRow(3), toyRow(4)], TOY_INPUTS)).raw
    body.predictions.forEach((p, i) => {
      const c = p.contributions as { features: Record<string, number>; bias: number }
      expect(Object.keys(c.features)).toEqual(['distance', 'hour', 'origin'])
      const sum = Object.values(c.features).reduce((s, v) => s + v, c.bias)
      // Summation order differs from the model's, so allow a few ulps.
      expect(sum).toBeCloseTo(raw[i]!, 12)
    })
  })

  it('says 400 when the model kind cannot explain', async () => {
    const { server, source } = await start()
    const plain = toyBundle()
    const m = plain.model
    // The same model seen through the bare FittedModel protocol: no contributions method.
    const bare: FittedModel = {
      kind: m.kind,
      task: m.task,
      features: m.features,
      classes: m.classes,
      predictRaw: (X) => m.predictRaw(X),
      predictProba: (X) => m.predictProba(X),
      predict: (X) => m.predict(X),
      toJSON: () => m.toJSON(),
    }
    source.put('flights', '3', ModelBundle.create({ ...plain, model: bare }))
    const res = await postJson(server, PREDICT + '?version=3&explain=true', { row: toyRow(1) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'explain not supported by this model kind',
    )
  })
})

describe('operational endpoints', () => {
  it('reports health, readiness, metrics and an OpenAPI document', async () => {
    const { server } = await start()
    expect((await server.app.request('/healthz')).status).toBe(200)
    const ready = await server.app.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ready',
      models: [{ model: 'flights', alias: 'production', version: '1' }],
    })
    await postJson(server, PREDICT, { rows: [toyRow(1), toyRow(2)] })
    await server.events!.flush()
    const metrics = await (await server.app.request('/metrics')).text()
    expect(metrics).toMatch(
      /keel_predict_requests_total\{model="flights",version="1",outcome="ok"\} 1/,
    )
    expect(metrics).toMatch(
      /keel_predict_duration_seconds_bucket\{le="0.005",model="flights",version="1",outcome="ok"\}/,
    )
    expect(metrics).toMatch(/keel_prediction_score_count\{model="flights",version="1"\} 2/)
    expect(metrics).toMatch(/keel_event_queue_depth 0/)
    expect(metrics).toMatch(/keel_events_written_total 2/)
    expect(metrics).toMatch(/keel_events_dropped_total 0/)
    const doc = (await (await server.app.request('/openapi.json')).json()) as {
      openapi: string
      paths: Record<string, unknown>
      components: { schemas: Record<string, { required?: string[] }> }
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/models/{name}/predict',
        '/v1/feedback',
        '/v1/admin/reload',
        '/metrics',
      ]),
    )
    expect(doc.components.schemas['Row_flights']!.required).toEqual(['hour', 'origin'])
  })

  it('is not ready while a configured model cannot be loaded', async () => {
    const { source } = await start()
    const server = createServer({
      source,
      models: ['flights', 'ghost'],
      eventLog: null,
      defaultMetrics: false,
    })
    servers.push(server)
    await expect(server.ready()).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const res = await server.app.request('/readyz')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      error: { code: 'UNAVAILABLE', message: 'models not loaded yet' },
    })
    source.put('ghost', '1', toyBundle())
    source.setAlias('ghost', 'production', '1')
    expect((await server.app.request('/readyz')).status).toBe(200)
  })

  it('is not ready while a pinned version cannot be loaded, and holds it once it can', async () => {
    const { source } = await start()
    let corrupt = true
    const server = createServer({
      source: {
        resolveVersion: (m, r) => source.resolveVersion(m, r),
        load: (m, v) =>
          corrupt
            ? Promise.reject(new KeelError('ARTIFACT_CORRUPT', `${m} v${v}: digest mismatch`))
            : source.load(m, v),
      },
      models: [{ name: 'flights', version: '2' }],
      eventLog: null,
      defaultMetrics: false,
      maxCachedVersions: 1,
    })
    servers.push(server)
    await expect(server.ready()).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' })
    const res = await server.app.request('/readyz')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      error: { code: 'UNAVAILABLE', message: 'models not loaded yet' },
    })
    corrupt = false
    const ready = await server.app.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ready',
      models: [{ model: 'flights', version: '2' }],
    })
    // Held: other versions passing through the cache (bound 1) never evict it.
    for (const v of ['1', '2', '1']) {
      const r = await postJson(server, `${PREDICT}?version=${v}`, { row: toyRow(2) })
      expect(((await r.json()) as PredictResponse).version).toBe(v)
    }
    expect(server.host.peek('flights', { version: '2' })?.version).toBe('2')
    await expect(
      Promise.resolve().then(() =>
        createServer({ source, models: [{ name: 'flights', version: '02' }], eventLog: null }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: ['models', 'flights'] })
  })

  it('needs the token on admin and write endpoints, and has none open by default', async () => {
    const { server } = await start()
    expect((await postJson(server, '/v1/admin/reload', {})).status).toBe(401)
    expect(
      (await postJson(server, '/v1/admin/reload', {}, { authorization: 'Bearer wrong' })).status,
    ).toBe(401)
    expect(
      (await postJson(server, '/v1/admin/reload', {}, { authorization: `Bearer ${TOKEN}` })).status,
    ).toBe(200)
    expect((await postJson(server, '/v1/feedback', { request_id: 'x', label: 1 })).status).toBe(401)
    const open = await start({ token: '' })
    const r = await postJson(open.server, '/v1/admin/reload', {}, { authorization: 'Bearer ' })
    expect(r.status).toBe(401)
    const guarded = await start({ requireTokenForPredict: true })
    expect((await postJson(guarded.server, PREDICT, { row: toyRow(0) })).status).toBe(401)
    expect(
      (
        await postJson(
          guarded.server,
          PREDICT,
          { row: toyRow(0) },
          { authorization: `Bearer ${TOKEN}` },
        )
      ).status,
    ).toBe(200)
  })
})

describe('prediction log and feedback', () => {
  it('logs one event per row and joins labels sent later by id and by entity', async () => {
    const { server, log } = await start()
    const res = await postJson(server, PREDICT, {
      rows: [toyRow(1), toyRow(2)],
      entities: [
        { flight: 'AA1', date: '2001-01-02' },
        { flight: 'AA2', date: '2001-01-02' },
      ],
    })
    const body = (await res.json()) as PredictResponse
    const auth = { authorization: `Bearer ${TOKEN}` }
    const f1 = await postJson(
      server,
      '/v1/feedback',
      { request_id: body.predictions[0]!.id, label: 'late' },
      auth,
    )
    expect(f1.status).toBe(202)
    const later = Date.now() + 60_000
    const f2 = await postJson(
      server,
      '/v1/feedback',
      {
        labels: [
          { entity: { date: '2001-01-02', flight: 'AA2' }, event_time: later, label: 'on_time' },
        ],
      },
      auth,
    )
    expect(f2.status).toBe(202)
    const bad = await postJson(server, '/v1/feedback', { entity: {}, label: 'x' }, auth)
    expect(bad.status).toBe(422)
    await server.events!.flush()
    const preds = log.all().filter((e) => e.kind === 'prediction')
    expect(preds.map((e) => e.id)).toEqual(body.predictions.map((p) => p.id))
    expect(preds[0]).toMatchObject({
      requestId: body.request_id,
      model: 'flights',
      version: '1',
      inputs: toyRow(1),
      source: 'http',
    })
    const join = await joinLabels(log, { from: 0, to: Date.now() + 1000 })
    expect(join.joined.map((j) => [j.prediction.id, j.via, j.label.label])).toEqual([
      [body.predictions[0]!.id, 'prediction_id', 'late'],
      [body.predictions[1]!.id, 'entity', 'on_time'],
    ])
    expect(join.latency!.count).toBe(2)
  })
})

describe('hot reload and shutdown', () => {
  it('swaps the bundle when the alias moves, without failing a request', async () => {
    const { server, source } = await start()
    const auth = { authorization: `Bearer ${TOKEN}` }
    const statuses: number[] = []
    const versions = new Set<string>()
    let stop = false
    const load = (async () => {
      while (!stop) {
        const r = await postJson(server, PREDICT, { rows: [toyRow(5)] })
        statuses.push(r.status)
        versions.add(((await r.json()) as PredictResponse).version)
        // In-process requests resolve on microtasks alone; let timers run between them.
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    await new Promise((r) => setTimeout(r, 20))
    source.setAlias('flights', 'production', '2')
    await new Promise((r) => setTimeout(r, 30))
    stop = true
    await load
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(versions).toEqual(new Set(['1', '2'])) // the watch hook reloaded at once
    const report = await (await postJson(server, '/v1/admin/reload', {}, auth)).json()
    expect(report).toEqual({ checked: 1, changed: [], failed: [] })
  })

  it('applies the same limits when reading a body off the socket', async () => {
    const { server } = await start({ limits: { maxBodyBytes: 2000 } })
    const { url } = await server.listen()
    const post = (body: string, type = 'application/json') =>
      fetch(`${url}${PREDICT}`, { method: 'POST', headers: { 'content-type': type }, body })
    const big = await post(
      JSON.stringify({ rows: Array.from({ length: 100 }, (_, i) => toyRow(i)) }),
    )
    expect(big.status).toBe(413)
    expect(big.headers.get('connection')).toBe('close')
    expect((await post('{"row": NaN}')).status).toBe(400)
    expect((await post('{}', 'text/plain')).status).toBe(415)
    const ok = await post(JSON.stringify({ row: toyRow(1) }))
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-request-id')).toBe(((await ok.json()) as PredictResponse).request_id)
  })

  it('answers library calls exactly as HTTP does (handlePredict)', async () => {
    const { server } = await start()
    const answer = await server.handlePredict({
      model: 'flights',
      alias: 'staging',
      body: { rows: [toyRow(1)] },
    })
    expect(answer.status).toBe(200)
    const body = JSON.parse(answer.json) as PredictResponse
    expect(body.version).toBe('2')
    const http = (await (
      await postJson(server, PREDICT + '?alias=staging', { rows: [toyRow(1)] })
    ).json()) as PredictResponse
    expect(body.predictions.map(({ id: _, ...r }) => r)).toEqual(
      http.predictions.map(({ id: _, ...r }) => r),
    )
    const bad = await server.handlePredict({ model: 'flights', body: { rows: 'x' } })
    expect(bad.status).toBe(422)
  })

  it('drains in-flight requests and flushes the log on close', async () => {
    const { server, log } = await start()
    const { url } = await server.listen()
    const inflight = Array.from({ length: 20 }, (_, i) =>
      fetch(`${url}${PREDICT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ row: toyRow(i) }),
      }),
    )
    await new Promise((r) => setTimeout(r, 5))
    await server.close()
    const results = await Promise.allSettled(inflight)
    const ok = results.filter((r) => r.status === 'fulfilled' && r.value.status === 200).length
    // Every answered prediction was logged before close returned; requests that arrived after the
    // listener stopped were refused (connection closed or 503), never half-served.
    expect(log.all()).toHaveLength(ok)
    expect(server.events!.stats().dropped).toBe(0)
  })
})
