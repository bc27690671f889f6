import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readKeelEnv } from './env.js'
import {
  openProjectPredictionCache,
  openWorkspaceStores,
  resolveBackends,
  workspaceOf,
} from './workspace.js'

describe('readKeelEnv', () => {
  it('reads the KEEL_* variables, empty as unset, from the environment it is given', () => {
    const env = readKeelEnv({
      KEEL_DATABASE_URL: 'postgres://db/keel',
      KEEL_EVENTS: '',
      KEEL_ONLINE_STORE: 'redis://127.0.0.1:6379',
      KEEL_DEBUG: '1',
    })
    expect(env).toEqual({
      databaseUrl: 'postgres://db/keel',
      onlineStore: 'redis://127.0.0.1:6379',
      debug: true,
    })
    expect(readKeelEnv({})).toEqual({ debug: false })
  })
})

describe('resolveBackends', () => {
  const paths = workspaceOf('/srv/project')

  it('defaults to the embedded backends under the workspace', () => {
    expect(resolveBackends(paths, { env: readKeelEnv({}) })).toEqual({
      databaseUrl: 'sqlite:/srv/project/.keel/keel.db',
      artifactRoot: '/srv/project/.keel/artifacts',
      eventsUrl: undefined,
      onlineStoreUrl: undefined,
      serveToken: undefined,
    })
  })

  it('takes the config first, then the environment', () => {
    const env = readKeelEnv({
      KEEL_DATABASE_URL: 'postgres://env/keel',
      KEEL_EVENTS: 'nats://127.0.0.1:4222',
      KEEL_SERVE_TOKEN: 's3cret',
    })
    expect(resolveBackends(paths, { env })).toMatchObject({
      databaseUrl: 'postgres://env/keel',
      eventsUrl: 'nats://127.0.0.1:4222',
      serveToken: 's3cret',
    })
    expect(resolveBackends(paths, { env, databaseUrl: 'postgres://config/keel' }).databaseUrl).toBe(
      'postgres://config/keel',
    )
  })
})

describe('opening a workspace', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('opens the embedded stores of a folder without a config', async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-workspace-'))
    const stores = await openWorkspaceStores(
      workspaceOf(dir),
      resolveBackends(workspaceOf(dir), { env: readKeelEnv({}) }),
    )
    try {
      expect(await stores.registry.listModels()).toEqual([])
    } finally {
      await stores.close()
    }
  })

  it('caches predictions only when KEEL_ONLINE_STORE names a store', async () => {
    expect(await openProjectPredictionCache({ root: '/nowhere' }, readKeelEnv({}))).toBeUndefined()
    const cache = await openProjectPredictionCache(
      { root: '/nowhere' },
      readKeelEnv({ KEEL_ONLINE_STORE: 'memory:' }),
    )
    expect(cache).toBeDefined()
    await cache!.close()
  })
})
