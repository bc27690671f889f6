/**
 * {@link FeatureLogStore} on the metadata database. An append is one transaction of multi-row
 * inserts; a read pages through the view's rows by sequence number (keyset pagination on the
 * `(view, seq)` index), so a long read holds no transaction open and memory stays one batch.
 *
 * On PostgreSQL, sequence numbers are handed out before commit: a read running while another push
 * commits can miss that push's rows if their numbers fall behind the page it is on. Readers that
 * go by known time (materialization, training) re-read from a known-time bound, so such a row is
 * seen by the next read.
 */
import { KeelError } from '@keel/core'
import type { FeatureValue } from '../../features/definitions.js'
import type { MetadataStore } from '../metadata/open.js'
import type { FeatureLogRow, FeatureLogStore, LoggedFeatureRow } from './feature-log-store.js'

/** Rows per INSERT statement (SQLite allows 32,766 bound parameters; 5 per row). */
const INSERT_CHUNK = 1000

const checkRow = (row: FeatureLogRow, i: number): void => {
  const bad = (field: string, message: string): KeelError =>
    new KeelError('INVALID_ARGUMENT', `feature log row ${i}: ${message}`, {
      path: ['rows', i, field],
    })
  if (typeof row.key !== 'string') throw bad('key', 'the key must be text')
  if (!Number.isFinite(row.eventTime)) throw bad('eventTime', 'the event time must be epoch ms')
  if (!Number.isFinite(row.knownTime)) throw bad('knownTime', 'the known time must be epoch ms')
  if (typeof row.values !== 'object' || row.values === null || Array.isArray(row.values))
    throw bad('values', 'values must be an object of feature values')
}

const checkView = (view: string): void => {
  if (typeof view !== 'string' || view === '' || view.length > 128) {
    throw new KeelError('INVALID_ARGUMENT', 'a feature log view name must be 1-128 characters', {
      path: ['view'],
      details: { view },
    })
  }
}

/** The feature log on a metadata store. */
export const createSqlFeatureLogStore = (metadata: MetadataStore): FeatureLogStore => ({
  async append(view, rows) {
    checkView(view)
    rows.forEach(checkRow)
    if (rows.length === 0) return []
    return metadata.transaction(async (trx) => {
      const seqs: number[] = []
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK)
        const inserted = await trx
          .insertInto('feature_log')
          .values(
            chunk.map((r) => ({
              view,
              entity_key: r.key,
              event_time: r.eventTime,
              known_time: r.knownTime,
              values_json: JSON.stringify(r.values),
            })),
          )
          .returning('seq')
          .execute()
        // RETURNING order follows the VALUES order on both engines for a plain insert; sorting
        // makes that independent of the engine (numbers within one statement increase).
        seqs.push(...inserted.map((r) => Number(r.seq)).sort((a, b) => a - b))
      }
      return seqs
    })
  },

  async *read(view, options = {}) {
    checkView(view)
    const batchSize = options.batchSize ?? 5000
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new KeelError('INVALID_ARGUMENT', 'batchSize must be a whole number ≥ 1', {
        path: ['batchSize'],
        details: { batchSize },
      })
    }
    let after = -1
    for (;;) {
      let q = metadata.db
        .selectFrom('feature_log')
        .selectAll()
        .where('view', '=', view)
        .where('seq', '>', after)
      if (options.knownAfter !== undefined) q = q.where('known_time', '>', options.knownAfter)
      if (options.knownAtOrBefore !== undefined)
        q = q.where('known_time', '<=', options.knownAtOrBefore)
      const rows = await q.orderBy('seq').limit(batchSize).execute()
      if (rows.length === 0) return
      const batch: LoggedFeatureRow[] = rows.map((r) => ({
        seq: Number(r.seq),
        key: r.entity_key,
        eventTime: Number(r.event_time),
        knownTime: Number(r.known_time),
        values: parseValues(r.values_json, view, Number(r.seq)),
      }))
      after = batch[batch.length - 1]!.seq
      yield batch
      if (rows.length < batchSize) return
    }
  },
})

const parseValues = (json: string, view: string, seq: number): Record<string, FeatureValue> => {
  try {
    const v = JSON.parse(json) as unknown
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, FeatureValue>
  } catch {
    // fall through
  }
  throw new KeelError('ARTIFACT_CORRUPT', `feature log row ${seq} of ${view} is not readable`, {
    path: ['feature_log', view, seq],
  })
}
