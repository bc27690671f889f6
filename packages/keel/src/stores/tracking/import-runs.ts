/**
 * Bulk loading of complete runs in one transaction with multi-row inserts. This is the fast path for
 * hyperparameter-search trial batches and for importing history from another tracker; the checks
 * are the same as for single-run writes. Parent runs must already exist (create the parent with
 * `createRun`, then import its trials).
 */
import type { Insertable } from 'kysely'
import type { MetadataStore } from '../metadata/open.js'
import { forEachChunk } from '../metadata/chunks.js'
import type { MetricRowTable, RunsTable } from '../metadata/schema.js'
import { newSortableId } from '../ids.js'
import {
  appendMetrics,
  checkParent,
  ensureExperiment,
  insertParams,
  runRow,
  upsertTags,
} from './run-writes.js'
import type { ImportRunInput, RunStatus } from './types.js'
import { IssueList, checkMetrics, checkRunInput, checkTime } from './validate.js'
import { isDigest } from '../artifacts/digest.js'

const STATUSES: ReadonlySet<string> = new Set(['running', 'finished', 'failed', 'killed'])

/** Validate and insert `runs`; returns their new ids in order. */
export const importRuns = async (
  store: MetadataStore,
  runs: readonly ImportRunInput[],
  checkArtifact: (digest: string) => Promise<boolean>,
): Promise<string[]> => {
  const now = Date.now()
  const issues = new IssueList()
  const ids = runs.map(() => newSortableId(now))
  const runRows: { run: ImportRunInput; id: string; end: number | null; status: RunStatus }[] = []
  const params: { run_id: string; key: string; value: string }[] = []
  const tags: { run_id: string; key: string; value: string }[] = []
  const inputs: { run_id: string; fingerprint: string; role: string; name: string | null }[] = []
  const artifacts: { run_id: string; name: string; digest: string; size: number }[] = []
  const metrics: Insertable<MetricRowTable>[] = []
  runs.forEach((run, i) => {
    const id = ids[i] as string
    const local = new IssueList()
    const checked = checkRunInput(local, run, now)
    const status = run.status ?? 'finished'
    if (!STATUSES.has(status)) local.add(['status'], `unknown status "${status}"`)
    const start = checked.start
    if (status === 'running' && run.endTime !== undefined) {
      local.add(['endTime'], 'a running run has no end time')
    }
    const end = status === 'running' ? null : (run.endTime ?? start)
    if (end !== null) {
      checkTime(local, ['endTime'], end)
      if (end < start) local.add(['endTime'], 'a run cannot end before it starts')
    }
    for (const [key, value] of checked.params) params.push({ run_id: id, key, value })
    for (const [key, value] of checked.tags) tags.push({ run_id: id, key, value })
    for (const input of run.inputs ?? []) {
      inputs.push({
        run_id: id,
        fingerprint: input.fingerprint,
        role: input.role,
        name: input.name ?? null,
      })
    }
    for (const m of checkMetrics(local, run.metrics ?? [], now)) metrics.push({ run_id: id, ...m })
    for (const [name, ref] of Object.entries(run.artifacts ?? {})) {
      if (!isDigest(ref.digest)) local.add(['artifacts', name], 'not an artifact digest')
      artifacts.push({ run_id: id, name, digest: ref.digest, size: ref.size })
    }
    for (const issue of local.issues)
      issues.add(['runs', i, ...issue.path], issue.message, issue.code)
    runRows.push({ run, id, end, status })
  })
  issues.throwIfAny('importRuns')
  for (const a of artifacts) {
    if (!(await checkArtifact(a.digest))) {
      issues.add(['artifacts', a.name], `artifact ${a.digest} is not in the artifact store`)
    }
  }
  issues.throwIfAny('importRuns')

  await store.transaction(async (trx) => {
    const experimentIds = new Map<string, string>()
    for (const name of new Set(runs.map((r) => r.experiment))) {
      experimentIds.set(name, await ensureExperiment(trx, name, now))
    }
    const rows: Insertable<RunsTable>[] = runRows.map(({ run, id, end, status }) =>
      runRow(
        id,
        experimentIds.get(run.experiment) as string,
        // An imported run was not started by this process: it holds no lease here.
        { ...run, lease: undefined },
        status,
        run.startTime ?? now,
        end,
      ),
    )
    for (const { run } of runRows) {
      if (run.parentRunId !== undefined) {
        await checkParent(trx, run.parentRunId, experimentIds.get(run.experiment) as string)
      }
    }
    await forEachChunk(rows, 13, (chunk) =>
      trx
        .insertInto('runs')
        .values([...chunk])
        .execute(),
    )
    await insertParams(trx, params, false)
    await upsertTags(trx, tags)
    await forEachChunk(inputs, 4, (chunk) =>
      trx
        .insertInto('run_inputs')
        .values([...chunk])
        .onConflict((oc) => oc.columns(['run_id', 'fingerprint', 'role']).doNothing())
        .execute(),
    )
    await forEachChunk(artifacts, 4, (chunk) =>
      trx
        .insertInto('run_artifacts')
        .values([...chunk])
        .execute(),
    )
    await appendMetrics(trx, metrics)
  })
  return ids
}
