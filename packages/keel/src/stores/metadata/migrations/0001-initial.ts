/**
 * The first schema: experiment tracking and the model registry.
 *
 * Lessons from MLflow's SQL store are built in: metric history is an append-only table indexed on
 * (run, key, step) with a separate latest-value table indexed on (key, value, run) for filtering and
 * for reading runs in metric order; params and tags are indexed the same way, so neither a filter nor
 * an order has to scan every run's rows.
 * The same DDL runs on SQLite and PostgreSQL; index names are explicit so that a test can check that
 * both dialects end up with the same indexes. On PostgreSQL every text column uses the "C"
 * collation: text then sorts in byte order as on SQLite (the same page order on both engines), and
 * the indexes serve ORDER BY without a per-query collation.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely'
import type { MetadataDialect } from '../schema.js'

const RUN_STATUSES = sql`status in ('running', 'finished', 'failed', 'killed')`
const DATASET_ROLES = sql`role in ('train', 'validation', 'test')`
const VERSION_STATUSES = sql`status in ('candidate', 'approved', 'rejected', 'archived')`

/** Apply the migration. */
const up = async (db: Kysely<unknown>, text: RawBuilder<unknown>): Promise<void> => {
  await db.schema
    .createTable('experiments')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('description', text)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('experiment_id', text, (c) =>
      c.notNull().references('experiments.id').onDelete('cascade'),
    )
    .addColumn('parent_run_id', text, (c) => c.references('runs.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('seed', 'bigint')
    .addColumn('git_commit', text)
    .addColumn('git_dirty', 'integer')
    .addColumn('node_version', text, (c) => c.notNull())
    .addColumn('keel_version', text, (c) => c.notNull())
    .addColumn('environment', text, (c) => c.notNull())
    .addCheckConstraint('runs_status_check', RUN_STATUSES)
    .execute()
  await db.schema
    .createIndex('idx_runs_experiment_start')
    .on('runs')
    .columns(['experiment_id', 'start_time'])
    .execute()
  await db.schema.createIndex('idx_runs_parent').on('runs').column('parent_run_id').execute()

  for (const table of ['run_params', 'run_tags'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('value', text, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['run_id', 'key'])
      .execute()
    await db.schema
      .createIndex(`idx_${table}_key_value`)
      .on(table)
      .columns(['key', 'value', 'run_id'])
      .execute()
  }

  for (const table of ['metric_history', 'metric_latest'] as const) {
    let builder = db.schema
      .createTable(table)
      .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('key', text, (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
    if (table === 'metric_latest') {
      builder = builder.addPrimaryKeyConstraint('metric_latest_pk', ['run_id', 'key'])
    }
    await builder.execute()
  }
  await db.schema
    .createIndex('idx_metric_history_run_key_step')
    .on('metric_history')
    .columns(['run_id', 'key', 'step'])
    .execute()
  await db.schema
    .createIndex('idx_metric_latest_key_value')
    .on('metric_latest')
    .columns(['key', 'value', 'run_id'])
    .execute()

  await db.schema
    .createTable('run_inputs')
    .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('fingerprint', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('name', text)
    .addPrimaryKeyConstraint('run_inputs_pk', ['run_id', 'fingerprint', 'role'])
    .addCheckConstraint('run_inputs_role_check', DATASET_ROLES)
    .execute()
  await db.schema
    .createIndex('idx_run_inputs_fingerprint')
    .on('run_inputs')
    .column('fingerprint')
    .execute()

  await db.schema
    .createTable('run_artifacts')
    .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('digest', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_artifacts_pk', ['run_id', 'name'])
    .execute()
  await db.schema
    .createIndex('idx_run_artifacts_digest')
    .on('run_artifacts')
    .column('digest')
    .execute()

  await db.schema
    .createTable('registered_models')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('description', text)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('model_versions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('model_id', text, (c) =>
      c.notNull().references('registered_models.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('bundle_digest', text, (c) => c.notNull())
    .addColumn('bundle_size', 'bigint', (c) => c.notNull())
    .addColumn('source_run_id', text, (c) => c.references('runs.id').onDelete('set null'))
    .addColumn('parent_version_id', text, (c) => c.references('model_versions.id'))
    .addColumn('evaluation', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', text)
    .addUniqueConstraint('model_versions_model_version_unique', ['model_id', 'version'])
    .addCheckConstraint('model_versions_status_check', VERSION_STATUSES)
    .execute()
  await db.schema
    .createIndex('idx_model_versions_digest')
    .on('model_versions')
    .column('bundle_digest')
    .execute()
  await db.schema
    .createIndex('idx_model_versions_source_run')
    .on('model_versions')
    .column('source_run_id')
    .execute()
  await db.schema
    .createIndex('idx_model_versions_parent')
    .on('model_versions')
    .column('parent_version_id')
    .execute()

  await db.schema
    .createTable('model_version_datasets')
    .addColumn('version_id', text, (c) =>
      c.notNull().references('model_versions.id').onDelete('cascade'),
    )
    .addColumn('fingerprint', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('name', text)
    .addPrimaryKeyConstraint('model_version_datasets_pk', ['version_id', 'fingerprint', 'role'])
    .addCheckConstraint('model_version_datasets_role_check', DATASET_ROLES)
    .execute()
  await db.schema
    .createIndex('idx_model_version_datasets_fingerprint')
    .on('model_version_datasets')
    .column('fingerprint')
    .execute()

  await db.schema
    .createTable('model_aliases')
    .addColumn('model_id', text, (c) =>
      c.notNull().references('registered_models.id').onDelete('cascade'),
    )
    .addColumn('alias', text, (c) => c.notNull())
    .addColumn('version_id', text, (c) => c.notNull().references('model_versions.id'))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_aliases_pk', ['model_id', 'alias'])
    .execute()
  await db.schema
    .createIndex('idx_model_aliases_version')
    .on('model_aliases')
    .column('version_id')
    .execute()

  await db.schema
    .createTable('alias_history')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('model_id', text, (c) =>
      c.notNull().references('registered_models.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('alias', text, (c) => c.notNull())
    .addColumn('from_version', 'integer')
    .addColumn('to_version', 'integer')
    .addColumn('actor', text, (c) => c.notNull())
    .addColumn('reason', text)
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('alias_history_model_seq_unique', ['model_id', 'seq'])
    .execute()
  await db.schema
    .createIndex('idx_alias_history_model_alias')
    .on('alias_history')
    .columns(['model_id', 'alias', 'seq'])
    .execute()
}

/** Revert the migration (drops every table it created, children first). */
const down = async (db: Kysely<unknown>): Promise<void> => {
  for (const table of [
    'alias_history',
    'model_aliases',
    'model_version_datasets',
    'model_versions',
    'registered_models',
    'run_artifacts',
    'run_inputs',
    'metric_latest',
    'metric_history',
    'run_tags',
    'run_params',
    'runs',
    'experiments',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}

/** The migration for one dialect. */
export const initialMigration = (dialect: MetadataDialect): Migration => {
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return { up: (db) => up(db, text), down }
}
