/**
 * {@link RegistryStore} on the metadata database and the artifact store.
 *
 * Crash safety comes from ordering and transactions: the bundle is written (atomically, fsynced) to
 * the artifact store before the registry is touched, and `createVersion` checks it is there; the
 * version number, the version row and its lineage rows then commit in one transaction. A crash at
 * any point leaves at most an unreferenced artifact, never a version without its bundle.
 */
import { KeelError } from '@keel/core'
import type { ArtifactStore } from '../artifacts/artifact-store.js'
import { checkDigest } from '../artifacts/digest.js'
import type { MetadataStore } from '../metadata/open.js'
import { newSortableId } from '../ids.js'
import { IssueList, checkInputs } from '../tracking/validate.js'
import type { DatasetInput } from '../tracking/types.js'
import { aliasHistory, lockModel, promote, removeAlias } from './aliases.js'
import { diffVersions } from './diff.js'
import { checkEvaluation, insertEvaluation, listEvaluations } from './evaluations.js'
import { versionLineage, versionsUsingDataset } from './lineage.js'
import type { RegistryStore } from './registry-store.js'
import type { ModelVersionStatus, RegisteredModelRecord } from './types.js'
import { checkAlias, checkModelName, checkVersion, evaluationJson } from './validate.js'
import { loadVersion, selectVersionRows, versionRecords } from './version-rows.js'

const STATUSES: ReadonlySet<string> = new Set(['candidate', 'approved', 'rejected', 'archived'])

/** What a registry needs: the metadata database and the artifact store holding the bundles. */
export interface RegistryStoreOptions {
  readonly metadata: MetadataStore
  readonly artifacts: ArtifactStore
}

