/**
 * Lineage queries in both directions: from a version back to the run and data that produced it
 * (and its ancestors), and from a dataset fingerprint forward to every version that used it.
 */
import type { Kysely } from 'kysely'
import { KeelError } from '@keel/core'
import type { KeelDatabase } from '../metadata/schema.js'
import { recordsByIds } from '../tracking/run-rows.js'
import type { DatasetRole } from '../tracking/types.js'
import type { DatasetUse, ModelVersionStatus, VersionLineage } from './types.js'
import { loadVersion } from './version-rows.js'

type Db = Kysely<KeelDatabase>

/** Longest ancestor chain followed (a guard; parents are always older, so chains end). */
const MAX_ANCESTORS = 1000

/** The run, datasets, ancestors and descendants of one version. */
export const versionLineage = async (
  db: Db,
  model: string,
  version: number,
): Promise<VersionLineage> => {
  const record = await loadVersion(db, model, version)
  const [run] = record.sourceRunId ? await recordsByIds(db, [record.sourceRunId]) : []
  const ancestors: { model: string; version: number }[] = []
  let parentId = (
    await db
      .selectFrom('model_versions')
      .select('parent_version_id')
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow()
  ).parent_version_id
  while (parentId !== null && ancestors.length < MAX_ANCESTORS) {
    const p = await db
      .selectFrom('model_versions as v')
      .innerJoin('registered_models as m', 'm.id', 'v.model_id')
      .select(['m.name', 'v.version', 'v.parent_version_id'])
      .where('v.id', '=', parentId)
      .executeTakeFirstOrThrow()
    ancestors.push({ model: p.name, version: Number(p.version) })
    parentId = p.parent_version_id
  }
  const descendants = await db
    .selectFrom('model_versions as v')
    .innerJoin('registered_models as m', 'm.id', 'v.model_id')
    .select(['m.name', 'v.version'])
    .where('v.parent_version_id', '=', record.id)
    .orderBy('m.name')
    .orderBy('v.version')
    .execute()
  return {
    version: record,
    run: run ?? null,
    datasets: record.datasets,
    ancestors,
    descendants: descendants.map((d) => ({ model: d.name, version: Number(d.version) })),
  }
}

/** Every version that used a dataset fingerprint (optionally in one role), by model and version. */
export const versionsUsingDataset = async (
  db: Db,
  fingerprint: string,
  options: { role?: DatasetRole } = {},
): Promise<DatasetUse[]> => {
  if (typeof fingerprint !== 'string' || fingerprint.length === 0 || fingerprint.length > 200) {
    throw new KeelError('INVALID_ARGUMENT', 'fingerprints are 1–200 characters', {
      path: ['fingerprint'],
    })
  }
  let q = db
    .selectFrom('model_version_datasets as d')
    .innerJoin('model_versions as v', 'v.id', 'd.version_id')
    .innerJoin('registered_models as m', 'm.id', 'v.model_id')
    .select(['m.name', 'v.version', 'd.role', 'v.status'])
    .where('d.fingerprint', '=', fingerprint)
  if (options.role !== undefined) q = q.where('d.role', '=', options.role)
  const rows = await q.orderBy('m.name').orderBy('v.version').orderBy('d.role').execute()
  return rows.map((r) => ({
    model: r.name,
    version: Number(r.version),
    role: r.role as DatasetRole,
    status: r.status as ModelVersionStatus,
  }))
}
