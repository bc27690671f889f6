/**
 * Runs that hold a lease, and the evaluations (each with its model card) recorded for a version.
 *
 * A training run holds a lease: `heartbeat_at` is refreshed while it works, `lease_ms` says how old
 * the heartbeat may grow before the run counts as dead, and `owner_host` / `owner_pid` name the
 * process, so a reader on the same host can tell at once that it is gone. Runs without a lease
 * (imported, or opened by a library caller) have nulls and are never reaped.
 *
 * `model_version_evaluations` holds one row per evaluation of a version: the one written when it was
 * registered (`kind = 'registration'`, at most one per version, in the transaction that creates the
 * version) and every later `keel evaluate` (`kind = 'evaluation'`), each with its report and its
 * own card (JSON and HTML) in the artifact store. Rows are never updated: a card belongs to one
 * evaluation. Text columns use the "C" collation on PostgreSQL, as in the first migration.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely'
import type { MetadataDialect } from '../schema.js'

const EVALUATION_KINDS = sql`kind in ('registration', 'evaluation')`

const up = async (db: Kysely<unknown>, text: RawBuilder<unknown>): Promise<void> => {
  await db.schema.alterTable('runs').addColumn('heartbeat_at', 'bigint').execute()
  await db.schema.alterTable('runs').addColumn('lease_ms', 'bigint').execute()
  await db.schema.alterTable('runs').addColumn('owner_host', text).execute()
  await db.schema.alterTable('runs').addColumn('owner_pid', 'integer').execute()
  // The reaper looks for running runs; few are, so the index stays small to scan.
  await db.schema.createIndex('idx_runs_status').on('runs').column('status').execute()

  await db.schema
    .createTable('model_version_evaluations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('version_id', text, (c) =>
      c.notNull().references('model_versions.id').onDelete('cascade'),
    )
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('report_digest', text, (c) => c.notNull())
    .addColumn('card_json_digest', text, (c) => c.notNull())
    .addColumn('card_json_size', 'bigint', (c) => c.notNull())
    .addColumn('card_html_digest', text, (c) => c.notNull())
    .addColumn('card_html_size', 'bigint', (c) => c.notNull())
    .addColumn('blessed', 'integer', (c) => c.notNull())
    .addColumn('summary', text, (c) => c.notNull())
    .addColumn('run_id', text, (c) => c.references('runs.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', text)
    .addCheckConstraint('model_version_evaluations_kind_check', EVALUATION_KINDS)
    .execute()
  await db.schema
    .createIndex('idx_model_version_evaluations_version')
    .on('model_version_evaluations')
    .columns(['version_id', 'created_at'])
    .execute()
  // One registration card per version.
  await db.schema
    .createIndex('idx_model_version_evaluations_registration')
    .on('model_version_evaluations')
    .column('version_id')
    .unique()
    .where(sql.ref('kind'), '=', sql.lit('registration'))
    .execute()
}

const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('model_version_evaluations').execute()
  await db.schema.dropIndex('idx_runs_status').execute()
  for (const column of ['owner_pid', 'owner_host', 'lease_ms', 'heartbeat_at'])
    await db.schema.alterTable('runs').dropColumn(column).execute()
}

/** The migration for one dialect. */
export const leasesAndEvaluationsMigration = (dialect: MetadataDialect): Migration => {
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return { up: (db) => up(db, text), down }
}
