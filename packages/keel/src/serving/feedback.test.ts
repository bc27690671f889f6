import { describe, expect, it } from 'vitest'
import { newRequestId } from './request-id.js'
import { predictionIdProblem } from './feedback.js'
import { postJson, TOKEN, toyServers } from './test-support/harness.js'
import { toyRow } from './test-support/toy-bundle.js'
import type { PredictResponse } from './predict/response.js'

const start = toyServers()
const auth = { authorization: `Bearer ${TOKEN}` }

const predictOne = async (server: Awaited<ReturnType<typeof start>>['server']): Promise<string> => {
  const res = await postJson(server, '/v1/models/flights/predict', { row: toyRow(1) })
  return ((await res.json()) as PredictResponse).predictions[0]!.id
}

describe('prediction ids', () => {
  it('accepts the ids the service issues and refuses other forms and future times', () => {
    const now = Date.UTC(2026, 0, 1)
    const id = newRequestId(now)
    expect(predictionIdProblem(id, now)).toBeUndefined()
    expect(predictionIdProblem(`${id}:0`, now)).toBeUndefined()
    expect(predictionIdProblem(`${id}:17`, now)).toBeUndefined()
    for (const bad of ['x', `${id}:`, `${id}:01`, `${id}:-1`, `${id}:a`, id.toUpperCase(), 'r0:0'])
      expect(predictionIdProblem(bad, now), bad).toMatch(/is not a prediction id/)
    // An id made an hour from now cannot have been issued yet (skew allowance: 5 minutes).
    expect(predictionIdProblem(newRequestId(now + 3_600_000), now)).toMatch(/in the future/)
    expect(predictionIdProblem(newRequestId(now + 60_000), now)).toBeUndefined()
  })
})

describe('POST /v1/feedback', () => {
  it('takes a label for an issued id and a known class (202)', async () => {
    const { server, log } = await start()
    const id = await predictOne(server)
    const res = await postJson(server, '/v1/feedback', { request_id: id, label: 'late' }, auth)
    expect(res.status).toBe(202)
    // true/false name the positive and negative class of a binary model, as the monitor reads them.
    const b = await postJson(server, '/v1/feedback', { request_id: id, label: true }, auth)
    expect(b.status).toBe(202)
    await server.events!.flush()
    expect(log.all().filter((e) => e.kind === 'label')).toHaveLength(2)
  })

  it('answers 404 for an id the service cannot have issued, and stores nothing', async () => {
    const { server, log } = await start()
    const res = await postJson(
      server,
      '/v1/feedback',
      { request_id: 'no-such-prediction:0', label: 'late' },
      auth,
    )
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({
      error: {
        code: 'NOT_FOUND',
        issues: [{ code: 'unknown_prediction', path: ['request_id'] }],
      },
    })
    const future = newRequestId(Date.now() + 86_400_000)
    const f = await postJson(server, '/v1/feedback', { request_id: future, label: 'late' }, auth)
    expect(f.status).toBe(404)
    await server.events!.flush()
    expect(log.all().filter((e) => e.kind === 'label')).toHaveLength(0)
  })

  it('answers 422 for a class the model does not have, naming the classes, and stores nothing', async () => {
    const { server, log } = await start()
    const id = await predictOne(server)
    const res = await postJson(server, '/v1/feedback', { request_id: id, label: 'lat' }, auth)
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { code: string; issues: unknown[] } }
    expect(body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [
        {
          code: 'invalid_label',
          path: ['label'],
          message: 'label "lat" is not one of "on_time", "late" for "flights"',
        },
      ],
    })
    // A batch is all or nothing: one bad label and one unknown id refuse the valid one as well.
    const batch = await postJson(
      server,
      '/v1/feedback',
      {
        labels: [
          { request_id: id, label: 'late' },
          { entity: { flight: 'AA1' }, event_time: 0, label: 2 },
          { request_id: 'bogus', label: 'late' },
        ],
      },
      auth,
    )
    expect(batch.status).toBe(422)
    const issues = ((await batch.json()) as { error: { issues: { path: unknown[] }[] } }).error
      .issues
    expect(issues.map((i) => i.path)).toEqual([
      ['labels', 1, 'label'],
      ['labels', 2, 'request_id'],
    ])
    await server.events!.flush()
    expect(log.all().filter((e) => e.kind === 'label')).toHaveLength(0)
  })

  it('checks a label against the model it names, and a number against a regression model', async () => {
    const { server } = await start()
    const id = await predictOne(server)
    // Loads "delay" (regression) so the server knows its label domain.
    await postJson(server, '/v1/models/delay/predict', { row: toyRow(2) })
    const text = await postJson(
      server,
      '/v1/feedback',
      { request_id: id, label: 'late', model: 'delay' },
      auth,
    )
    expect(text.status).toBe(422)
    const num = await postJson(
      server,
      '/v1/feedback',
      { request_id: id, label: 12.5, model: 'delay' },
      auth,
    )
    expect(num.status).toBe(202)
    // Without "model", a label any loaded model can read is taken.
    expect(
      (await postJson(server, '/v1/feedback', { request_id: id, label: 3 }, auth)).status,
    ).toBe(202)
    // A model not loaded here is not checked against classes.
    const other = await postJson(
      server,
      '/v1/feedback',
      { request_id: id, label: 'x', model: 'elsewhere' },
      auth,
    )
    expect(other.status).toBe(202)
  })
})
