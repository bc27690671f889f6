/**
 * Metadata backends for tests: SQLite in a fresh temporary directory, and PostgreSQL in a fresh
 * schema (`keel_test_<random>`) of the database at KEEL_TEST_POSTGRES_URL, dropped afterwards, so
 * parallel runs never see each other's rows.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { importPg } from '../drivers.js'
import { openMetadataStore, type MetadataStore } from '../metadata/open.js'
import type { TestMetadataHandle } from '../conformance/handles.js'

/** The PostgreSQL server tests use. */
export const TEST_POSTGRES_URL =
  process.env.KEEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A metadata database for one test file, and how to get rid of it. */
export interface TestMetadata extends TestMetadataHandle {
  /** The workspace directory (artifacts go under it). */
  readonly dir: string
}

/** A named way of opening a test metadata database. */
export interface MetadataBackend {
  readonly name: 'sqlite' | 'postgres'
  open(): Promise<TestMetadata>
}

/** A temporary directory removed by `cleanup`. */
export const tempDir = (prefix = 'keel-stores-'): string => mkdtempSync(join(tmpdir(), prefix))

/** SQLite in `<tmp>/.keel/keel.db`. */
export const sqliteBackend: MetadataBackend = {
  name: 'sqlite',
  async open() {
    const dir = tempDir()
    const metadata = await openMetadataStore({ dir })
    const others: MetadataStore[] = []
    return {
      metadata,
      dir,
      reopen: async () => {
        const m = await openMetadataStore({ dir })
        others.push(m)
        return m
      },
      cleanup: async () => {
        for (const m of [metadata, ...others]) await m.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
}

/** A fresh schema name for one test run. */
export const testSchemaName = (): string => `keel_test_${randomBytes(6).toString('hex')}`

/** PostgreSQL in a fresh schema, dropped by `cleanup`. */
export const postgresBackend: MetadataBackend = {
  name: 'postgres',
  async open() {
    const dir = tempDir()
    const schema = testSchemaName()
    const options = { url: TEST_POSTGRES_URL, schema, connectTimeoutMs: 3000, maxConnections: 4 }
    const metadata = await openMetadataStore(options)
    const others: MetadataStore[] = []
    return {
      metadata,
      dir,
      reopen: async () => {
        const m = await openMetadataStore(options)
        others.push(m)
        return m
      },
      cleanup: async () => {
        for (const m of others) await m.close()
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(metadata.db)
        await metadata.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
}

/**
 * Whether the test PostgreSQL answers. Tests use it to decide between running the PostgreSQL
 * variant and skipping it with a reason — except under CI (`CI=true`), where an unreachable server
 * is a failure, not a skip.
 */
export const postgresReachable = async (): Promise<
  { ok: true } | { ok: false; reason: string }
> => {
  const pg = await importPg('The PostgreSQL test backend')
  const client = new pg.Client({
    connectionString: TEST_POSTGRES_URL,
    connectionTimeoutMillis: 2000,
  })
  try {
    await client.connect()
    await client.query('select 1')
    return { ok: true }
  } catch (e) {
    return {
      ok: false,
      reason: `${TEST_POSTGRES_URL}: ${e instanceof Error ? e.message : String(e)}`,
    }
  } finally {
    await client.end().catch(() => undefined)
  }
}
