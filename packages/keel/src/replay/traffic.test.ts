import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReplayRow } from './plan.js'
import { replayTraffic } from './traffic.js'

const HOUR = 3_600_000

const body = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

describe('replayTraffic with a clock tick', () => {
  const log: string[] = []
  let url = ''
  const server = createServer((req, res) => {
    void body(req).then((b) => {
      if (req.url?.startsWith('/v1/feedback')) {
        res.end('{}')
        return
      }
      const { times } = b as { times: number[] }
      log.push(`predict ${times.map((t) => t / HOUR).join(',')}`)
      // Answer slowly, so a tick that did not wait for in-flight requests would show.
      setTimeout(
        () => res.end(JSON.stringify({ predictions: times.map((_, i) => ({ id: `r:${i}` })) })),
        5,
      )
    })
  })
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('runs the tick before each period, after earlier requests, never mixing periods in a batch', async () => {
    const plan: ReplayRow[] = [0.1, 0.2, 0.5, 1.0, 1.5, 3.2, 3.3].map((h) => ({
      row: {},
      time: h * HOUR,
      labelTime: h * HOUR + 10 * HOUR,
      label: 'x',
    }))
    const result = await replayTraffic(plan, {
      url,
      token: 't',
      model: 'm',
      version: '1',
      cutoff: 24 * HOUR,
      batchSize: 2,
      concurrency: 4,
      tick: {
        everyMs: HOUR,
        run: async (t) => {
          log.push(`tick ${t / HOUR}`)
          await new Promise((r) => setTimeout(r, 1))
        },
      },
    })
    expect(result.errors).toBe(0)
    expect(result.rows).toBe(7)
    // Requests of one period may arrive in any order; the ticks separate the periods.
    const segments: string[][] = []
    for (const line of log) {
      if (line.startsWith('tick')) segments.push([line])
      else segments[segments.length - 1]!.push(line)
    }
    expect(segments.map(([tick, ...rest]) => [tick, ...rest.sort()])).toEqual([
      ['tick 0', 'predict 0.1,0.2', 'predict 0.5'],
      ['tick 1', 'predict 1,1.5'],
      ['tick 3', 'predict 3.2,3.3'],
    ])
  })
})
