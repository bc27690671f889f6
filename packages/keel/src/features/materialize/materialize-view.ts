/**
 * Materialization: a feature view's latest value per key, by the point-in-time rule at time `to`,
 * written into the online store.
 *
 * Incremental (the default): rows known after the stored watermark (and the rows still pending from
 * earlier runs: known before the watermark but with a later event time) are read, the winner per
 * key among those visible at `to` is picked with the rule's order (event time, known time, source
 * order), and written with monotone writes (`setNewer`), so a value never replaces a newer one.
 * The watermark advances to `to` only after every write succeeded: a run killed at any point and
 * run again reads the same rows and writes the same winners, and since monotone writes make a
 * replay harmless, the online state converges to that of an uninterrupted run.
 *
 * Full (`full: true`): a rebuild as of `to`, also to a `to` earlier than what is online (a replay).
 * Monotone writes cannot move a key back in time, so a rebuild compares each key's stored value
 * with its winner at `to` and deletes the key first where the stored one is newer (or where the key
 * has no value visible at `to`). The watermark is reset before the first write and set to `to`
 * after the last, so a rebuild killed half-way leaves no watermark behind and the next run (full
 * or incremental) writes everything again. While a rebuild runs, a key being moved back is briefly
 * missing between its delete and its write. Keys that are in the online store but in no source row
 * at all are left alone (sources do not lose rows).
 *
 * TTL: no store expiry is set. Readers apply the view's TTL from the event time (the same half-open
 * rule as offline), so an entry past its TTL is served as `outside_ttl`, never as present, and an
 * expiry in the store could only turn that status into `not_found`.
 *
 * Memory: one run holds the winner of every key it read (one row per key, not per source row).
 */
import { KeelError } from '@keel/core'
import type { OnlineStore } from '../../stores/online/online-store.js'
import { isAfter } from '../../stores/online/online-store.js'
import type {
  MaterializationState,
  MaterializationStateStore,
} from '../../stores/features/materialization-state-store.js'
import type { ReadViewRows, ViewRowsOptions } from '../api.js'
import type { ResolvedView } from '../definitions.js'
import { decodeFeatureRow, encodeFeatureRow, viewNamespace } from '../online/layout.js'
import { availableAt, newer, type TimedRow } from '../point-in-time.js'

/** Options of {@link materializeView}. */
export interface MaterializeOptions {
  /** The view's source rows (the offline engine, or the feature log for push views). */
  readonly readRows: ReadViewRows
  readonly online: OnlineStore
  readonly state: MaterializationStateStore
  /** The online store's name in the state (default: `online.backend`). */
  readonly target?: string
  /** Rebuild as of `to` instead of continuing from the watermark. */
  readonly full?: boolean
  /**
   * Write the rows known in `(from, to]` (a backfill). The watermark advances only when that range
   * covers what an incremental run would have read; otherwise it is left where it was.
   */
  readonly from?: number
  /** The time the online state is made right for (default `now`). */
  readonly to?: number
  /** The current time (default `Date.now()`): the default `to` and the time recorded in the state. */
  readonly now?: number
  /** Keys per online write (default 5,000). */
  readonly batchSize?: number
  readonly onProgress?: (progress: MaterializeProgressEvent) => void
  /** Stops the run between batches (CANCELLED); what was written stays, the watermark does not move. */
  readonly signal?: AbortSignal
}

/** Reported after each batch read and each batch written. */
export interface MaterializeProgressEvent {
  readonly view: string
  readonly phase: 'read' | 'write'
  readonly rowsRead: number
  /** Keys to write (known once reading is done; 0 before). */
  readonly keysTotal: number
  /** Keys whose write was attempted so far. */
  readonly keysDone: number
  /** Keys the online store took (a monotone write skips a key that already holds a newer value). */
  readonly keysWritten: number
}

/** What a run did. */
export interface MaterializeSummary {
  readonly view: string
  readonly version: string
  readonly target: string
  readonly mode: 'incremental' | 'full' | 'range'
  readonly to: number
  readonly rowsRead: number
  /** Keys with a winner at `to` among the rows read. */
  readonly keys: number
  /** Keys the online store took. */
  readonly keysWritten: number
  /** Keys deleted by a rebuild (stored value newer than the winner at `to`, or no winner). */
  readonly keysCleared: number
  /** The watermark after the run (`null` when none is recorded). */
  readonly watermark: number | null
}

