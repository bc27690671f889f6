import { afterEach } from 'vitest'
import { createMemoryEventLog, type MemoryEventLog } from '../../stores/events/index.js'
import { createMemoryBundleSource, type MemoryBundleSource } from '../bundle-source.js'
import { createServer } from '../server.js'
import type { KeelServer, ServeOptions } from '../server-types.js'
import { toyBundle } from './toy-bundle.js'

export const TOKEN = 'test-token-0123456789'

/** A server over the toy bundle (versions 1 and 2, `production` → 1) with an in-memory event log. */
export const toyServer = async (
  overrides: Partial<ServeOptions> = {},
): Promise<{ server: KeelServer; source: MemoryBundleSource; log: MemoryEventLog }> => {
  const source = createMemoryBundleSource()
  source.put('flights', '1', toyBundle())
  source.put('flights', '2', toyBundle({ shift: 1.5 }))
  source.put('delay', '1', toyBundle({ task: 'regression' }))
  source.setAlias('flights', 'production', '1')
  source.setAlias('flights', 'staging', '2')
  source.setAlias('delay', 'production', '1')
  const log = createMemoryEventLog()
  const server = createServer({
    source,
    models: ['flights'],
    eventLog: log,
    token: TOKEN,
    reloadIntervalMs: 0,
    defaultMetrics: false,
    eventWriter: { flushIntervalMs: 1 },
    ...overrides,
  })
  await server.ready()
  return { server, source, log }
}

/** {@link toyServer} for one test file: every server it starts is closed after each test. */
export const toyServers = (): typeof toyServer => {
  const servers: KeelServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })
  return async (overrides) => {
    const t = await toyServer(overrides)
    servers.push(t.server)
    return t
  }
}

/** POST JSON in process. */
export const postJson = (
  server: KeelServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> =>
  Promise.resolve(
    server.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )
