import { afterEach, describe, expect, it } from 'vitest'
import { joinLabels, type LabelEvent, type PredictionEvent } from '../stores/events/index.js'
import { parseEventTime } from './event-time.js'
import type { PredictResponse } from './predict/response.js'
import type { KeelServer } from './server-types.js'
import { postJson, TOKEN, toyServer } from './test-support/harness.js'
import { toyRow } from './test-support/toy-bundle.js'

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
const AUTH = { authorization: `Bearer ${TOKEN}` }
const JUNE = Date.UTC(2001, 5, 1, 8, 30)
const HOUR = 3_600_000

describe('parseEventTime', () => {
  it('reads epoch milliseconds and ISO-8601 date-times with an offset, nothing else', () => {
    expect(parseEventTime(JUNE, ['t'])).toBe(JUNE)
    expect(parseEventTime('2001-06-01T08:30:00Z', ['t'])).toBe(JUNE)
    expect(parseEventTime('2001-06-01T10:30:00+02:00', ['t'])).toBe(JUNE)
    for (const bad of [1.5, -1, NaN, 1e20, '2001-06-01', 'June', true, null, {}]) {
      expect(parseEventTime(bad, ['times', 3])).toMatchObject({ path: ['times', 3] })
    }
  })
})

describe('event times supplied by a trusted replay', () => {
  it('stamps each row with its supplied time and keeps the receive time beside it', async () => {
    const { server, log } = await start()
    const before = Date.now()
    const res = await postJson(
      server,
      PREDICT,
      { rows: [toyRow(1), toyRow(2)], times: [JUNE, '2001-06-01T09:30:00Z'] },
      AUTH,
    )
    expect(res.status).toBe(200)
    const single = await postJson(server, PREDICT, { row: toyRow(3), time: JUNE + 2 * HOUR }, AUTH)
    expect(single.status).toBe(200)
    await server.events!.flush()
    const preds = log.all().filter((e): e is PredictionEvent => e.kind === 'prediction')
    expect(preds.map((e) => e.time)).toEqual([JUNE, JUNE + HOUR, JUNE + 2 * HOUR])
    for (const e of preds) expect(e.receivedAt).toBeGreaterThanOrEqual(before)
  })

  it('refuses supplied times without the token, and logs nothing', async () => {
    const { server, log } = await start()
    const res = await postJson(server, PREDICT, { row: toyRow(1), time: JUNE })
    expect(res.status).toBe(401)
    const wrong = await postJson(
      server,
      PREDICT,
      { row: toyRow(1), time: JUNE },
      { authorization: 'Bearer nope' },
    )
    expect(wrong.status).toBe(401)
    // Without supplied times predict stays open, stamped with the receive time.
    expect((await postJson(server, PREDICT, { row: toyRow(1) })).status).toBe(200)
    await server.events!.flush()
    const events = log.all()
    expect(events).toHaveLength(1)
    expect(events[0]!.time).toBeGreaterThan(JUNE)
    expect('receivedAt' in events[0]!).toBe(false)
  })

  it('answers malformed times with 422 and the path of each problem', async () => {
    const { server } = await start()
    const issues = async (body: unknown) => {
      const res = await postJson(server, PREDICT, body, AUTH)
      expect(res.status).toBe(422)
      return ((await res.json()) as { error: { issues: { path: unknown[] }[] } }).error.issues
    }
    expect(await issues({ rows: [toyRow(1), toyRow(2)], times: [JUNE, 1.5] })).toMatchObject([
      { path: ['times', 1] },
    ])
    expect(await issues({ rows: [toyRow(1)], times: [JUNE, JUNE] })).toMatchObject([
      { path: ['times'] },
    ])
    expect(await issues({ rows: [toyRow(1)], time: JUNE })).toMatchObject([{ path: ['time'] }])
    expect(await issues({ row: toyRow(1), times: [JUNE] })).toMatchObject([{ path: ['times'] }])
  })

  it('takes a label arrival time in feedback, so the join measures the replayed feedback loop', async () => {
    const { server, log } = await start()
    const res = await postJson(server, PREDICT, { rows: [toyRow(1)], times: [JUNE] }, AUTH)
    const body = (await res.json()) as PredictResponse
    const arrived = JUNE + 5 * HOUR
    const fb = await postJson(
      server,
      '/v1/feedback',
      { labels: [{ request_id: body.predictions[0]!.id, label: 'late', time: arrived }] },
      AUTH,
    )
    expect(fb.status).toBe(202)
    const bad = await postJson(
      server,
      '/v1/feedback',
      { request_id: body.predictions[0]!.id, label: 'late', time: 'yesterday' },
      AUTH,
    )
    expect(bad.status).toBe(422)
    await server.events!.flush()
    const label = log.all().find((e): e is LabelEvent => e.kind === 'label')!
    expect(label.time).toBe(arrived)
    expect(label.receivedAt).toBeGreaterThan(arrived)
    const join = await joinLabels(log, { from: JUNE, to: JUNE + 86_400_000 })
    expect(join.joined.map((j) => j.latencyMs)).toEqual([5 * HOUR])
  })
})
