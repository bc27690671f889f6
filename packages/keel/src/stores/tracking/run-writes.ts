/**
 * The row-level writes of tracking, shared by the single-run API and bulk import. Each takes the
 * transaction it runs in; callers validate input first (see `validate.ts`).
 */
import { hostname } from 'node:os'
import type { Insertable, Transaction } from 'kysely'
import { KeelError } from '@keel/core'
import { KEEL_VERSION } from '../../version.js'
import { forEachChunk } from '../metadata/chunks.js'
import type { KeelDatabase, MetricRowTable, RunsTable } from '../metadata/schema.js'
import { newSortableId } from '../ids.js'
import type { CreateRunInput, DatasetInput, RunStatus } from './types.js'

type Trx = Transaction<KeelDatabase>

/** The id of experiment `name`, creating it when missing (safe under concurrent creators). */
export const ensureExperiment = async (trx: Trx, name: string, now: number): Promise<string> => {
  await trx
    .insertInto('experiments')
    .values({ id: newSortableId(now), name, description: null, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  const row = await trx
    .selectFrom('experiments')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow()
  return row.id
}

/** The `runs` row for a new run. */
export const runRow = (
  id: string,
  experimentId: string,
  input: CreateRunInput,
  status: RunStatus,
  startTime: number,
  endTime: number | null,
): Insertable<RunsTable> => ({
  id,
  experiment_id: experimentId,
  parent_run_id: input.parentRunId ?? null,
  name: input.name ?? `run-${id.slice(-8)}`,
  status,
  start_time: startTime,
  end_time: endTime,
  seed: input.seed ?? null,
  git_commit: input.git?.commit ?? null,
  git_dirty: input.git === undefined ? null : input.git.dirty ? 1 : 0,
  node_version: process.version,
  keel_version: KEEL_VERSION,
  environment: JSON.stringify({
    platform: process.platform,
    arch: process.arch,
    ...(input.environment ?? {}),
  }),
  ...(input.lease === undefined || status !== 'running'
    ? {}
    : {
        heartbeat_at: startTime,
        lease_ms: input.lease.ms,
        owner_host: hostname(),
        owner_pid: process.pid,
      }),
})

/** Check that `parentRunId` exists in the same experiment. */
export const checkParent = async (
  trx: Trx,
  parentRunId: string,
  experimentId: string,
): Promise<void> => {
  const parent = await trx
    .selectFrom('runs')
    .select('experiment_id')
    .where('id', '=', parentRunId)
    .executeTakeFirst()
  if (!parent) {
    throw new KeelError('NOT_FOUND', `parent run ${parentRunId} does not exist`, {
      path: ['parentRunId'],
    })
  }
  if (parent.experiment_id !== experimentId) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      'a child run must be in the same experiment as its parent',
      {
        path: ['parentRunId'],
      },
    )
  }
}

/** The status of run `runId`, or NOT_FOUND. */
export const runStatus = async (trx: Trx, runId: string): Promise<RunStatus> => {
  const row = await trx
    .selectFrom('runs')
    .select('status')
    .where('id', '=', runId)
    .executeTakeFirst()
  if (!row) throw new KeelError('NOT_FOUND', `run ${runId} does not exist`, { path: ['runId'] })
  return row.status as RunStatus
}

/**
 * Insert params. A param is immutable: logging the same value again is a no-op, a different value is
 * a CONFLICT (the run would no longer describe what it ran with).
 */
export const insertParams = async (
  trx: Trx,
  rows: readonly { run_id: string; key: string; value: string }[],
  checkExisting: boolean,
): Promise<void> => {
  if (rows.length === 0) return
  if (checkExisting) {
    const runIds = [...new Set(rows.map((r) => r.run_id))]
    const existing = await trx
      .selectFrom('run_params')
      .select(['run_id', 'key', 'value'])
      .where('run_id', 'in', runIds)
      .where(
        'key',
        'in',
        rows.map((r) => r.key),
      )
      .execute()
    const known = new Map(existing.map((r) => [`${r.run_id}\u0000${r.key}`, r.value]))
    for (const r of rows) {
      const old = known.get(`${r.run_id}\u0000${r.key}`)
      if (old !== undefined && old !== r.value) {
        throw new KeelError('CONFLICT', `param "${r.key}" is already logged as "${old}"`, {
          path: ['params', r.key],
          details: { logged: old, attempted: r.value },
        })
      }
    }
  }
  await forEachChunk(rows, 3, (chunk) =>
    trx
      .insertInto('run_params')
      .values([...chunk])
      .onConflict((oc) => oc.columns(['run_id', 'key']).doNothing())
      .execute(),
  )
}

/** Insert or overwrite tags. */
export const upsertTags = async (
  trx: Trx,
  rows: readonly { run_id: string; key: string; value: string }[],
): Promise<void> =>
  forEachChunk(rows, 3, (chunk) =>
    trx
      .insertInto('run_tags')
      .values([...chunk])
      .onConflict((oc) =>
        oc.columns(['run_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
      )
      .execute(),
  )

/** Record dataset inputs (idempotent). */
export const insertInputs = async (
  trx: Trx,
  runId: string,
  inputs: readonly DatasetInput[],
): Promise<void> =>
  forEachChunk(inputs, 4, (chunk) =>
    trx
      .insertInto('run_inputs')
      .values(
        chunk.map((i) => ({
          run_id: runId,
          fingerprint: i.fingerprint,
          role: i.role,
          name: i.name ?? null,
        })),
      )
      .onConflict((oc) => oc.columns(['run_id', 'fingerprint', 'role']).doNothing())
      .execute(),
  )

const newer = (a: Insertable<MetricRowTable>, b: Insertable<MetricRowTable>): boolean =>
  a.step > b.step || (a.step === b.step && a.timestamp >= b.timestamp)

/**
 * Append metric observations to the history and move each key's latest value forward. The latest
 * value is the one with the highest step (then the latest timestamp), so logging an old step late
 * does not overwrite a newer value.
 */
export const appendMetrics = async (
  trx: Trx,
  rows: readonly Insertable<MetricRowTable>[],
): Promise<void> => {
  if (rows.length === 0) return
  await forEachChunk(rows, 5, (chunk) =>
    trx
      .insertInto('metric_history')
      .values([...chunk])
      .execute(),
  )
  // One row per (run, key) per statement: an upsert may not touch the same row twice.
  const latest = new Map<string, Insertable<MetricRowTable>>()
  for (const r of rows) {
    const k = `${r.run_id}\u0000${r.key}`
    const seen = latest.get(k)
    if (seen === undefined || newer(r, seen)) latest.set(k, r)
  }
  await forEachChunk([...latest.values()], 5, (chunk) =>
    trx
      .insertInto('metric_latest')
      .values([...chunk])
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'key'])
          .doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            step: eb.ref('excluded.step'),
            timestamp: eb.ref('excluded.timestamp'),
          }))
          .where((eb) =>
            eb.or([
              eb('excluded.step', '>', eb.ref('metric_latest.step')),
              eb.and([
                eb('excluded.step', '=', eb.ref('metric_latest.step')),
                eb('excluded.timestamp', '>=', eb.ref('metric_latest.timestamp')),
              ]),
            ]),
          ),
      )
      .execute(),
  )
}