/** The model registry on a metadata store and an artifact store. */
export const createRegistryStore = ({
  metadata,
  artifacts,
}: RegistryStoreOptions): RegistryStore => {
  const db = metadata.db

  const modelRecords = async (names?: readonly string[]): Promise<RegisteredModelRecord[]> => {
    let q = db.selectFrom('registered_models').selectAll().orderBy('name')
    if (names !== undefined) q = q.where('name', 'in', names)
    const rows = await q.execute()
    if (rows.length === 0) return []
    const aliases = await db
      .selectFrom('model_aliases as a')
      .innerJoin('model_versions as v', 'v.id', 'a.version_id')
      .select(['a.model_id', 'a.alias', 'v.version'])
      .where(
        'a.model_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('a.alias')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      latestVersion: Number(r.latest_version),
      aliases: Object.fromEntries(
        aliases.filter((a) => a.model_id === r.id).map((a) => [a.alias, Number(a.version)]),
      ),
    }))
  }

  const registry: RegistryStore = {
    async createModel(name, options = {}) {
      checkModelName(name)
      const now = Date.now()
      const inserted = await db
        .insertInto('registered_models')
        .values({
          id: newSortableId(now),
          name,
          description: options.description ?? null,
          created_at: now,
          updated_at: now,
          latest_version: 0,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!inserted)
        throw new KeelError('CONFLICT', `model ${name} is already registered`, { path: ['name'] })
      return registry.getModel(name)
    },

    async getModel(name) {
      const [model] = await modelRecords([checkModelName(name)])
      if (!model)
        throw new KeelError('NOT_FOUND', `model ${name} is not registered`, { path: ['model'] })
      return model
    },

    listModels: async () => modelRecords(),

    async createVersion(input) {
      const model = checkModelName(input.model)
      const digest = checkDigest(
        typeof input.bundle === 'string' ? input.bundle : input.bundle.digest,
        ['bundle'],
      )
      const evaluation = evaluationJson(input.evaluation)
      const status = input.status ?? 'candidate'
      if (status !== 'candidate' && status !== 'approved') {
        throw new KeelError('INVALID_ARGUMENT', 'a new version is a candidate or approved', {
          path: ['status'],
        })
      }
      if (input.datasets !== undefined) {
        const issues = new IssueList()
        checkInputs(issues, input.datasets)
        issues.throwIfAny('createVersion')
      }
      const parentVersion =
        input.parent === undefined
          ? undefined
          : checkVersion(input.parent.version, ['parent', 'version'])
      const parentModel =
        input.parent?.model === undefined ? model : checkModelName(input.parent.model)
      const expected =
        input.expectedVersion === undefined
          ? undefined
          : checkVersion(input.expectedVersion, ['expectedVersion'])
      const registration =
        input.registration === undefined
          ? undefined
          : await checkEvaluation(artifacts, input.registration, ['registration'])
      // The bundle first: a version must never point at bytes that are not there.
      const bundle = await artifacts.stat(digest)
      if (bundle === undefined) {
        throw new KeelError('NOT_FOUND', `bundle ${digest} is not in the artifact store`, {
          path: ['bundle'],
          hint: 'put the bundle in the artifact store before registering it',
        })
      }
      const now = Date.now()
      const version = await metadata.transaction(async (trx) => {
        await trx
          .insertInto('registered_models')
          .values({
            id: newSortableId(now),
            name: model,
            description: null,
            created_at: now,
            updated_at: now,
            latest_version: 0,
          })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute()
        // Taking the next number updates (and so locks) the model row: concurrent creators queue.
        const m = await trx
          .updateTable('registered_models')
          .set((eb) => ({ latest_version: eb('latest_version', '+', 1), updated_at: now }))
          .where('name', '=', model)
          .returning(['id', 'latest_version'])
          .executeTakeFirstOrThrow()
        if (expected !== undefined && Number(m.latest_version) !== expected) {
          throw new KeelError(
            'CONFLICT',
            `model ${model}'s next version is ${Number(m.latest_version)}, not ${expected}`,
            {
              path: ['expectedVersion'],
              details: { expected, next: Number(m.latest_version) },
            },
          )
        }
        let datasets: readonly DatasetInput[] = input.datasets ?? []
        if (input.sourceRunId !== undefined) {
          const run = await trx
            .selectFrom('runs')
            .select('id')
            .where('id', '=', input.sourceRunId)
            .executeTakeFirst()
          if (!run)
            throw new KeelError('NOT_FOUND', `run ${input.sourceRunId} does not exist`, {
              path: ['sourceRunId'],
            })
          if (input.datasets === undefined) {
            const rows = await trx
              .selectFrom('run_inputs')
              .select(['fingerprint', 'role', 'name'])
              .where('run_id', '=', run.id)
              .execute()
            datasets = rows.map((r) => ({
              fingerprint: r.fingerprint,
              role: r.role as DatasetInput['role'],
              name: r.name ?? undefined,
            }))
          }
        }
        let parentId: string | null = null
        if (parentVersion !== undefined) {
          const p = await trx
            .selectFrom('model_versions as v')
            .innerJoin('registered_models as pm', 'pm.id', 'v.model_id')
            .select('v.id')
            .where('pm.name', '=', parentModel)
            .where('v.version', '=', parentVersion)
            .executeTakeFirst()
          if (!p)
            throw new KeelError(
              'NOT_FOUND',
              `parent ${parentModel} version ${parentVersion} does not exist`,
              { path: ['parent'] },
            )
          parentId = p.id
        }
        const id = newSortableId(now)
        await trx
          .insertInto('model_versions')
          .values({
            id,
            model_id: m.id,
            version: Number(m.latest_version),
            bundle_digest: digest,
            bundle_size: bundle.size,
            source_run_id: input.sourceRunId ?? null,
            parent_version_id: parentId,
            evaluation,
            status,
            description: input.description ?? null,
            created_at: now,
            created_by: input.createdBy ?? null,
          })
          .execute()
        const unique = new Map(datasets.map((d) => [`${d.role}\u0000${d.fingerprint}`, d]))
        if (unique.size > 0) {
          await trx
            .insertInto('model_version_datasets')
            .values(
              [...unique.values()].map((d) => ({
                version_id: id,
                fingerprint: d.fingerprint,
                role: d.role,
                name: d.name ?? null,
              })),
            )
            .execute()
        }
        if (registration !== undefined)
          await insertEvaluation(trx, id, 'registration', registration, now)
        return Number(m.latest_version)
      })
      return loadVersion(db, model, version)
    },

    async addEvaluation(model, version, input) {
      checkModelName(model)
      checkVersion(version)
      const evaluation = await checkEvaluation(artifacts, input, [])
      const now = Date.now()
      const id = await metadata.transaction(async (trx) => {
        const v = await trx
          .selectFrom('model_versions as v')
          .innerJoin('registered_models as m', 'm.id', 'v.model_id')
          .select('v.id')
          .where('m.name', '=', model)
          .where('v.version', '=', version)
          .executeTakeFirst()
        if (!v)
          throw new KeelError('NOT_FOUND', `model ${model} has no version ${version}`, {
            path: ['version'],
          })
        return insertEvaluation(trx, v.id, 'evaluation', evaluation, now)
      })
      const all = await listEvaluations(db, model, version)
      return all.find((e) => e.id === id)!
    },

    async listEvaluations(model, version) {
      await loadVersion(db, checkModelName(model), checkVersion(version))
      return listEvaluations(db, model, version)
    },

    getVersion: async (model, version) =>
      loadVersion(db, checkModelName(model), checkVersion(version)),

    async getByAlias(model, alias) {
      checkModelName(model)
      if (checkAlias(alias, false) === 'latest') {
        const row = await selectVersionRows(db)
          .where('m.name', '=', model)
          .orderBy('v.version', 'desc')
          .limit(1)
          .executeTakeFirst()
        if (!row)
          throw new KeelError('NOT_FOUND', `model ${model} has no versions`, { path: ['model'] })
        const [record] = await versionRecords(db, [row])
        if (record) return record
      }
      const row = await selectVersionRows(db)
        .innerJoin('model_aliases as a', 'a.version_id', 'v.id')
        .where('m.name', '=', model)
        .where('a.alias', '=', alias)
        .executeTakeFirst()
      if (!row)
        throw new KeelError('NOT_FOUND', `model ${model} has no alias "${alias}"`, {
          path: ['alias'],
        })
      const [record] = await versionRecords(db, [row])
      return record as NonNullable<typeof record>
    },

    async listVersions(model, options = {}) {
      await registry.getModel(model)
      const limit = options.limit ?? 1000
      if (!Number.isInteger(limit) || limit < 1) {
        throw new KeelError('INVALID_ARGUMENT', 'limit must be a positive integer', {
          path: ['limit'],
        })
      }
      let q = selectVersionRows(db).where('m.name', '=', model)
      if (options.status !== undefined) q = q.where('v.status', '=', options.status)
      return versionRecords(db, await q.orderBy('v.version', 'desc').limit(limit).execute())
    },

    async setVersionStatus(model, version, status: ModelVersionStatus) {
      checkModelName(model)
      checkVersion(version)
      if (!STATUSES.has(status)) {
        throw new KeelError('INVALID_ARGUMENT', `unknown version status "${String(status)}"`, {
          path: ['status'],
        })
      }
      await metadata.transaction(async (trx) => {
        const m = await lockModel(trx, metadata, model)
        const v = await trx
          .selectFrom('model_versions')
          .select('id')
          .where('model_id', '=', m.id)
          .where('version', '=', version)
          .executeTakeFirst()
        if (!v)
          throw new KeelError('NOT_FOUND', `model ${model} has no version ${version}`, {
            path: ['version'],
          })
        if (status === 'rejected' || status === 'archived') {
          const held = await trx
            .selectFrom('model_aliases')
            .select('alias')
            .where('version_id', '=', v.id)
            .execute()
          if (held.length > 0) {
            throw new KeelError(
              'CONFLICT',
              `version ${version} of ${model} is still ${held.map((h) => h.alias).join(', ')}; move the alias first`,
              {
                path: ['status'],
                details: { aliases: held.map((h) => h.alias) },
              },
            )
          }
        }
        await trx.updateTable('model_versions').set({ status }).where('id', '=', v.id).execute()
      })
      return loadVersion(db, model, version)
    },

    promote: async (model, version, alias, options) =>
      promote(metadata, model, version, alias, options),
    removeAlias: async (model, alias, options) => removeAlias(metadata, model, alias, options),
    aliasHistory: async (model, options) => aliasHistory(db, checkModelName(model), options),
    diffVersions: async (model, from, to) =>
      diffVersions(
        db,
        checkModelName(model),
        checkVersion(from, ['from']),
        checkVersion(to, ['to']),
      ),
    lineage: async (model, version) =>
      versionLineage(db, checkModelName(model), checkVersion(version)),
    versionsUsingDataset: async (fingerprint, options) =>
      versionsUsingDataset(db, fingerprint, options),
  }
  return registry
}
