/** `compareRuns`: runs side by side, one row per key, with a flag for keys whose values differ. */
import { KeelError } from '@keel/core'
import type { MetadataStore } from '../metadata/open.js'
import { recordsByIds } from './run-rows.js'
import type { ComparedValue, RunComparison, RunRecord } from './types.js'

/** Most runs one comparison takes (a UI table wider than this is not read by anyone). */
export const MAX_COMPARED_RUNS = 100

const sideBySide = <T>(
  runs: readonly RunRecord[],
  pick: (r: RunRecord) => Readonly<Record<string, T>>,
): ComparedValue<T>[] => {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort()
  return keys.map((key) => {
    const values = runs.map((r) => (Object.hasOwn(pick(r), key) ? (pick(r)[key] as T) : null))
    const differs = values.some((v) => v !== values[0])
    return { key, values, differs }
  })
}

/** Compare runs; NOT_FOUND names the first id that does not exist. */
export const compareRuns = async (
  store: MetadataStore,
  runIds: readonly string[],
): Promise<RunComparison> => {
  if (runIds.length === 0 || runIds.length > MAX_COMPARED_RUNS) {
    throw new KeelError('INVALID_ARGUMENT', `compare 1–${MAX_COMPARED_RUNS} runs`, {
      path: ['runIds'],
    })
  }
  const runs = await recordsByIds(store.db, runIds)
  const missing = runIds.find((id) => !runs.some((r) => r.id === id))
  if (missing !== undefined) {
    throw new KeelError('NOT_FOUND', `run ${missing} does not exist`, { path: ['runIds'] })
  }
  const ordered = runIds.map((id) => runs.find((r) => r.id === id) as RunRecord)
  return {
    runs: ordered.map((r) => ({
      id: r.id,
      name: r.name,
      experimentName: r.experimentName,
      status: r.status,
    })),
    params: sideBySide(ordered, (r) => r.params),
    metrics: sideBySide(ordered, (r) => r.metrics),
    tags: sideBySide(ordered, (r) => r.tags),
  }
}
