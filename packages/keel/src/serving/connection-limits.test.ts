/**
 * The server's own connection limits, through a raw socket: a request whose body never ends is cut
 * at the request timeout, connections beyond the limit are closed, and bad limits are refused.
 * Short configured timeouts keep the tests quick; nothing asserts how long anything took.
 */
import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createMemoryBundleSource } from './bundle-source.js'
import { createServer } from './server.js'
import { toyServers } from './test-support/harness.js'

const start = toyServers()

/** Connect, and collect what the server sends until it closes the connection. */
const open = (port: number): Promise<{ socket: Socket; closed: Promise<string> }> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => (received += d))
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)))
    socket.once('error', reject)
    socket.once('connect', () => resolve({ socket, closed }))
  })

describe('connection limits', () => {
  it('cuts a request whose body never ends at the request timeout', async () => {
    const { server } = await start({
      connections: { headersTimeoutMs: 100, requestTimeoutMs: 200 },
    })
    const { port } = await server.listen({ port: 0 })
    const { socket, closed } = await open(port)
    socket.write(
      'POST /v1/models/flights/predict HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n' +
        'content-length: 1000\r\n\r\n{"row": {"dist',
    )
    // The connection closes by itself (Node answers 408 first): the test waits for that, no clock.
    const received = await closed
    expect(received).toMatch(/^HTTP\/1\.1 408/)
  })

  it('cuts a request whose headers never end at the headers timeout', async () => {
    const { server } = await start({
      connections: { headersTimeoutMs: 100, requestTimeoutMs: 200 },
    })
    const { port } = await server.listen({ port: 0 })
    const { socket, closed } = await open(port)
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nx-slow: ')
    expect(await closed).toMatch(/^HTTP\/1\.1 408/)
  })

  it('closes connections beyond the limit at once', async () => {
    const { server } = await start({ connections: { maxConnections: 1 } })
    const { port } = await server.listen({ port: 0 })
    const first = await open(port)
    // The first connection is accepted and kept alive: it gets its answer and stays open.
    const answered = new Promise<void>((done) => first.socket.once('data', () => done()))
    first.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    await answered
    const second = await open(port)
    second.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(await second.closed).toBe('')
    expect(first.socket.destroyed).toBe(false)
    first.socket.destroy()
  })

  it('refuses limits that are not positive integers, or a headers timeout over the request timeout', () => {
    for (const [connections, key] of [
      [{ requestTimeoutMs: 0 }, 'requestTimeoutMs'],
      [{ maxConnections: 1.5 }, 'maxConnections'],
      [{ headersTimeoutMs: 2000, requestTimeoutMs: 1000 }, 'headersTimeoutMs'],
    ] as const) {
      expect(() => createServer({ source: createMemoryBundleSource(), connections })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', path: ['connections', key] }),
      )
    }
  })

  it('names the port and the fix when the port is taken', async () => {
    const { server } = await start()
    const { port } = await server.listen({ port: 0 })
    const { server: second } = await start()
    const e = await second.listen({ port }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'UNAVAILABLE', path: ['port'], details: { port } })
    expect((e as Error).message).toContain(String(port))
    expect((e as { hint: string }).hint).toContain('--port')
  })
})
