/**
 * Versions through the socket (real HTTP on 127.0.0.1): every spelling of a version other than the
 * canonical one is refused before anything loads, so clients cannot grow the bundle cache, the
 * metrics label sets or the logged versions by respelling a version, nor by asking for many.
 */
import { describe, expect, it } from 'vitest'
import { toyServers } from './test-support/harness.js'
import { toyBundle, toyRow } from './test-support/toy-bundle.js'

const start = toyServers()

const post = (url: string, query: string): Promise<Response> =>
  fetch(`${url}/v1/models/flights/predict${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ row: toyRow(1) }),
  })

/** The distinct `version` label values of the predict request counter in a /metrics text. */
const versionLabels = async (url: string): Promise<string[]> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  const found = new Set<string>()
  for (const m of text.matchAll(/^keel_predict_requests_total\{[^}]*version="([^"]*)"/gm))
    found.add(m[1]!)
  return [...found].sort()
}

describe('?version= spellings', () => {
  it('refuses every non-canonical spelling with 400 and loads nothing for it', async () => {
    const { server, source } = await start()
    const { url } = await server.listen({ port: 0 })
    const spellings = ['01', '001', '1.0', '1.', '1e0', '0x1', '0b1', '0o1', '+1', '%201', '1%20']
    for (const v of spellings) {
      const res = await post(url, `?version=${v}`)
      expect(res.status, v).toBe(400)
      const body = (await res.json()) as {
        error: { code: string; issues: { code: string; path: unknown[] }[] }
      }
      expect(body.error.code).toBe('INVALID_ARGUMENT')
      expect(body.error.issues.map((i) => [i.code, i.path])).toEqual([
        ['invalid_version', ['query', 'version']],
      ])
    }
    for (let i = 0; i < 5; i++) {
      const res = await post(url, '?version=1')
      expect(res.status).toBe(200)
      expect(((await res.json()) as { version: string }).version).toBe('1')
    }
    // v1 was loaded once, for the production alias at start; every request after shares it.
    expect(source.loads).toBe(1)
    expect(server.host.loads).toBe(1)
    expect(await versionLabels(url)).toEqual(['1', '_none'])
  })

  it('keeps a bounded number of versions, and only their label sets, however many are asked for', async () => {
    const { server, source } = await start({ maxCachedVersions: 2 })
    const { url } = await server.listen({ port: 0 })
    // Versions 3..10 exist too; the production alias (v1) answers once, then each version in turn.
    const more = Array.from({ length: 8 }, (_, i) => String(i + 3))
    for (const v of more) source.put('flights', v, toyBundle({ shift: Number(v) }))
    expect((await post(url, '')).status).toBe(200)
    for (const v of ['2', ...more]) expect((await post(url, `?version=${v}`)).status, v).toBe(200)
    // The production alias's v1 stays (an alias serves it); of the rest, the two most recent.
    expect(server.host.cachedVersions()).toBe(2)
    expect(await versionLabels(url)).toEqual(['1', '10', '9'].sort())
  })
})
