/**
 * {@link TrackingStore} on the metadata database. Every write that touches more than one row runs in
 * one transaction; reads fetch a page of runs and then their details by id.
 */
import { hostname } from 'node:os'
import type { Transaction } from 'kysely'
import { KeelError } from '@keel/core'
import type { ArtifactStore } from '../artifacts/artifact-store.js'
import { isDigest } from '../artifacts/digest.js'
import type { MetadataStore } from '../metadata/open.js'
import type { KeelDatabase } from '../metadata/schema.js'
import { newSortableId } from '../ids.js'
import { compareRuns } from './compare.js'
import { importRuns } from './import-runs.js'
import { recordsByIds } from './run-rows.js'
import {
  appendMetrics,
  checkParent,
  ensureExperiment,
  insertInputs,
  insertParams,
  runRow,
  runStatus,
  upsertTags,
} from './run-writes.js'
import { searchRuns } from './search.js'
import type { TrackingStore } from './tracking-store.js'
import type {
  EndedRunStatus,
  ExperimentRecord,
  MetricInput,
  ReapedRun,
  RunRecord,
} from './types.js'
import {
  IssueList,
  checkInputs,
  checkKey,
  checkMetrics,
  checkName,
  checkParams,
  checkRunInput,
  checkTags,
  checkTime,
} from './validate.js'

const ENDED: ReadonlySet<string> = new Set(['finished', 'failed', 'killed'])

/** Options for {@link createTrackingStore}. */
export interface TrackingStoreOptions {
  /** When given, `logArtifacts` and `importRuns` check that each digest is stored there. */
  readonly artifacts?: ArtifactStore | undefined
}

/** Whether process `pid` exists on this host (EPERM: it exists but belongs to another user). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Why a running run with a lease is dead, or null while it may be alive. On its own host the
 * process table is the truth (a fit can hold the event loop longer than a lease without being
 * dead); from another host, only the age of the heartbeat is known.
 */
const deathOf = (
  run: {
    heartbeat_at: number
    lease_ms: number
    owner_host: string | null
    owner_pid: number | null
  },
  now: number,
): string | null => {
  const heartbeat = Number(run.heartbeat_at)
  const since = new Date(heartbeat).toISOString()
  if (run.owner_host === hostname() && run.owner_pid !== null) {
    const pid = Number(run.owner_pid)
    if (pid === process.pid || processAlive(pid)) return null
    return `process ${pid} on ${run.owner_host} is gone; last heartbeat ${since}`
  }
  const age = now - heartbeat
  if (age <= Number(run.lease_ms)) return null
  return `no heartbeat for ${Math.round(age / 1000)} s (lease ${Math.round(Number(run.lease_ms) / 1000)} s); last heartbeat ${since} from ${run.owner_host ?? 'an unknown host'}`
}

const toExperiment = (r: {
  id: string
  name: string
  description: string | null
  created_at: number
}): ExperimentRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdAt: Number(r.created_at),
})

