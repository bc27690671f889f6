// The embedded path must never load `pg` (and so must work where only better-sqlite3 is installed).
// This file imports nothing that loads pg statically, so the module cache tells the truth.
import { createRequire } from 'node:module'
import { rmSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openMetadataStore } from './open.js'
import { openEventLog } from '../events/open-event-log.js'
import { openOnlineStore } from '../online/open-online-store.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const loaded = (pkg: string): boolean =>
  Object.keys(require.cache).some((path) => path.includes(`/node_modules/${pkg}/`))

describe('driver isolation', () => {
  it('opens, writes and reads SQLite without loading pg, which loads only for a postgres URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-isolation-'))
    try {
      const store = await openMetadataStore({ dir })
      await store.db
        .insertInto('experiments')
        .values({ id: 'e', name: 'e', description: null, created_at: 1 })
        .execute()
      expect(await store.db.selectFrom('experiments').select('name').execute()).toEqual([
        { name: 'e' },
      ])
      await store.close()
      expect(loaded('better-sqlite3')).toBe(true)
      expect(loaded('pg')).toBe(false)
      // Positive control: the check does see pg once a postgres URL is opened.
      await openMetadataStore({ url: 'postgres://127.0.0.1:1/x', connectTimeoutMs: 200 }).catch(
        () => undefined,
      )
      expect(loaded('pg')).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('driver isolation of the embedded online store and event log', () => {
  it('loads neither ioredis nor the NATS client', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'keel-isolation-'))
    try {
      const online = await openOnlineStore({ workspace })
      await online.setMany('n', [['k', 'v']])
      await online.close()
      const log = await openEventLog({ workspace })
      await log.close()
      expect(loaded('ioredis')).toBe(false)
      expect(loaded('@nats-io/transport-node')).toBe(false)
      // Positive control: ioredis does show once a redis URL is opened.
      await openOnlineStore({ workspace, url: 'redis://127.0.0.1:1' }).catch(() => undefined)
      expect(loaded('ioredis')).toBe(true)
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })
})
