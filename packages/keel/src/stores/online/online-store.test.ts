import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onlineStoreConformance } from '../conformance/online-store-suite.js'
import type { SuiteHost } from '../conformance/suite-host.js'
import { createMemoryOnlineStore } from './memory-online-store.js'
import { openOnlineStore } from './open-online-store.js'
import { openRedisOnlineStore } from './redis-online-store.js'
import { openSqliteOnlineStore, sqliteOnlineStorePath } from './sqlite-online-store.js'

const host: SuiteHost = { describe, it, beforeAll, afterAll }
const REDIS_URL = process.env['KEEL_TEST_REDIS_URL']

onlineStoreConformance(host, 'memory', async () => {
  const store = createMemoryOnlineStore()
  return { store, cleanup: () => store.close() }
})

onlineStoreConformance(host, 'sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-online-'))
  const store = openSqliteOnlineStore(join(dir, 'online.db'))
  return {
    store,
    cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })),
  }
})

if (REDIS_URL === undefined) {
  describe.skip('OnlineStore conformance: redis (skipped: KEEL_TEST_REDIS_URL is not set)', () => {
    it('runs when KEEL_TEST_REDIS_URL names a Redis server', () => undefined)
  })
} else {
  // Each store under a key prefix of its own; cleanup removes it through a second connection,
  // since the suite may have closed the first.
  onlineStoreConformance(host, 'redis', async () => {
    const options = {
      url: REDIS_URL,
      keyPrefix: `keeltest:${randomBytes(6).toString('hex')}:`,
      commandTimeoutMs: 2000,
    }
    const store = await openRedisOnlineStore(options)
    return {
      store,
      cleanup: async () => {
        await store.close()
        const sweeper = await openRedisOnlineStore(options)
        await sweeper.clear()
        await sweeper.close()
      },
    }
  })
}

describe('openOnlineStore', () => {
  it('chooses the backend by URL, defaulting to SQLite in the workspace', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'keel-online-'))
    try {
      const embedded = await openOnlineStore({ workspace })
      expect(embedded.backend).toBe('sqlite')
      await embedded.setMany('n', [['k', 'v']])
      await embedded.close()
      const again = openSqliteOnlineStore(sqliteOnlineStorePath(workspace))
      expect(await again.getMany('n', ['k'])).toEqual(['v'])
      await again.close()
      const relative = await openOnlineStore({ workspace, url: 'sqlite:other.db' })
      expect(relative.backend).toBe('sqlite')
      await relative.close()
      expect((await openOnlineStore({ workspace, url: 'memory:' })).backend).toBe('memory')
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })

  it('refuses unknown schemes and an empty sqlite path', async () => {
    await expect(openOnlineStore({ workspace: '.', url: 'mysql://x' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    })
    await expect(openOnlineStore({ workspace: '.', url: 'sqlite:' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    })
  })

  it('reports an unreachable Redis as UNAVAILABLE', async () => {
    await expect(
      openOnlineStore({ workspace: '.', url: 'redis://127.0.0.1:1' }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })
})
