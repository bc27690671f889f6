import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { predictRoute } from './node-listener.js'
import { postJson, TOKEN, toyServer } from './test-support/harness.js'
import { toyRow } from './test-support/toy-bundle.js'
import type { KeelServer } from './server-types.js'

const servers: KeelServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const PREDICT = '/v1/models/flights/predict'

/** The parts of an answer that must not depend on the path it took (ids and times aside). */
const comparable = async (res: Response): Promise<unknown> => {
  const text = await res.text()
  const scrub = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(scrub)
    if (typeof v !== 'object' || v === null) return v
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'request_id' && k !== 'id')
        .map(([k, x]) => [k, scrub(x)]),
    )
  }
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    hasRequestId: res.headers.has('x-request-id'),
    body: scrub(JSON.parse(text)),
  }
}

describe('predictRoute', () => {
  it('takes only /v1/models/{name}/predict, leaving every other path to the app', () => {
    expect(predictRoute('/v1/models/flights/predict')).toBe('flights')
    expect(predictRoute('/v1/models/a.b-c_1/predict')).toBe('a.b-c_1')
    for (const p of [
      '/v1/models//predict',
      '/v1/models/a/b/predict',
      '/v1/models/flights/predict/',
      '/v1/models/fl%41ghts/predict',
      '/v1/models/flights',
      '/v1/feedback',
    ])
      expect(predictRoute(p)).toBeNull()
  })
})

describe('the Node listener', () => {
  it('answers predict calls on the socket exactly as the app answers them in process', async () => {
    const { server } = await toyServer({ requireTokenForPredict: false })
    servers.push(server)
    const { url } = await server.listen()
    const cases: { path: string; body: string; type?: string; auth?: string }[] = [
      { path: PREDICT, body: JSON.stringify({ rows: [toyRow(1), toyRow(2)] }) },
      { path: PREDICT, body: JSON.stringify({ row: { ...toyRow(3), extra: 1 } }) },
      { path: `${PREDICT}?alias=staging`, body: JSON.stringify({ row: toyRow(4) }) },
      { path: `${PREDICT}?version=2&x=1`, body: JSON.stringify({ row: toyRow(5) }) },
      { path: `${PREDICT}?alias=staging&version=2`, body: JSON.stringify({ row: toyRow(5) }) },
      { path: `${PREDICT}?explain=maybe`, body: JSON.stringify({ row: toyRow(5) }) },
      { path: `${PREDICT}?explain=true`, body: JSON.stringify({ row: toyRow(6) }) },
      { path: PREDICT, body: JSON.stringify({ rows: [{ distance: 'far' }] }) },
      { path: PREDICT, body: '{"row": NaN}' },
      { path: PREDICT, body: '{}', type: 'text/plain' },
      { path: PREDICT, body: '' },
      { path: '/v1/models/nope/predict', body: JSON.stringify({ row: toyRow(1) }) },
      { path: '/v1/models/bad name!/predict', body: '{}' },
      { path: '/v1/models/flights/predict/', body: '{}' },
    ]
    for (const c of cases) {
      const headers = { 'content-type': c.type ?? 'application/json' }
      const socket = await fetch(`${url}${c.path.replace(' ', '%20')}`, {
        method: 'POST',
        headers,
        body: c.body,
      })
      const inProcess = await server.app.request(c.path.replace(' ', '%20'), {
        method: 'POST',
        headers,
        body: c.body,
      })
      expect(await comparable(socket), c.path + ' ' + c.body).toEqual(await comparable(inProcess))
    }
  })

  it('asks for the token on predict when configured to, as the app does', async () => {
    const { server } = await toyServer({ requireTokenForPredict: true })
    servers.push(server)
    const { url } = await server.listen()
    const post = (auth?: string) =>
      fetch(`${url}${PREDICT}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(auth ? { authorization: auth } : {}),
        },
        body: JSON.stringify({ row: toyRow(1) }),
      })
    expect((await post()).status).toBe(401)
    expect((await post('Bearer wrong')).status).toBe(401)
    expect((await post(`Bearer ${TOKEN}`)).status).toBe(200)
    const inProcess = await postJson(server, PREDICT, { row: toyRow(1) })
    expect(inProcess.status).toBe(401)
  })

  it('keeps the connection usable after an answer that did not read the body', async () => {
    const { server } = await toyServer()
    servers.push(server)
    const { port } = await server.listen()
    const { Agent } = await import('node:http')
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const send = (path: string, body: string, type = 'application/json') =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = httpRequest(
          {
            port,
            host: '127.0.0.1',
            path,
            method: 'POST',
            agent,
            headers: { 'content-type': type, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            res.resume()
            res.on('end', () => resolve({ status: res.statusCode!, socket: req.socket }))
          },
        )
        req.on('error', reject)
        req.end(body)
      })
    const big = JSON.stringify({ row: toyRow(1), pad: 'x'.repeat(50_000) })
    const a = await send('/v1/models/nope/predict', big)
    const b = await send(PREDICT, big, 'text/plain')
    const c = await send(PREDICT, JSON.stringify({ row: toyRow(1) }))
    expect([a.status, b.status, c.status]).toEqual([404, 415, 200])
    expect(c.socket).toBe(a.socket) // the unread bodies were drained, not the connection dropped
    agent.destroy()
  })
})
