/**
 * Crash safety of evaluate → register → promote: a child process stores evaluation reports,
 * registers evaluated bundles with the status their gate earned, records evaluation runs and
 * promotes through the gate in a loop, and is killed with SIGKILL at random moments, many times
 * over the same workspace. Afterwards no alias may point at nothing or at a version its gate did
 * not bless, no version may lack its bundle or its report, every bundle must carry its version's
 * evaluation digest, every finished evaluation run must name a real version and report, and each
 * alias history must be one unbroken chain. Also: two processes promoting at once serialize.
 */
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelBundle, gateOutcomeOf, type EvaluationReport } from '@keel/core'
import { assertAliasChains } from '../stores/conformance/registry-store-suite.js'
import { openStores, type KeelStores } from '../stores/open-stores.js'
import {
  postgresReachable,
  tempDir,
  testSchemaName,
  TEST_POSTGRES_URL,
} from '../stores/test-support/backends.js'
import {
  crashLoop as crashLoopOf,
  killAllWriters,
  prepareWriter,
  startWriter,
  type PreparedWriter,
} from '../stores/test-support/spawn-writer.js'
import { gateOutcomeForVersion } from './promote.js'
import { statusForGate } from './register-evaluated.js'

const MODEL = 'toy-binary'
const source = fileURLToPath(new URL('./test-support/promote-writer.ts', import.meta.url))
let writer: PreparedWriter = { command: [], dispose: () => undefined }
beforeAll(async () => {
  writer = await prepareWriter(source)
})

const json = async (stores: KeelStores, digest: string): Promise<unknown> =>
  JSON.parse(new TextDecoder().decode(await stores.artifacts.get(digest)))

/** Check every invariant a crash must not break. Returns the number of versions. */
const checkInvariants = async (stores: KeelStores): Promise<number> => {
  const { metadata, registry, tracking } = stores
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
    // The bundle is there, verifies against its digest, loads, and carries the version's digest.
    const bundle = ModelBundle.fromJSON(await json(stores, v.bundle.digest))
    expect(bundle.evaluation).toEqual(v.evaluation)
    // So is the full report, and the status is the one its gate earned.
    const report = (await json(stores, String(v.evaluation['report']))) as EvaluationReport
    const gate = gateOutcomeOf(v.evaluation)
    expect(gate.state).toBe(report.gate.blessed ? 'blessed' : 'refused')
    expect(v.status).toBe(statusForGate(report.gate.blessed))
  }
  const dangling = await metadata.db
    .selectFrom('model_aliases as a')
    .leftJoin('model_versions as v', 'v.id', 'a.version_id')
    .select(['a.alias', 'v.id'])
    .execute()
  expect(dangling.every((row) => row.id !== null)).toBe(true)
  // Nothing was forced: every alias points at a version whose gate blessed it.
  for (const [alias, version] of Object.entries(model.aliases)) {
    expect({ alias, gate: (await gateOutcomeForVersion(stores, MODEL, version)).state }).toEqual({
      alias,
      gate: 'blessed',
    })
  }
  const history = await registry.aliasHistory(MODEL, { limit: 100_000 })
  assertAliasChains(history, model.aliases)
  expect(history.every((c) => !c.reason?.includes('forced'))).toBe(true)
  const runs = await tracking.searchRuns({
    filter: `tags.keel.command = 'evaluate' AND status = 'finished'`,
    limit: 1000,
  })
  expect(runs.runs.length).toBeLessThan(1000)
  for (const run of runs.runs) {
    expect(Number(run.tags['keel.version'])).toBeLessThanOrEqual(model.latestVersion)
    await stores.artifacts.get(run.artifacts['report']!.digest)
  }
  return versions.length
}

const crashLoop = async (
  args: (seed: number) => string[],
  kills: number,
  seed: number,
): Promise<void> => {
  const codes = await crashLoopOf(writer, args, { kills, seed, maxDelayMs: 300 })
  expect(codes).toEqual(codes.map(() => null))
}

const dirs: string[] = []
afterAll(() => {
  killAllWriters()
  writer.dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('evaluate → promote crash safety on SQLite', () => {
  it('keeps every invariant across 20 SIGKILLs mid-write', async () => {
    const dir = tempDir('keel-promote-crash-')
    dirs.push(dir)
    await crashLoop((s) => [dir, 'crash', String(s)], 20, 3)
    const stores = await openStores({ dir })
    try {
      expect(await checkInvariants(stores)).toBeGreaterThan(10)
    } finally {
      await stores.close()
    }
  }, 240_000)

  it('serializes two processes promoting through the gate at once', async () => {
    const dir = tempDir('keel-promote-race-')
    dirs.push(dir)
    // Eight evaluated versions to race over (some refused), written by one writer that stops.
    expect(await startWriter(writer, [dir, 'crash', '5', '8']).exited).toBe(0)
    const stores = await openStores({ dir })
    try {
      const approved = await stores.registry.listVersions(MODEL, { status: 'approved' })
      expect(approved.length).toBeGreaterThan(1)
      const children = [1, 2].map((s) => startWriter(writer, [dir, 'race', String(s), '30']))
      expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0])
      await checkInvariants(stores)
      const history = await stores.registry.aliasHistory(MODEL, { limit: 1000 })
      const racers = history.filter((c) => c.reason?.startsWith('race'))
      expect(new Set(racers.map((c) => c.actor)).size).toBe(2)
    } finally {
      await stores.close()
    }
  }, 120_000)
})

const pg = await postgresReachable()
describe.runIf(pg.ok || process.env.CI === 'true')(
  'evaluate → promote crash safety on PostgreSQL',
  () => {
    it('keeps every invariant across 8 SIGKILLs mid-write', async () => {
      if (!pg.ok) throw new Error(`PostgreSQL is not reachable under CI: ${pg.reason}`)
      const dir = tempDir('keel-promote-crash-pg-')
      dirs.push(dir)
      const schema = testSchemaName()
      await crashLoop((s) => [dir, 'crash', String(s), '0', TEST_POSTGRES_URL, schema], 8, 13)
      const stores = await openStores({ dir, url: TEST_POSTGRES_URL, schema })
      try {
        expect(await checkInvariants(stores)).toBeGreaterThan(3)
      } finally {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(stores.metadata.db)
        await stores.close()
      }
    }, 240_000)
  },
)