/** Experiment tracking on a metadata store. */
export const createTrackingStore = (
  metadata: MetadataStore,
  options: TrackingStoreOptions = {},
): TrackingStore => {
  const db = metadata.db
  const artifactExists = (digest: string): Promise<boolean> =>
    options.artifacts ? options.artifacts.has(digest) : Promise.resolve(true)

  /** Run `write` in a transaction after checking the run exists (NOT_FOUND otherwise). */
  const writeToRun = (runId: string, write: (trx: Transaction<KeelDatabase>) => Promise<void>) =>
    metadata.transaction(async (trx) => {
      await runStatus(trx, runId)
      await write(trx)
    })

  const store: TrackingStore = {
    async createExperiment(name, opts = {}) {
      const issues = new IssueList()
      checkName(issues, ['name'], name)
      issues.throwIfAny('createExperiment')
      const now = Date.now()
      const inserted = await db
        .insertInto('experiments')
        .values({
          id: newSortableId(now),
          name,
          description: opts.description ?? null,
          created_at: now,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!inserted) {
        throw new KeelError('CONFLICT', `experiment "${name}" already exists`, { path: ['name'] })
      }
      return toExperiment(inserted)
    },

    async getExperiment(name) {
      const row = await db
        .selectFrom('experiments')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst()
      if (!row)
        throw new KeelError('NOT_FOUND', `experiment "${name}" does not exist`, { path: ['name'] })
      return toExperiment(row)
    },

    async listExperiments() {
      const rows = await db.selectFrom('experiments').selectAll().orderBy('name').execute()
      return rows.map(toExperiment)
    },

    async createRun(input) {
      const now = Date.now()
      const issues = new IssueList()
      const { params, tags, start } = checkRunInput(issues, input, now)
      issues.throwIfAny('createRun')
      const id = newSortableId(start)
      await metadata.transaction(async (trx) => {
        const experimentId = await ensureExperiment(trx, input.experiment, now)
        if (input.parentRunId !== undefined) await checkParent(trx, input.parentRunId, experimentId)
        await trx
          .insertInto('runs')
          .values(runRow(id, experimentId, input, 'running', start, null))
          .execute()
        await insertParams(
          trx,
          params.map(([key, value]) => ({ run_id: id, key, value })),
          false,
        )
        await upsertTags(
          trx,
          tags.map(([key, value]) => ({ run_id: id, key, value })),
        )
        await insertInputs(trx, id, input.inputs ?? [])
      })
      return store.getRun(id)
    },

    async logParams(runId, params) {
      const issues = new IssueList()
      const rows = checkParams(issues, params).map(([key, value]) => ({
        run_id: runId,
        key,
        value,
      }))
      issues.throwIfAny('logParams')
      await writeToRun(runId, (trx) => insertParams(trx, rows, true))
    },

    async logMetrics(runId, metrics, opts = {}) {
      const now = Date.now()
      const list: readonly MetricInput[] = Array.isArray(metrics)
        ? (metrics as readonly MetricInput[])
        : Object.entries(metrics as Readonly<Record<string, number>>).map(([key, value]) => ({
            key,
            value,
            step: opts.step,
            timestamp: opts.timestamp,
          }))
      const issues = new IssueList()
      const rows = checkMetrics(issues, list, opts.timestamp ?? now).map((m) => ({
        run_id: runId,
        ...m,
      }))
      issues.throwIfAny('logMetrics')
      await writeToRun(runId, (trx) => appendMetrics(trx, rows))
    },

    async setTags(runId, tags) {
      const issues = new IssueList()
      const rows = checkTags(issues, tags).map(([key, value]) => ({ run_id: runId, key, value }))
      issues.throwIfAny('setTags')
      await writeToRun(runId, (trx) => upsertTags(trx, rows))
    },

    async logInputs(runId, inputs) {
      const issues = new IssueList()
      checkInputs(issues, inputs)
      issues.throwIfAny('logInputs')
      await writeToRun(runId, (trx) => insertInputs(trx, runId, inputs))
    },

    async logArtifacts(runId, artifacts) {
      const issues = new IssueList()
      const entries = Object.entries(artifacts)
      for (const [name, ref] of entries) {
        checkKey(issues, ['artifacts', name], name)
        if (!isDigest(ref.digest))
          issues.add(['artifacts', name, 'digest'], 'not an artifact digest')
        if (!Number.isSafeInteger(ref.size) || ref.size < 0)
          issues.add(['artifacts', name, 'size'], 'size must be a byte count')
      }
      issues.throwIfAny('logArtifacts')
      for (const [name, ref] of entries) {
        if (!(await artifactExists(ref.digest))) {
          throw new KeelError('NOT_FOUND', `artifact ${ref.digest} is not in the artifact store`, {
            path: ['artifacts', name],
          })
        }
      }
      if (entries.length === 0) return
      await writeToRun(runId, async (trx) => {
        await trx
          .insertInto('run_artifacts')
          .values(
            entries.map(([name, ref]) => ({
              run_id: runId,
              name,
              digest: ref.digest,
              size: ref.size,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['run_id', 'name']).doUpdateSet((eb) => ({
              digest: eb.ref('excluded.digest'),
              size: eb.ref('excluded.size'),
            })),
          )
          .execute()
      })
    },

    async heartbeat(runId, opts = {}) {
      const at = opts.at ?? Date.now()
      const issues = new IssueList()
      checkTime(issues, ['at'], at)
      issues.throwIfAny('heartbeat')
      await metadata.transaction(async (trx) => {
        const row = await trx
          .selectFrom('runs')
          .select(['status', 'lease_ms'])
          .where('id', '=', runId)
          .executeTakeFirst()
        if (!row)
          throw new KeelError('NOT_FOUND', `run ${runId} does not exist`, { path: ['runId'] })
        if (row.status !== 'running') {
          throw new KeelError('CONFLICT', `run ${runId} has ended (${row.status})`, {
            path: ['runId'],
            details: { status: row.status },
          })
        }
        if (row.lease_ms === null) {
          throw new KeelError('INVALID_ARGUMENT', `run ${runId} holds no lease`, {
            path: ['runId'],
            hint: 'start the run with a lease (createRun({ lease: { ms } }))',
          })
        }
        // The heartbeat never moves back (two beats may commit out of order).
        await trx
          .updateTable('runs')
          .set({ heartbeat_at: at })
          .where((eb) => eb.or([eb('id', '=', runId), eb('parent_run_id', '=', runId)]))
          .where('status', '=', 'running')
          .where('lease_ms', 'is not', null)
          .where('heartbeat_at', '<', at)
          .execute()
      })
    },

    async reapStaleRuns(opts = {}) {
      const now = opts.now ?? Date.now()
      const running = await db
        .selectFrom('runs')
        .innerJoin('experiments', 'experiments.id', 'runs.experiment_id')
        .select([
          'runs.id',
          'runs.name',
          'runs.start_time',
          'runs.heartbeat_at',
          'runs.lease_ms',
          'runs.owner_host',
          'runs.owner_pid',
          'experiments.name as experiment_name',
        ])
        .where('runs.status', '=', 'running')
        .where('runs.lease_ms', 'is not', null)
        .execute()
      const reaped: ReapedRun[] = []
      for (const run of running) {
        if (run.heartbeat_at === null || run.lease_ms === null) continue
        const reason = deathOf(
          { ...run, heartbeat_at: run.heartbeat_at, lease_ms: run.lease_ms },
          now,
        )
        if (reason === null) continue
        const heartbeatAt = Number(run.heartbeat_at)
        const marked = await metadata.transaction(async (trx) => {
          // Only if nothing moved since the read: a heartbeat or an end in between wins.
          const updated = await trx
            .updateTable('runs')
            .set({ status: 'killed', end_time: Math.max(heartbeatAt, Number(run.start_time)) })
            .where('id', '=', run.id)
            .where('status', '=', 'running')
            .where('heartbeat_at', '=', heartbeatAt)
            .executeTakeFirst()
          if (Number(updated.numUpdatedRows) === 0) return false
          await upsertTags(trx, [{ run_id: run.id, key: 'keel.killed', value: reason }])
          return true
        })
        if (marked)
          reaped.push({
            id: run.id,
            name: run.name,
            experimentName: run.experiment_name,
            heartbeatAt,
            reason,
          })
      }
      return reaped
    },

    async endRun(runId, opts = {}) {
      const status: EndedRunStatus = opts.status ?? 'finished'
      const endTime = opts.endTime ?? Date.now()
      const issues = new IssueList()
      if (!ENDED.has(status)) issues.add(['status'], 'a run ends as finished, failed or killed')
      checkTime(issues, ['endTime'], endTime)
      issues.throwIfAny('endRun')
      await metadata.transaction(async (trx) => {
        const row = await trx
          .selectFrom('runs')
          .select(['status', 'start_time'])
          .where('id', '=', runId)
          .executeTakeFirst()
        if (!row)
          throw new KeelError('NOT_FOUND', `run ${runId} does not exist`, { path: ['runId'] })
        if (row.status !== 'running') {
          throw new KeelError('CONFLICT', `run ${runId} has already ended (${row.status})`, {
            path: ['runId'],
          })
        }
        const start = Number(row.start_time)
        if (opts.endTime !== undefined && endTime < start) {
          throw new KeelError('INVALID_ARGUMENT', 'a run cannot end before it starts', {
            path: ['endTime'],
          })
        }
        // A clock that stepped back must not produce a negative duration.
        const end = Math.max(endTime, start)
        await trx
          .updateTable('runs')
          .set({ status, end_time: end })
          .where('id', '=', runId)
          .execute()
      })
    },

    async getRun(runId) {
      const [run] = await recordsByIds(db, [runId])
      if (!run) throw new KeelError('NOT_FOUND', `run ${runId} does not exist`, { path: ['runId'] })
      return run as RunRecord
    },

    async getMetricHistory(runId, key) {
      const rows = await db
        .selectFrom('metric_history')
        .select(['key', 'value', 'step', 'timestamp'])
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .orderBy('step')
        .orderBy('timestamp')
        .execute()
      return rows.map((r) => ({
        key: r.key,
        value: Number(r.value),
        step: Number(r.step),
        timestamp: Number(r.timestamp),
      }))
    },

    searchRuns: (opts) => searchRuns(metadata, opts),
    compareRuns: (ids) => compareRuns(metadata, ids),
    importRuns: (runs) => importRuns(metadata, runs, artifactExists),
  }
  return store
}
