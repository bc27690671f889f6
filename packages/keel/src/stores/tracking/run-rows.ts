/**
 * Turning rows into {@link RunRecord}s. A page of runs is fetched first; its params, latest metrics,
 * tags, inputs and artifacts then come from one `IN (...)` query per table. No query joins those
 * tables to each other, so the row count never becomes params × tags × metrics (mlflow#1865).
 */
import type { Kysely, Selectable } from 'kysely'
import type { KeelDatabase, RunsTable } from '../metadata/schema.js'
import type { ArtifactRef } from '../artifacts/artifact-store.js'
import type { DatasetInput, DatasetRole, RunEnvironment, RunRecord, RunStatus } from './types.js'

/** A `runs` row with its experiment's name. */
export type RunRow = Selectable<RunsTable> & { experiment_name: string }

interface RunDetails {
  params: Record<string, string>
  metrics: Record<string, number>
  tags: Record<string, string>
  inputs: DatasetInput[]
  artifacts: Record<string, ArtifactRef>
}

const emptyDetails = (): RunDetails => ({
  params: {},
  metrics: {},
  tags: {},
  inputs: [],
  artifacts: {},
})

/** Select the run columns (and experiment name) for the given ids, in no particular order. */
export const selectRunRows = (db: Kysely<KeelDatabase>) =>
  db
    .selectFrom('runs')
    .innerJoin('experiments', 'experiments.id', 'runs.experiment_id')
    .selectAll('runs')
    .select('experiments.name as experiment_name')

/** Load params, latest metrics, tags, inputs and artifacts of `ids`, one query per table. */
const loadDetails = async (
  db: Kysely<KeelDatabase>,
  ids: readonly string[],
): Promise<Map<string, RunDetails>> => {
  const out = new Map<string, RunDetails>(ids.map((id) => [id, emptyDetails()]))
  if (ids.length === 0) return out
  const of = (id: string): RunDetails => out.get(id) as RunDetails
  const [params, metrics, tags, inputs, artifacts] = await Promise.all([
    db
      .selectFrom('run_params')
      .select(['run_id', 'key', 'value'])
      .where('run_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('metric_latest')
      .select(['run_id', 'key', 'value'])
      .where('run_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('run_tags')
      .select(['run_id', 'key', 'value'])
      .where('run_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('run_inputs')
      .select(['run_id', 'fingerprint', 'role', 'name'])
      .where('run_id', 'in', ids)
      .orderBy('role')
      .orderBy('fingerprint')
      .execute(),
    db
      .selectFrom('run_artifacts')
      .select(['run_id', 'name', 'digest', 'size'])
      .where('run_id', 'in', ids)
      .orderBy('name')
      .execute(),
  ])
  for (const r of params) of(r.run_id).params[r.key] = r.value
  for (const r of metrics) of(r.run_id).metrics[r.key] = Number(r.value)
  for (const r of tags) of(r.run_id).tags[r.key] = r.value
  for (const r of inputs) {
    of(r.run_id).inputs.push({
      fingerprint: r.fingerprint,
      role: r.role as DatasetRole,
      ...(r.name === null ? {} : { name: r.name }),
    })
  }
  for (const r of artifacts)
    of(r.run_id).artifacts[r.name] = { digest: r.digest, size: Number(r.size) }
  return out
}

const toRecord = (row: RunRow, details: RunDetails): RunRecord => {
  const environment = JSON.parse(row.environment) as RunEnvironment
  const endTime = row.end_time === null ? null : Number(row.end_time)
  const startTime = Number(row.start_time)
  return {
    id: row.id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    parentRunId: row.parent_run_id,
    name: row.name,
    status: row.status as RunStatus,
    startTime,
    endTime,
    durationMs: endTime === null ? null : endTime - startTime,
    seed: row.seed === null ? null : Number(row.seed),
    git:
      row.git_commit === null
        ? null
        : { commit: row.git_commit, dirty: Number(row.git_dirty) === 1 },
    environment: { ...environment, node: row.node_version, keel: row.keel_version },
    ...details,
    lease:
      row.lease_ms === null || row.heartbeat_at === null
        ? null
        : {
            heartbeatAt: Number(row.heartbeat_at),
            leaseMs: Number(row.lease_ms),
            host: row.owner_host ?? '',
            pid: Number(row.owner_pid),
          },
  }
}

/** Full records for rows already fetched (kept in the rows' order). */
export const recordsFor = async (
  db: Kysely<KeelDatabase>,
  rows: readonly RunRow[],
): Promise<RunRecord[]> => {
  const details = await loadDetails(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => toRecord(r, details.get(r.id) ?? emptyDetails()))
}

/** Full records for `ids`, in the order given; unknown ids are left out. */
export const recordsByIds = async (
  db: Kysely<KeelDatabase>,
  ids: readonly string[],
): Promise<RunRecord[]> => {
  if (ids.length === 0) return []
  const rows = await selectRunRows(db).where('runs.id', 'in', ids).execute()
  const byId = new Map(rows.map((r) => [r.id, r]))
  return recordsFor(
    db,
    ids.flatMap((id) => {
      const row = byId.get(id)
      return row ? [row] : []
    }),
  )
}
