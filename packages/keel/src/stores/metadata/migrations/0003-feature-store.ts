/**
 * The feature store's state: how far each view version has been materialized into each online
 * store, and the offline log of pushed feature values.
 *
 * `feature_materializations` has one row per (view, view version, online target). `watermark` is
 * the time up to which every row of the view has been written online (every row available at or
 * before it); `pending_known` is the smallest known time among rows already read whose event time
 * lay past the watermark (known early, visible only later), so the next incremental run reads from
 * there. Times are `double precision`: epoch ms, exact for any integer ms.
 *
 * `feature_log` is append-only: `seq` is the append order (rows of one push get consecutive numbers
 * in one transaction), `values_json` the row's feature values as a JSON object. Reads go by view in
 * `seq` order, hence the one index. Text columns use the "C" collation on PostgreSQL, as in the
 * first migration.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely'
import type { MetadataDialect } from '../schema.js'

const STATUSES = sql`status in ('ready', 'rebuilding', 'failed')`

const up = async (
  db: Kysely<unknown>,
  text: RawBuilder<unknown>,
  dialect: MetadataDialect,
): Promise<void> => {
  await db.schema
    .createTable('feature_materializations')
    .addColumn('view', text, (c) => c.notNull())
    .addColumn('version', text, (c) => c.notNull())
    .addColumn('target', text, (c) => c.notNull())
    .addColumn('watermark', 'double precision')
    .addColumn('pending_known', 'double precision')
    .addColumn('rows_written', 'bigint', (c) => c.notNull())
    .addColumn('runs', 'bigint', (c) => c.notNull())
    .addColumn('last_run_at', 'bigint')
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('last_error', text)
    .addPrimaryKeyConstraint('feature_materializations_pk', ['view', 'version', 'target'])
    .addCheckConstraint('feature_materializations_status_check', STATUSES)
    .execute()

  await db.schema
    .createTable('feature_log')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('view', text, (c) => c.notNull())
    .addColumn('entity_key', text, (c) => c.notNull())
    .addColumn('event_time', 'double precision', (c) => c.notNull())
    .addColumn('known_time', 'double precision', (c) => c.notNull())
    .addColumn('values_json', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('idx_feature_log_view_seq')
    .on('feature_log')
    .columns(['view', 'seq'])
    .execute()
}

const down = async (db: Kysely<unknown>): Promise<void> => {
  await db.schema.dropTable('feature_log').execute()
  await db.schema.dropTable('feature_materializations').execute()
}

/** The migration for one dialect. */
export const featureStoreMigration = (dialect: MetadataDialect): Migration => {
  const text = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return { up: (db) => up(db, text, dialect), down }
}
