/**
 * Crash safety of the registry: a child process writes versions and moves aliases in a loop and is
 * killed with SIGKILL at random moments, many times over the same workspace. Afterwards every
 * version's bundle must exist and verify, every version must have all its lineage rows, version
 * numbers must have no gaps, every alias must point at an existing version, and the alias history
 * must be one unbroken chain ending where each alias points. Also: two processes promoting at once
 * serialize into one consistent history.
 */
import { rmSync } from 'node:fs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertAliasChains } from '../conformance/registry-store-suite.js'
import { openStores, type KeelStores } from '../open-stores.js'
import {
  postgresReachable,
  tempDir,
  testSchemaName,
  TEST_POSTGRES_URL,
} from '../test-support/backends.js'
import {
  crashLoop as crashLoopOf,
  killAllWriters,
  prepareWriter,
  startWriter,
  type PreparedWriter,
} from '../test-support/spawn-writer.js'

const MODEL = 'crash-model'
let writer: PreparedWriter = { command: [], dispose: () => undefined }
beforeAll(async () => {
  writer = await prepareWriter()
})

/** Check every invariant a crash must not break. Returns the number of versions. */
const checkInvariants = async (stores: KeelStores): Promise<number> => {
  const { metadata, artifacts, registry } = stores
  if (metadata.dialect === 'sqlite') {
    const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
      metadata.db,
    )
    expect(check.rows).toEqual([{ integrity_check: 'ok' }])
  }
  const model = await registry.getModel(MODEL)
  const versions = await registry.listVersions(MODEL, { limit: 100_000 })
  expect(versions.map((v) => v.version)).toEqual(
    Array.from({ length: model.latestVersion }, (_, i) => model.latestVersion - i),
  )
  for (const v of versions) {
    const bytes = await artifacts.get(v.bundle.digest)
    expect(bytes.length).toBe(v.bundle.size)
    expect(v.datasets.map((d) => d.role)).toEqual(['train', 'validation'])
    expect(v.evaluation).toHaveProperty('iteration')
  }
  const dangling = await metadata.db
    .selectFrom('model_aliases as a')
    .leftJoin('model_versions as v', 'v.id', 'a.version_id')
    .select(['a.alias', 'v.id'])
    .execute()
  expect(dangling.every((row) => row.id !== null)).toBe(true)
  assertAliasChains(await registry.aliasHistory(MODEL, { limit: 100_000 }), model.aliases)
  return versions.length
}

const crashLoop = async (
  args: (seed: number) => string[],
  kills: number,
  seed: number,
): Promise<void> => {
  const codes = await crashLoopOf(writer, args, { kills, seed })
  expect(codes).toEqual(codes.map(() => null))
}

const dirs: string[] = []
afterAll(() => {
  killAllWriters()
  writer.dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('registry crash safety on SQLite', () => {
  it('keeps every invariant across 20 SIGKILLs mid-write', async () => {
    const dir = tempDir('keel-crash-')
    dirs.push(dir)
    await crashLoop((s) => [dir, 'crash', String(s)], 20, 7)
    const stores = await openStores({ dir })
    try {
      expect(await checkInvariants(stores)).toBeGreaterThan(10)
    } finally {
      await stores.close()
    }
  }, 120_000)

  it('serializes two processes promoting at once', async () => {
    const dir = tempDir('keel-race-')
    dirs.push(dir)
    const stores = await openStores({ dir })
    for (let i = 0; i < 4; i++) {
      const ref = await stores.artifacts.put(`race bundle ${i}`)
      await stores.registry.createVersion({
        model: MODEL,
        bundle: ref,
        datasets: [
          { fingerprint: 'fp-train', role: 'train' },
          { fingerprint: 'fp-val', role: 'validation' },
        ],
        evaluation: { iteration: i },
      })
    }
    const children = [1, 2].map((s) => startWriter(writer, [dir, 'race', String(s), '40']))
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0])
    try {
      await checkInvariants(stores)
      const history = await stores.registry.aliasHistory(MODEL, { limit: 1000 })
      expect(new Set(history.map((c) => c.actor)).size).toBe(2)
    } finally {
      await stores.close()
    }
  }, 60_000)
})

const pg = await postgresReachable()
describe.runIf(pg.ok || process.env.CI === 'true')('registry crash safety on PostgreSQL', () => {
  it('keeps every invariant across 6 SIGKILLs mid-write', async () => {
    if (!pg.ok) throw new Error(`PostgreSQL is not reachable under CI: ${pg.reason}`)
    const dir = tempDir('keel-crash-pg-')
    dirs.push(dir)
    const schema = testSchemaName()
    await crashLoop((s) => [dir, 'crash', String(s), '0', TEST_POSTGRES_URL, schema], 6, 11)
    const stores = await openStores({ dir, url: TEST_POSTGRES_URL, schema })
    try {
      expect(await checkInvariants(stores)).toBeGreaterThan(3)
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(stores.metadata.db)
      await stores.close()
    }
  }, 120_000)
})
