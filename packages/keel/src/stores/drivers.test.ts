import { describe, expect, it } from 'vitest'
import { createPostgresDialect } from './metadata/dialects/postgres.js'
import { createSqliteDialect } from './metadata/dialects/sqlite.js'
import {
  importNats,
  importOptional,
  importPg,
  importRedis,
  importSqlite,
  loadSqlite,
  sqliteDriverPath,
  type ModuleImporter,
} from './drivers.js'

/** An importer that behaves as Node does when a package is not installed. */
const missing: ModuleImporter = (name) =>
  Promise.reject(
    Object.assign(new Error(`Cannot find package '${name}' imported from /app/x.js`), {
      code: 'ERR_MODULE_NOT_FOUND',
    }),
  )

describe('loading drivers on demand', () => {
  it('turns a missing package into MISSING_DEPENDENCY with the install command', async () => {
    await expect(
      importOptional('pg', 'The PostgreSQL metadata store', missing),
    ).rejects.toMatchObject({
      code: 'MISSING_DEPENDENCY',
      hint: 'npm install pg',
      details: { package: 'pg' },
    })
  })

  it('lets other failures through unchanged', async () => {
    const broken: ModuleImporter = () => Promise.reject(new SyntaxError('Unexpected token'))
    await expect(importOptional('pg', 'x', broken)).rejects.toThrow(SyntaxError)
    // A missing transitive dependency is a broken install, not a missing optional package.
    const transitive: ModuleImporter = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'pg-protocol'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      )
    await expect(importOptional('pg', 'x', transitive)).rejects.toMatchObject({
      code: 'ERR_MODULE_NOT_FOUND',
    })
  })

  it('reports a missing driver from either dialect', async () => {
    await expect(
      createSqliteDialect({ filename: ':memory:', importer: missing }),
    ).rejects.toMatchObject({
      code: 'MISSING_DEPENDENCY',
      hint: 'npm install better-sqlite3',
    })
    await expect(
      createPostgresDialect({ url: 'postgres://127.0.0.1/x', importer: missing }),
    ).rejects.toMatchObject({
      code: 'MISSING_DEPENDENCY',
      hint: 'npm install pg',
    })
  })

  it('names the package and its install command for every driver', async () => {
    for (const [load, name] of [
      [() => importSqlite('x', missing), 'better-sqlite3'],
      [() => importPg('x', missing), 'pg'],
      [() => importRedis('x', missing), 'ioredis'],
      [() => importNats('x', missing), '@nats-io/transport-node'],
    ] as const) {
      await expect(load()).rejects.toMatchObject({
        code: 'MISSING_DEPENDENCY',
        hint: `npm install ${name}`,
        details: { package: name },
      })
    }
  })

  it('loads better-sqlite3 synchronously, the same build a worker thread requires', () => {
    const db = new (loadSqlite('x'))(':memory:')
    expect(db.prepare('select 1 + 1 as n').get()).toEqual({ n: 2 })
    db.close()
    expect(sqliteDriverPath()).toMatch(/better-sqlite3/)
  })
})
