/**
 * {@link MaterializationStateStore} on the metadata database. `advance` reads and writes one row
 * inside a transaction (a row lock on PostgreSQL, the write lock on SQLite), so two runs cannot both
 * move the same watermark and the later one never moves it back.
 */
import { KeelError } from '@keel/core'
import type { Transaction } from 'kysely'
import type { MetadataStore } from '../metadata/open.js'
import type { FeatureMaterializationsTable, KeelDatabase } from '../metadata/schema.js'
import {
  checkMaterializationRef,
  checkProgress,
  type MaterializationRef,
  type MaterializationState,
  type MaterializationStateStore,
  type MaterializationStatus,
} from './materialization-state-store.js'

type Row = FeatureMaterializationsTable

const toState = (r: Row): MaterializationState => ({
  view: r.view,
  version: r.version,
  target: r.target,
  watermark: r.watermark === null ? null : Number(r.watermark),
  pendingKnown: r.pending_known === null ? null : Number(r.pending_known),
  rowsWritten: Number(r.rows_written),
  runs: Number(r.runs),
  lastRunAt: r.last_run_at === null ? null : Number(r.last_run_at),
  status: r.status as MaterializationStatus,
  lastError: r.last_error,
})

/** The materialization state store on a metadata store. */
export const createSqlMaterializationStateStore = (
  metadata: MetadataStore,
): MaterializationStateStore => {
  /** The row of `ref` inside `trx`, created empty when missing, locked on PostgreSQL. */
  const lockRow = async (trx: Transaction<KeelDatabase>, ref: MaterializationRef): Promise<Row> => {
    await trx
      .insertInto('feature_materializations')
      .values({
        view: ref.view,
        version: ref.version,
        target: ref.target,
        watermark: null,
        pending_known: null,
        rows_written: 0,
        runs: 0,
        last_run_at: null,
        status: 'ready',
        last_error: null,
      })
      .onConflict((oc) => oc.columns(['view', 'version', 'target']).doNothing())
      .execute()
    let q = trx
      .selectFrom('feature_materializations')
      .selectAll()
      .where('view', '=', ref.view)
      .where('version', '=', ref.version)
      .where('target', '=', ref.target)
    if (metadata.dialect === 'postgres') q = q.forUpdate()
    return q.executeTakeFirstOrThrow()
  }

  const update = async (
    trx: Transaction<KeelDatabase>,
    ref: MaterializationRef,
    set: Partial<Row>,
  ): Promise<MaterializationState> => {
    const row = await trx
      .updateTable('feature_materializations')
      .set(set)
      .where('view', '=', ref.view)
      .where('version', '=', ref.version)
      .where('target', '=', ref.target)
      .returningAll()
      .executeTakeFirstOrThrow()
    return toState(row)
  }

  return {
    async get(ref) {
      checkMaterializationRef(ref)
      const row = await metadata.db
        .selectFrom('feature_materializations')
        .selectAll()
        .where('view', '=', ref.view)
        .where('version', '=', ref.version)
        .where('target', '=', ref.target)
        .executeTakeFirst()
      return row === undefined ? undefined : toState(row)
    },

    async advance(ref, progress) {
      checkMaterializationRef(ref)
      checkProgress(progress)
      return metadata.transaction(async (trx) => {
        const row = await lockRow(trx, ref)
        const stored = row.watermark === null ? null : Number(row.watermark)
        if (stored !== null && progress.watermark < stored) {
          throw new KeelError(
            'CONFLICT',
            `the materialization watermark of ${ref.view}@${ref.version} in ${ref.target} is already at ${stored}; it cannot go back to ${progress.watermark}`,
            {
              path: [ref.view, ref.version, ref.target],
              details: { stored, requested: progress.watermark },
              hint: 'a full materialization resets the watermark first',
            },
          )
        }
        return update(trx, ref, {
          watermark: progress.watermark,
          pending_known: progress.pendingKnown,
          rows_written: Number(row.rows_written) + progress.rowsWritten,
          runs: Number(row.runs) + 1,
          last_run_at: progress.at,
          status: 'ready',
          last_error: null,
        })
      })
    },

    async reset(ref, at) {
      checkMaterializationRef(ref)
      return metadata.transaction(async (trx) => {
        await lockRow(trx, ref)
        return update(trx, ref, {
          watermark: null,
          pending_known: null,
          last_run_at: at,
          status: 'rebuilding',
          last_error: null,
        })
      })
    },

    async fail(ref, error, at) {
      checkMaterializationRef(ref)
      return metadata.transaction(async (trx) => {
        await lockRow(trx, ref)
        return update(trx, ref, { last_run_at: at, status: 'failed', last_error: error })
      })
    },

    async list(query = {}) {
      let q = metadata.db
        .selectFrom('feature_materializations')
        .selectAll()
        .orderBy('view')
        .orderBy('version')
        .orderBy('target')
      if (query.view !== undefined) q = q.where('view', '=', query.view)
      return (await q.execute()).map(toState)
    },
  }
}
