/**
 * `keel serve` through the CLI runner: it refuses to start when a pinned version cannot be loaded
 * (as the alias form does), names a busy port and the fix, and documents its connection limits.
 * No test here reaches a listening server that stays up: each run fails before or at listen.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer as createNetServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitCodeFor } from '@keel/core'
import { runKeel } from '../test-support/run-cli.js'
import { writeSyntheticProject } from '../../evaluation/test-support/synthetic-project.js'
import { toyBundle } from '../../serving/test-support/toy-bundle.js'
import { openStores } from '../../stores/index.js'

let dir = ''
// A port this file holds: a run that wrongly got as far as listening fails there, never serves.
const taken: Server = createNetServer()
let busy = 0

beforeAll(async () => {
  busy = await new Promise<number>((resolve) =>
    taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
  )
  dir = mkdtempSync(join(tmpdir(), 'keel-serve-cli-'))
  writeSyntheticProject(dir, { rows: 20 })
  const workspace = join(dir, '.keel')
  const stores = await openStores({
    url: `sqlite:${workspace}/keel.db`,
    dir,
    artifactRoot: join(workspace, 'artifacts'),
  })
  try {
    const good = await stores.artifacts.put(JSON.stringify(toyBundle().toJSON()))
    await stores.registry.createVersion({ model: 'synthetic', bundle: good })
    const bad = await stores.artifacts.put(JSON.stringify(toyBundle({ shift: 2 }).toJSON()))
    await stores.registry.createVersion({ model: 'synthetic', bundle: bad })
    // Flip the bundle of version 2 on disk: its digest no longer matches.
    const hex = bad.digest.slice('sha256:'.length)
    const file = join(workspace, 'artifacts', 'sha256', hex.slice(0, 2), hex.slice(2))
    writeFileSync(file, `${readFileSync(file, 'utf8')} `)
  } finally {
    await stores.close()
  }
})
afterAll(async () => {
  await new Promise((done) => taken.close(done))
  rmSync(dir, { recursive: true, force: true })
})

const serve = (...args: string[]) =>
  runKeel(['serve', ...args, '--no-events', '--json', '-C', dir, '-q'])

describe('keel serve', () => {
  it('refuses to start when a pinned version cannot be loaded', async () => {
    const r = await serve('synthetic@2', '--port', String(busy))
    expect(r.code).toBe(exitCodeFor('ARTIFACT_CORRUPT'))
    expect(r.json).toMatchObject({ error: { code: 'ARTIFACT_CORRUPT' } })
    const missing = await serve('synthetic@9', '--port', String(busy))
    expect(missing.code).toBe(exitCodeFor('NOT_FOUND'))
  })

  it('names a busy port and how to choose another', async () => {
    const r = await serve('synthetic@1', '--port', String(busy))
    expect(r.code).toBe(exitCodeFor('UNAVAILABLE'))
    const { error } = r.json as { error: { code: string; message: string; hint: string } }
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toContain(`port ${busy}`)
    expect(error.hint).toContain('--port')
  })

  it('refuses --protect-metrics without a token', async () => {
    const r = await serve('synthetic@1', '--protect-metrics', '--port', String(busy))
    expect(r.code).toBe(exitCodeFor('INVALID_ARGUMENT'))
    expect(r.json).toMatchObject({ error: { code: 'INVALID_ARGUMENT', path: ['protect-metrics'] } })
  })

  it('serves a pinned version with /metrics behind the token, and stops on SIGTERM', async () => {
    // A free port: bind one, note it, let it go (the server takes it a moment later).
    const probe = createNetServer()
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    )
    await new Promise((done) => probe.close(done))
    expect(process.listenerCount('SIGTERM')).toBe(0) // the signal below reaches keel serve alone
    const url = `http://127.0.0.1:${port}`
    const running = serve(
      'synthetic@1',
      '--protect-metrics',
      '--token',
      't0k',
      '--port',
      String(port),
    )
    let ended = false
    void running.finally(() => (ended = true))
    // Wait until it answers (or has given up, which the assertions below then show).
    const answers = (): Promise<boolean> =>
      fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    while (!ended && !(await answers())) await new Promise((r) => setTimeout(r, 20))
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(401)
      const metrics = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer t0k' } })
      expect(metrics.status).toBe(200)
      const ready = await fetch(`${url}/readyz`)
      expect(await ready.json()).toEqual({
        status: 'ready',
        models: [{ model: 'synthetic', version: '1' }],
      })
    } finally {
      process.emit('SIGTERM')
    }
    const r = await running
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({ url, models: [{ model: 'synthetic', version: 1 }] })
  })

  it('refuses a headers timeout over the request timeout, and follows a shorter request timeout by default', async () => {
    const r = await serve(
      'synthetic@1',
      '--headers-timeout',
      '5000',
      '--request-timeout',
      '1000',
      '--port',
      String(busy),
    )
    expect(r.code).toBe(exitCodeFor('INVALID_ARGUMENT'))
    expect(r.json).toMatchObject({ error: { path: ['connections', 'headersTimeoutMs'] } })
    // The default (10 s) shrinks to a 1 s request timeout: this run gets as far as the busy port.
    const ok = await serve('synthetic@1', '--request-timeout', '1000', '--port', String(busy))
    expect(ok.code).toBe(exitCodeFor('UNAVAILABLE'))
  })

  it('documents its connection limits and the metrics protection in --help', async () => {
    const r = await runKeel(['serve', '--help'])
    for (const flag of [
      '--protect-metrics',
      '--headers-timeout <ms>',
      '--request-timeout <ms>',
      '--keep-alive-timeout <ms>',
      '--max-connections <n>',
    ])
      expect(r.stdout).toContain(flag)
  })
})