const DEFAULT_BATCH = 5000

const checkTime = (value: number | undefined, field: string): void => {
  if (value !== undefined && !Number.isFinite(value)) {
    throw new KeelError('INVALID_ARGUMENT', `${field} must be a time in epoch ms`, {
      path: [field],
      details: { [field]: value },
    })
  }
}

const cancelled = (view: string, signal: AbortSignal): KeelError =>
  new KeelError('CANCELLED', `materializing ${view} was cancelled`, {
    path: [view],
    cause: signal.reason,
  })

/**
 * Where an incremental run starts reading (exclusive known-time bound): the watermark, or just
 * before the earliest pending row. Reading a row twice is harmless (monotone writes).
 */
export const incrementalStart = (state: MaterializationState | undefined): number | undefined => {
  if (state === undefined || state.watermark === null) return undefined
  return state.pendingKnown === null
    ? state.watermark
    : Math.min(state.watermark, state.pendingKnown - 1)
}

/**
 * Materialize one view into the online store (see the module comment for the modes).
 *
 * @example
 * const summary = await materializeView(view, { readRows, online, state })
 * @throws KeelError INVALID_ARGUMENT for bad times or a `to` before the watermark of an incremental
 *   run; CANCELLED when `signal` aborts; whatever the online store or the reader raise.
 */
export const materializeView = async (
  view: ResolvedView,
  options: MaterializeOptions,
): Promise<MaterializeSummary> => {
  const ref = {
    view: view.name,
    version: view.version,
    target: options.target ?? options.online.backend,
  }
  try {
    return await run(view, options, ref)
  } catch (e) {
    // Recorded for `keel features status`; a cancelled run is not a failure, and a failure to
    // record must not hide the error itself.
    if (!(e instanceof KeelError && (e.code === 'CANCELLED' || e.code === 'INVALID_ARGUMENT'))) {
      const message = e instanceof Error ? e.message : String(e)
      await options.state.fail(ref, message, options.now ?? Date.now()).catch(() => undefined)
    }
    throw e
  }
}

