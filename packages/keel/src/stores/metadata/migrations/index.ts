/**
 * Every migration of the metadata database, in order. Kysely's `Migrator` records which ones ran and
 * refuses to run a database that knows a migration this code does not (a newer Keel wrote it).
 *
 * To change the schema, add `NNNN-what.ts` with `up` (and `down`) and append it here; never edit a
 * migration that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely'
import type { MetadataDialect } from '../schema.js'
import { initialMigration } from './0001-initial.js'
import { leasesAndEvaluationsMigration } from './0002-leases-and-evaluations.js'
import { featureStoreMigration } from './0003-feature-store.js'

/** Migrations by name for one dialect; names sort in the order they must run. */
export const metadataMigrations = (dialect: MetadataDialect): Readonly<Record<string, Migration>> =>
  Object.freeze({
    '0001_initial': initialMigration(dialect),
    '0002_leases_and_evaluations': leasesAndEvaluationsMigration(dialect),
    '0003_feature_store': featureStoreMigration(dialect),
  })

/** A Kysely migration provider (migrations are code, not files). */
export const metadataMigrationProvider = (dialect: MetadataDialect): MigrationProvider => ({
  getMigrations: () => Promise.resolve({ ...metadataMigrations(dialect) }),
})
