/**
 * Pushing feature values: a streaming producer sends rows of a push view; they are checked, appended
 * to the offline feature log (so training sees them, each from its known time) and then written
 * online with monotone writes.
 *
 * The log comes first: if the online write then fails, the values are still recorded and the next
 * materialization of the view (which reads the log) writes them; a retried push appends the rows
 * again, which changes nothing (an identical later row wins with the same values). Only rows visible
 * at the push time (event and known time at or before `now`) are written online; a row dated in the
 * future stays in the log until a materialization at or after its time writes it, so no reader is
 * served a value before it happened.
 */
import { KeelError } from '@keel/core'
import type { FeatureLogStore } from '../../stores/features/feature-log-store.js'
import type { OnlineStore } from '../../stores/online/online-store.js'
import type { ReadViewRows } from '../api.js'
import type { ResolvedView } from '../definitions.js'
import { encodeFeatureRow, viewNamespace } from '../online/layout.js'
import { availableAt, newer, type TimedRow } from '../point-in-time.js'
import { checkPushView, validatePushRows } from './validate-push.js'

/** Where pushed values go. */
export interface PushOptions {
  readonly online: OnlineStore
  readonly log: FeatureLogStore
  /** The push time (default `Date.now()`): the known time of rows that do not give one. */
  readonly now?: number
}

/** What a push did. */
export interface PushSummary {
  readonly view: string
  readonly version: string
  /** Rows appended to the feature log. */
  readonly rows: number
  /** Keys the online store took (a monotone write skips a key holding a newer value). */
  readonly keysWritten: number
  /** Rows not yet visible at the push time, left for materialization. */
  readonly deferred: number
}

/**
 * Push rows to a push view: all of them are checked before anything is written, appended to the
 * feature log in one transaction, then the newest visible row per key is written online.
 *
 * @example
 * await pushFeatures(view, [{ flight: 42, event_time: '2026-06-01T10:00:00Z', delay: 12 }], { online, log })
 * @throws KeelError INVALID_ARGUMENT naming the row index and field (a key of the wrong type, a
 *   missing or unreadable event time, an unknown feature, a value of the wrong type) or a view that
 *   does not take pushes; nothing is written then.
 */
export const pushFeatures = async (
  view: ResolvedView,
  rows: readonly unknown[],
  options: PushOptions,
): Promise<PushSummary> => {
  const now = options.now ?? Date.now()
  if (!Number.isFinite(now)) {
    throw new KeelError('INVALID_ARGUMENT', 'now must be a time in epoch ms', { path: ['now'] })
  }
  const checked = validatePushRows(view, rows, now)
  const seqs = await options.log.append(view.name, checked)
  const latest = new Map<string, TimedRow>()
  let deferred = 0
  checked.forEach((r, i) => {
    const row: TimedRow = { ...r, order: seqs[i]! }
    if (availableAt(row) > now) {
      deferred += 1
      return
    }
    const best = latest.get(r.key)
    if (best === undefined || newer(row, best)) latest.set(r.key, row)
  })
  const keysWritten =
    latest.size === 0
      ? 0
      : await options.online.setNewer(
          viewNamespace(view),
          [...latest].map(([key, r]) =>
            encodeFeatureRow(key, {
              eventTime: r.eventTime,
              knownTime: r.knownTime,
              values: r.values,
            }),
          ),
        )
  return { view: view.name, version: view.version, rows: checked.length, keysWritten, deferred }
}

/**
 * A push view's rows read back from the feature log, as the offline engine and materialization
 * read a source: {@link TimedRow}s in append order (`order` is the log's sequence number).
 */
export const pushedRowsReader = (log: FeatureLogStore, batchSize?: number): ReadViewRows =>
  async function* (view, options = {}) {
    checkPushView(view)
    for await (const batch of log.read(view.name, {
      ...options,
      ...(batchSize === undefined ? {} : { batchSize }),
    })) {
      yield batch.map((r) => ({
        key: r.key,
        eventTime: r.eventTime,
        knownTime: r.knownTime,
        values: r.values,
        order: r.seq,
      }))
    }
  }

/**
 * One reader for every view: push views from the feature log, the others from `readRows` (the
 * offline engine). What materializing a whole service needs.
 */
export const withPushedRows =
  (readRows: ReadViewRows, log: FeatureLogStore): ReadViewRows =>
  (view, options) =>
    view.source.kind === 'push' ? pushedRowsReader(log)(view, options) : readRows(view, options)
