/**
 * The conformance suite of the metadata database: the same migrations, the same indexes on every
 * engine (mlflow#14465 was a migration that silently dropped indexes), transactions that roll back
 * as a whole, enforced foreign keys, numbers that come back as numbers, and writers from two
 * connections that serialize.
 */
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { MetadataStore } from '../metadata/open.js'
import { newSortableId } from '../ids.js'
import type { TestMetadataHandle } from './handles.js'
import type { SuiteHost } from './suite-host.js'

/** Every secondary index the migrations create; both engines must have exactly these. */
export const EXPECTED_INDEXES: readonly string[] = [
  'idx_alias_history_model_alias',
  'idx_feature_log_view_seq',
  'idx_metric_history_run_key_step',
  'idx_metric_latest_key_value',
  'idx_model_aliases_version',
  'idx_model_version_datasets_fingerprint',
  'idx_model_version_evaluations_registration',
  'idx_model_version_evaluations_version',
  'idx_model_versions_digest',
  'idx_model_versions_parent',
  'idx_model_versions_source_run',
  'idx_run_artifacts_digest',
  'idx_run_inputs_fingerprint',
  'idx_run_params_key_value',
  'idx_run_tags_key_value',
  'idx_runs_experiment_start',
  'idx_runs_parent',
  'idx_runs_status',
]

/** The secondary indexes (named `idx_…`) present in the store's database. */
export const listIndexes = async (store: MetadataStore): Promise<string[]> => {
  const rows =
    store.dialect === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'index' and name like 'idx\\_%' escape '\\'`.execute(
          store.db,
        )
      : await sql<{
          name: string
        }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname like 'idx\\_%'`.execute(
          store.db,
        )
  return rows.rows.map((r) => r.name).sort()
}

/** Register the metadata-store conformance tests for one backend. */
export const metadataStoreConformance = (
  host: SuiteHost,
  name: string,
  open: () => Promise<TestMetadataHandle>,
): void => {
  host.describe(`MetadataStore conformance: ${name}`, () => {
    let h: TestMetadataHandle
    host.beforeAll(async () => {
      h = await open()
    })
    host.afterAll(async () => {
      await h.cleanup()
    })

    host.it('applies every migration once, also when opened again', async () => {
      const names = (await h.metadata.migrations()).map((m) => m.name)
      assert.deepEqual(names, ['0001_initial', '0002_leases_and_evaluations', '0003_feature_store'])
      const again = await h.reopen()
      assert.deepEqual(
        (await again.migrations()).map((m) => m.name),
        names,
      )
    })

    host.it('has the same indexes as every other engine', async () => {
      assert.deepEqual(await listIndexes(h.metadata), [...EXPECTED_INDEXES].sort())
    })

    host.it('rolls a failed transaction back as a whole', async () => {
      const id = newSortableId()
      await assert.rejects(
        h.metadata.transaction(async (trx) => {
          await trx
            .insertInto('experiments')
            .values({ id, name: `rollback-${id}`, description: null, created_at: 1 })
            .execute()
          throw new Error('abort')
        }),
        /abort/,
      )
      const found = await h.metadata.db
        .selectFrom('experiments')
        .select('id')
        .where('id', '=', id)
        .execute()
      assert.deepEqual(found, [])
    })

    host.it('enforces foreign keys', async () => {
      await assert.rejects(
        h.metadata.db
          .insertInto('run_params')
          .values({ run_id: 'no-such-run', key: 'k', value: 'v' })
          .execute(),
      )
    })

    host.it('returns BIGINT columns as numbers', async () => {
      const id = newSortableId()
      const t = 1_750_000_000_123
      await h.metadata.db
        .insertInto('experiments')
        .values({ id, name: `bigint-${id}`, description: null, created_at: t })
        .execute()
      const row = await h.metadata.db
        .selectFrom('experiments')
        .select('created_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      assert.equal(row.created_at, t)
      assert.equal(typeof row.created_at, 'number')
    })

    host.it('serializes read-modify-write transactions from two connections', async () => {
      const other = await h.reopen()
      const id = newSortableId()
      await h.metadata.db
        .insertInto('registered_models')
        .values({
          id,
          name: `counter-${id}`,
          description: null,
          created_at: 0,
          updated_at: 0,
          latest_version: 0,
        })
        .execute()
      const bump = (store: MetadataStore) =>
        store.transaction(async (trx) => {
          let q = trx.selectFrom('registered_models').select('latest_version').where('id', '=', id)
          if (store.dialect === 'postgres') q = q.forUpdate()
          const { latest_version } = await q.executeTakeFirstOrThrow()
          await new Promise((r) => setTimeout(r, 1))
          await trx
            .updateTable('registered_models')
            .set({ latest_version: Number(latest_version) + 1 })
            .where('id', '=', id)
            .execute()
        })
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? h.metadata : other)),
      )
      const row = await h.metadata.db
        .selectFrom('registered_models')
        .select('latest_version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      assert.equal(Number(row.latest_version), 20)
    })
  })
}
