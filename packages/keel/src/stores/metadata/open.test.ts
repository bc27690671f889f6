import { existsSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultMetadataPath, openMetadataStore } from './open.js'
import { tempDir } from '../test-support/backends.js'

/** Every migration, in the order they run. */
const MIGRATIONS = ['0001_initial', '0002_leases_and_evaluations', '0003_feature_store']

const dirs: string[] = []
const fresh = (): string => {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('openMetadataStore on SQLite', () => {
  it('defaults to <workspace>/.keel/keel.db with WAL, foreign keys and a busy timeout', async () => {
    const dir = fresh()
    const store = await openMetadataStore({ dir, busyTimeoutMs: 1234 })
    try {
      expect(store.dialect).toBe('sqlite')
      expect(store.location).toBe(defaultMetadataPath(dir))
      expect(existsSync(join(dir, '.keel', 'keel.db'))).toBe(true)
      expect(statSync(join(dir, '.keel')).mode & 0o777).toBe(0o700)
      const pragma = async (name: string) =>
        Object.values(
          (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0] ??
            {},
        )[0]
      expect(await pragma('journal_mode')).toBe('wal')
      expect(await pragma('foreign_keys')).toBe(1)
      expect(await pragma('busy_timeout')).toBe(1234)
    } finally {
      await store.close()
    }
  })

  it('takes sqlite: URLs, relative to the workspace, and an in-memory database', async () => {
    const dir = fresh()
    const file = await openMetadataStore({ dir, url: 'sqlite:state/meta.db' })
    expect(file.location).toBe(join(dir, 'state', 'meta.db'))
    await file.close()
    const memory = await openMetadataStore({ url: 'sqlite::memory:' })
    expect((await memory.migrations()).map((m) => m.name)).toEqual(MIGRATIONS)
    await memory.close()
  })

  it('refuses URL schemes it does not know', async () => {
    for (const url of [
      'file:///etc/passwd',
      'mysql://localhost/x',
      'http://example.com',
      'sqlite:',
    ]) {
      await expect(openMetadataStore({ url, dir: fresh() })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    }
  })

  it('shares one connection per file within a process, and closes it with the last user', async () => {
    const dir = fresh()
    const a = await openMetadataStore({ dir })
    const b = await openMetadataStore({ dir })
    expect(b.db).toBe(a.db)
    await a.close()
    await a.close()
    expect((await b.migrations()).map((m) => m.name)).toEqual(MIGRATIONS)
    await b.close()
    const c = await openMetadataStore({ dir })
    expect(c.db).not.toBe(a.db)
    await c.close()
  })

  it('refuses a database migrated by a newer Keel', async () => {
    const dir = fresh()
    const store = await openMetadataStore({ dir })
    await sql`insert into kysely_migration (name, timestamp) values ('9999_future', '2099-01-01')`.execute(
      store.db,
    )
    await store.close()
    await expect(openMetadataStore({ dir })).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})

describe('openMetadataStore on PostgreSQL, unreachable', () => {
  it('names the host, hides the password, and fails fast', async () => {
    const t0 = Date.now()
    const e = await openMetadataStore({ url: 'postgres://keel:s3cret@127.0.0.1:1/keel' }).catch(
      (x: unknown) => x,
    )
    expect(e).toMatchObject({ code: 'UNAVAILABLE', details: { host: '127.0.0.1:1' } })
    expect(JSON.stringify((e as { toJSON(): unknown }).toJSON())).not.toContain('s3cret')
    expect((e as Error).message).toContain('127.0.0.1:1')
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('gives up after the connect timeout on a host that never answers', async () => {
    const t0 = Date.now()
    // 10.255.255.1 is not routed: the connection neither succeeds nor is refused.
    await expect(
      openMetadataStore({ url: 'postgres://postgres@10.255.255.1:5432/x', connectTimeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { host: '10.255.255.1:5432' } })
    expect(Date.now() - t0).toBeLessThan(4000)
  })

  it('refuses schema names that are not plain identifiers', async () => {
    for (const schema of ['Public', 'a;drop', 'x y', '"q"', '']) {
      await expect(
        openMetadataStore({ url: 'postgres://127.0.0.1:1/x', schema }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    }
  })
})
