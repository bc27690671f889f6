/**
 * Views of the experiment tracker, as `keel runs list | show | compare` print them and a library
 * caller reads them: a filtered, ordered page of runs, one run, runs side by side, and a bulk
 * import of complete runs from another tracker.
 */
import { KeelError } from '@keel/core'
import type {
  ImportRunInput,
  KeelStores,
  ReapedRun,
  RunComparison,
  RunPage,
  RunRecord,
} from '../stores/index.js'

type Tracking = Pick<KeelStores, 'tracking'>

/** Which runs {@link listRuns} returns, and in what order. */
export interface ListRunsOptions {
  /** Only runs of this experiment. */
  readonly experiment?: string
  /** e.g. `metrics.test.roc_auc > 0.7 and tags.keel.role = 'candidate'`. */
  readonly filter?: string
  /** e.g. `metrics.test.roc_auc desc` (default: newest first). */
  readonly orderBy?: string
  /** Only runs without a parent. */
  readonly topLevel?: boolean
  /** At most this many runs (1–1000). */
  readonly limit?: number
}

/**
 * One page of runs, filtered and ordered; `nextCursor` says more matched. Runs whose lease expired
 * (a killed `keel train`) are marked `killed` first, and listed in `reaped`.
 */
export const listRuns = async (
  stores: Tracking,
  o: ListRunsOptions = {},
): Promise<RunPage & { readonly reaped: readonly ReapedRun[] }> => {
  const reaped = await stores.tracking.reapStaleRuns()
  const page = await stores.tracking.searchRuns({
    ...(o.experiment ? { experiment: o.experiment } : {}),
    ...(o.filter ? { filter: o.filter } : {}),
    ...(o.orderBy ? { orderBy: o.orderBy } : {}),
    ...(o.topLevel ? { parentRunId: null } : {}),
    ...(o.limit === undefined ? {} : { limit: o.limit }),
  })
  return { ...page, reaped }
}

/**
 * One run with its params, metrics, tags, inputs and artifacts; NOT_FOUND when absent. A run whose
 * lease expired is marked `killed` first (the tag `keel.killed` says why).
 */
export const showRun = async (stores: Tracking, id: string): Promise<RunRecord> => {
  await stores.tracking.reapStaleRuns()
  return stores.tracking.getRun(id)
}

/** Two or more runs side by side: every param, metric and tag, and whether they differ. */
export const compareRuns = async (
  stores: Tracking,
  ids: readonly string[],
): Promise<RunComparison> => {
  if (ids.length < 2)
    throw new KeelError('INVALID_ARGUMENT', 'compare needs at least two run ids', {
      path: ['runs'],
    })
  await stores.tracking.reapStaleRuns()
  return stores.tracking.compareRuns(ids)
}

/** Load complete runs (from another tracker, or a trial batch) in one transaction; their new ids. */
export const importRuns = (
  stores: Tracking,
  runs: readonly ImportRunInput[],
): Promise<readonly string[]> => stores.tracking.importRuns(runs)

/** The metric keys most runs share, `test.*` first: what a list of runs is usually read for. */
export const commonMetricKeys = (runs: readonly RunRecord[], count: number): string[] => {
  const seen = new Map<string, number>()
  for (const r of runs) for (const k of Object.keys(r.metrics)) seen.set(k, (seen.get(k) ?? 0) + 1)
  return [...seen.entries()]
    .sort(
      (a, b) =>
        Number(b[0].startsWith('test.')) - Number(a[0].startsWith('test.')) ||
        b[1] - a[1] ||
        a[0].localeCompare(b[0]),
    )
    .slice(0, count)
    .map(([k]) => k)
}
