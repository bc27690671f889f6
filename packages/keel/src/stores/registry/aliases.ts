/**
 * Moving aliases. A move locks the model row (PostgreSQL `FOR UPDATE`; on SQLite the transaction
 * already holds the database write lock), reads where the alias points, writes the new pointer and
 * appends the history row, all in one transaction: concurrent promotes serialize, and a crash
 * leaves either the old pointer with the old history or the new pointer with its history entry.
 */
import type { Kysely, Selectable, Transaction } from 'kysely'
import { KeelError } from '@keel/core'
import type { MetadataStore } from '../metadata/open.js'
import type { AliasHistoryTable, KeelDatabase } from '../metadata/schema.js'
import { newSortableId } from '../ids.js'
import type { AliasChange, AliasMoveOptions } from './types.js'
import { checkAlias, checkModelName, checkVersion } from './validate.js'

type Trx = Transaction<KeelDatabase>

const NOT_ALIASABLE: ReadonlySet<string> = new Set(['rejected', 'archived'])

/** The model row, locked against concurrent alias moves and version creation. */
export const lockModel = async (trx: Trx, store: MetadataStore, name: string) => {
  let q = trx.selectFrom('registered_models').selectAll().where('name', '=', name)
  if (store.dialect === 'postgres') q = q.forUpdate()
  const row = await q.executeTakeFirst()
  if (!row) throw new KeelError('NOT_FOUND', `model ${name} is not registered`, { path: ['model'] })
  return row
}

/** An alias-history row as plain data. */
export const toAliasChange = (row: Selectable<AliasHistoryTable>, model: string): AliasChange => ({
  id: row.id,
  model,
  alias: row.alias,
  fromVersion: row.from_version === null ? null : Number(row.from_version),
  toVersion: row.to_version === null ? null : Number(row.to_version),
  actor: row.actor,
  reason: row.reason,
  at: Number(row.at),
})

const currentVersion = async (trx: Trx, modelId: string, alias: string): Promise<number | null> => {
  const row = await trx
    .selectFrom('model_aliases as a')
    .innerJoin('model_versions as v', 'v.id', 'a.version_id')
    .select('v.version')
    .where('a.model_id', '=', modelId)
    .where('a.alias', '=', alias)
    .executeTakeFirst()
  return row ? Number(row.version) : null
}

const checkExpected = (options: AliasMoveOptions, current: number | null, alias: string): void => {
  if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
    throw new KeelError(
      'CONFLICT',
      `alias "${alias}" points at ${current ?? 'nothing'}, not ${options.expectedVersion ?? 'nothing'} as expected`,
      { path: ['alias'], details: { current, expected: options.expectedVersion } },
    )
  }
}

const record = async (
  trx: Trx,
  modelId: string,
  alias: string,
  from: number | null,
  to: number | null,
  options: AliasMoveOptions,
  now: number,
): Promise<Selectable<AliasHistoryTable>> => {
  const last = await trx
    .selectFrom('alias_history')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('model_id', '=', modelId)
    .executeTakeFirst()
  const row = {
    id: newSortableId(now),
    model_id: modelId,
    seq: Number(last?.seq ?? 0) + 1,
    alias,
    from_version: from,
    to_version: to,
    actor: options.actor ?? 'unknown',
    reason: options.reason ?? null,
    at: now,
  }
  await trx.insertInto('alias_history').values(row).execute()
  await trx
    .updateTable('registered_models')
    .set({ updated_at: now })
    .where('id', '=', modelId)
    .execute()
  return row
}

/** Point an alias at a version (see `RegistryStore.promote`). */
export const promote = async (
  store: MetadataStore,
  model: string,
  version: number,
  alias: string,
  options: AliasMoveOptions = {},
): Promise<AliasChange> => {
  checkModelName(model)
  checkVersion(version)
  checkAlias(alias, true)
  return store.transaction(async (trx) => {
    const now = Date.now()
    const m = await lockModel(trx, store, model)
    const target = await trx
      .selectFrom('model_versions')
      .select(['id', 'status'])
      .where('model_id', '=', m.id)
      .where('version', '=', version)
      .executeTakeFirst()
    if (!target)
      throw new KeelError('NOT_FOUND', `model ${model} has no version ${version}`, {
        path: ['version'],
      })
    if (NOT_ALIASABLE.has(target.status)) {
      throw new KeelError(
        'CONFLICT',
        `version ${version} of ${model} is ${target.status} and cannot be promoted`,
        {
          path: ['version'],
        },
      )
    }
    const current = await currentVersion(trx, m.id, alias)
    checkExpected(options, current, alias)
    if (current === version) {
      const last = await trx
        .selectFrom('alias_history')
        .selectAll()
        .where('model_id', '=', m.id)
        .where('alias', '=', alias)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()
      return toAliasChange(last, model)
    }
    await trx
      .insertInto('model_aliases')
      .values({ model_id: m.id, alias, version_id: target.id, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['model_id', 'alias']).doUpdateSet({ version_id: target.id, updated_at: now }),
      )
      .execute()
    return toAliasChange(await record(trx, m.id, alias, current, version, options, now), model)
  })
}

/** Remove an alias (see `RegistryStore.removeAlias`). */
export const removeAlias = async (
  store: MetadataStore,
  model: string,
  alias: string,
  options: AliasMoveOptions = {},
): Promise<AliasChange> => {
  checkModelName(model)
  checkAlias(alias, true)
  return store.transaction(async (trx) => {
    const now = Date.now()
    const m = await lockModel(trx, store, model)
    const current = await currentVersion(trx, m.id, alias)
    checkExpected(options, current, alias)
    if (current === null) {
      throw new KeelError('NOT_FOUND', `model ${model} has no alias "${alias}"`, {
        path: ['alias'],
      })
    }
    await trx
      .deleteFrom('model_aliases')
      .where('model_id', '=', m.id)
      .where('alias', '=', alias)
      .execute()
    return toAliasChange(await record(trx, m.id, alias, current, null, options, now), model)
  })
}

/** Alias history of a model, newest first. */
export const aliasHistory = async (
  db: Kysely<KeelDatabase>,
  model: string,
  options: { alias?: string; limit?: number } = {},
): Promise<AliasChange[]> => {
  const m = await db
    .selectFrom('registered_models')
    .select('id')
    .where('name', '=', model)
    .executeTakeFirst()
  if (!m) throw new KeelError('NOT_FOUND', `model ${model} is not registered`, { path: ['model'] })
  let q = db.selectFrom('alias_history').selectAll().where('model_id', '=', m.id)
  if (options.alias !== undefined) q = q.where('alias', '=', checkAlias(options.alias, false))
  const limit = options.limit ?? 1000
  if (!Number.isInteger(limit) || limit < 1) {
    throw new KeelError('INVALID_ARGUMENT', 'limit must be a positive integer', { path: ['limit'] })
  }
  const rows = await q.orderBy('seq', 'desc').limit(limit).execute()
  return rows.map((r) => toAliasChange(r, model))
}