const run = async (
  view: ResolvedView,
  options: MaterializeOptions,
  ref: { readonly view: string; readonly version: string; readonly target: string },
): Promise<MaterializeSummary> => {
  const { readRows, online, state, signal, onProgress } = options
  const now = options.now ?? Date.now()
  const to = options.to ?? now
  checkTime(now, 'now')
  checkTime(to, 'to')
  checkTime(options.from, 'from')
  const batchSize = options.batchSize ?? DEFAULT_BATCH
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new KeelError('INVALID_ARGUMENT', 'batchSize must be a whole number ≥ 1', {
      path: ['batchSize'],
      details: { batchSize },
    })
  }
  const mode = options.full === true ? 'full' : options.from !== undefined ? 'range' : 'incremental'
  const before = await state.get(ref)
  const start = incrementalStart(before)
  if (mode === 'incremental' && before?.watermark != null && to < before.watermark) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `cannot materialize ${view.name}@${view.version} incrementally to ${to}: its watermark in ${ref.target} is already ${before.watermark}`,
      {
        path: ['to'],
        details: { to, watermark: before.watermark },
        hint: 'a full materialization rebuilds the online values as of an earlier time',
      },
    )
  }
  if (to > now) {
    // Rows dated between now and `to` would be served before they happened.
    throw new KeelError(
      'INVALID_ARGUMENT',
      `cannot materialize ${view.name} to ${to}, after now (${now})`,
      {
        path: ['to'],
        details: { to, now },
      },
    )
  }
  if (options.from !== undefined && options.from > to) {
    throw new KeelError('INVALID_ARGUMENT', `from (${options.from}) is after to (${to})`, {
      path: ['from'],
    })
  }

  // Read: the winner per key among rows visible at `to`; rows known by `to` but not yet visible
  // (event time after `to`) are pending for the next run.
  const readOptions: ViewRowsOptions =
    mode === 'full'
      ? {}
      : {
          ...(mode === 'range'
            ? { knownAfter: options.from! }
            : start === undefined
              ? {}
              : { knownAfter: start }),
          knownAtOrBefore: to,
        }
  const winners = new Map<string, TimedRow>()
  const seen = new Set<string>()
  let pendingKnown: number | null = null
  let rowsRead = 0
  const report = (phase: 'read' | 'write', keysDone: number, keysWritten: number): void =>
    onProgress?.({
      view: view.name,
      phase,
      rowsRead,
      keysTotal: phase === 'read' ? 0 : winners.size + (mode === 'full' ? seen.size : 0),
      keysDone,
      keysWritten,
    })
  for await (const batch of readRows(view, readOptions)) {
    if (signal?.aborted) throw cancelled(view.name, signal)
    for (const row of batch) {
      rowsRead += 1
      if (row.key === null) continue
      if (row.knownTime > to) {
        seen.add(row.key)
        continue
      }
      if (availableAt(row) > to) {
        pendingKnown = pendingKnown === null ? row.knownTime : Math.min(pendingKnown, row.knownTime)
        seen.add(row.key)
        continue
      }
      const best = winners.get(row.key)
      if (best === undefined || newer(row, best)) winners.set(row.key, row)
    }
    report('read', 0, 0)
  }
  for (const key of winners.keys()) seen.delete(key)

  if (mode === 'full') await state.reset(ref, now)
  const ns = viewNamespace(view)
  const written = { done: 0, taken: 0, cleared: 0 }
  const keys = [...winners.keys(), ...(mode === 'full' ? seen : [])]
  for (let i = 0; i < keys.length; i += batchSize) {
    if (signal?.aborted) throw cancelled(view.name, signal)
    const slice = keys.slice(i, i + batchSize)
    const entries = slice.flatMap((key) => {
      const w = winners.get(key)
      return w === undefined
        ? []
        : [
            encodeFeatureRow(key, {
              eventTime: w.eventTime,
              knownTime: w.knownTime,
              values: w.values,
            }),
          ]
    })
    if (mode === 'full') written.cleared += await clearNewer(online, ns, slice, entries, now)
    written.taken += await online.setNewer(ns, entries)
    written.done += slice.length
    report('write', written.done, written.taken)
  }

  let watermark = before?.watermark ?? null
  const covers =
    mode === 'full' ||
    (mode === 'incremental' && (before?.watermark == null || to >= before.watermark)) ||
    (mode === 'range' &&
      before?.watermark != null &&
      options.from! <= start! &&
      to >= before.watermark)
  if (covers) {
    if (signal?.aborted) throw cancelled(view.name, signal)
    const after = await state.advance(ref, {
      watermark: to,
      pendingKnown:
        mode === 'range' && before?.pendingKnown != null
          ? Math.min(before.pendingKnown, pendingKnown ?? Infinity)
          : pendingKnown,
      rowsWritten: written.taken,
      at: now,
    })
    watermark = after.watermark
  }
  return {
    view: view.name,
    version: view.version,
    target: ref.target,
    mode,
    to,
    rowsRead,
    keys: winners.size,
    keysWritten: written.taken,
    keysCleared: written.cleared,
    watermark,
  }
}

/**
 * A rebuild's first step for one batch: delete the keys whose stored value the batch's monotone
 * write would not replace but should (stored newer than, or tied with but unlike, the winner), and
 * the keys with no winner at all. Returns how many were deleted.
 */
const clearNewer = async (
  online: OnlineStore,
  ns: string,
  keys: readonly string[],
  entries: readonly (readonly [string, string, number, number])[],
  now: number,
): Promise<number> => {
  const stored = await online.getMany(ns, keys, { now })
  const wanted = new Map(entries.map((e) => [e[0], e]))
  const stale: string[] = []
  keys.forEach((key, i) => {
    const raw = stored[i]
    if (raw === undefined) return
    const entry = wanted.get(key)
    if (entry === undefined) {
      stale.push(key)
      return
    }
    if (raw === entry[1]) return
    const row = decodeFeatureRow(raw, ns)
    if (!isAfter(entry[2], entry[3], row.eventTime, row.knownTime)) stale.push(key)
  })
  if (stale.length > 0) await online.deleteMany(ns, stale)
  return stale.length
}
