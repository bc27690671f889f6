/**
 * Reading model versions: one query for the version rows (with model and parent names), then their
 * datasets and aliases by id.
 */
import type { Kysely } from 'kysely'
import { KeelError } from '@keel/core'
import type { KeelDatabase } from '../metadata/schema.js'
import type { DatasetInput, DatasetRole } from '../tracking/types.js'
import type { EvaluationJson, ModelVersionRecord, ModelVersionStatus } from './types.js'

type Db = Kysely<KeelDatabase>

/** Version rows with the model name and the parent's model name and number. */
export const selectVersionRows = (db: Db) =>
  db
    .selectFrom('model_versions as v')
    .innerJoin('registered_models as m', 'm.id', 'v.model_id')
    .leftJoin('model_versions as p', 'p.id', 'v.parent_version_id')
    .leftJoin('registered_models as pm', 'pm.id', 'p.model_id')
    .selectAll('v')
    .select(['m.name as model_name', 'p.version as parent_version', 'pm.name as parent_model'])

type VersionRow = Awaited<ReturnType<ReturnType<typeof selectVersionRows>['execute']>>[number]

/** Full records for version rows, in the rows' order. */
export const versionRecords = async (
  db: Db,
  rows: readonly VersionRow[],
): Promise<ModelVersionRecord[]> => {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [datasets, aliases] = await Promise.all([
    db
      .selectFrom('model_version_datasets')
      .select(['version_id', 'fingerprint', 'role', 'name'])
      .where('version_id', 'in', ids)
      .orderBy('role')
      .orderBy('fingerprint')
      .execute(),
    db
      .selectFrom('model_aliases')
      .select(['version_id', 'alias'])
      .where('version_id', 'in', ids)
      .orderBy('alias')
      .execute(),
  ])
  const datasetsOf = new Map<string, DatasetInput[]>()
  for (const d of datasets) {
    const list = datasetsOf.get(d.version_id) ?? []
    list.push({
      fingerprint: d.fingerprint,
      role: d.role as DatasetRole,
      ...(d.name === null ? {} : { name: d.name }),
    })
    datasetsOf.set(d.version_id, list)
  }
  const aliasesOf = new Map<string, string[]>()
  for (const a of aliases)
    aliasesOf.set(a.version_id, [...(aliasesOf.get(a.version_id) ?? []), a.alias])
  return rows.map((r) => ({
    id: r.id,
    model: r.model_name,
    version: Number(r.version),
    bundle: { digest: r.bundle_digest, size: Number(r.bundle_size) },
    sourceRunId: r.source_run_id,
    parent:
      r.parent_version === null || r.parent_model === null
        ? null
        : { model: r.parent_model, version: Number(r.parent_version) },
    datasets: datasetsOf.get(r.id) ?? [],
    evaluation: JSON.parse(r.evaluation) as { [key: string]: EvaluationJson },
    status: r.status as ModelVersionStatus,
    description: r.description,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    aliases: aliasesOf.get(r.id) ?? [],
  }))
}

/** One version by model name and number; NOT_FOUND when absent. */
export const loadVersion = async (
  db: Db,
  model: string,
  version: number,
): Promise<ModelVersionRecord> => {
  const row = await selectVersionRows(db)
    .where('m.name', '=', model)
    .where('v.version', '=', version)
    .executeTakeFirst()
  if (!row) {
    throw new KeelError('NOT_FOUND', `model ${model} has no version ${version}`, {
      path: ['version'],
      details: { model, version },
    })
  }
  const [record] = await versionRecords(db, [row])
  return record as ModelVersionRecord
}
