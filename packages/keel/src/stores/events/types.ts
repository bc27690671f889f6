import type { PredictionRecord } from '@keel/core'

/**
 * The key of the thing a prediction is about (a flight, a user, a card), as plain scalar fields,
 * e.g. `{ carrier: 'AA', flight: 100, date: '2001-01-03' }`. Natural labels that arrive later carry
 * the same key, which is how they find their prediction when no request id travels with them.
 */
export type EntityKey = Readonly<Record<string, string | number | boolean>>

/** One served feature value: the value, its status, and when it happened and became known. */
export interface ServedFeature {
  readonly value: string | number | boolean | null
  /** `present`, `null`, `not_found` or `outside_ttl` (see the feature store). */
  readonly status: 'present' | 'null' | 'not_found' | 'outside_ttl'
  readonly eventTime?: number
  readonly knownTime?: number
}

/** The feature service a prediction was served with, and each value it fetched. */
export interface ServedFeatures {
  readonly service: string
  readonly version: string
  /** When the values were read (the request time the point-in-time rule was applied at). */
  readonly at: number
  readonly values: Readonly<Record<string, ServedFeature>>
}

/** The value of a label: a class name, a regression target, or a yes/no outcome. */
export type LabelValue = string | number | boolean

/**
 * One served prediction, as logged. The prediction id is `<request id>:<row>`, so a client that
 * holds the response can send feedback for exactly one row later.
 */
export interface PredictionEvent {
  readonly kind: 'prediction'
  /** `<request id>:<row index>`; unique across the log. */
  readonly id: string
  readonly requestId: string
  /** When the prediction was made (epoch milliseconds). */
  readonly time: number
  /**
   * When the service received it, present only when a trusted client supplied `time` (a replay or
   * a backfill; see the service's `times` field).
   */
  readonly receivedAt?: number
  readonly model: string
  /** The bundle version that answered. */
  readonly version: string
  readonly entity?: EntityKey
  /**
   * The input row as the model read it: the bundle's declared input fields only (the service drops
   * fields the model does not declare). `{}` when the inputs were over the log's byte bound.
   */
  readonly inputs: Readonly<Record<string, unknown>>
  /** Present when the inputs were over the byte bound and replaced by `{}`: their JSON size and field count. */
  readonly inputsTruncated?: { readonly bytes: number; readonly fields: number }
  /** How many fields of the received row were not declared inputs (and so not logged). */
  readonly droppedFields?: number
  readonly output: PredictionRecord
  /**
   * The feature values the service fetched for this prediction (from the online store, and the
   * on-demand features computed from them), with their status and times: what the row-level
   * online/offline consistency check compares against the offline point-in-time values.
   */
  readonly features?: ServedFeatures
  /** Which path made it: the HTTP service, a batch job or a library call. */
  readonly source?: 'http' | 'batch' | 'library'
}

/**
 * A label that arrived after its prediction: either for a known prediction (`predictionId`) or for
 * an entity at a time (`entity` + `eventTime`), the natural-label case of the feedback loop.
 */
export interface LabelEvent {
  readonly kind: 'label'
  /** Unique id of this label event. */
  readonly id: string
  /** When the label arrived (epoch milliseconds). */
  readonly time: number
  /** When the service received it, present only when the feedback supplied `time` (a replay). */
  readonly receivedAt?: number
  /** A prediction id `<request id>:<row>`, or a bare request id for a one-row request. */
  readonly predictionId?: string
  readonly entity?: EntityKey
  /** When the labelled outcome happened (epoch milliseconds); required with `entity`. */
  readonly eventTime?: number
  /** Restricts an entity join to one model's predictions. */
  readonly model?: string
  readonly label: LabelValue
}

/** Anything the event log holds. */
export type KeelEvent = PredictionEvent | LabelEvent

/** The two kinds of event. */
export type EventKind = KeelEvent['kind']

/** Which events a scan returns; every bound is optional. */
export interface EventScan {
  /** Only events with `time >= from` (epoch ms). */
  readonly from?: number
  /** Only events with `time < to` (epoch ms). */
  readonly to?: number
  readonly kinds?: readonly EventKind[]
  /** Only prediction events of this model (label events pass unless they name another model). */
  readonly model?: string
  /** Continue after this cursor (from a previous page). */
  readonly after?: string
  /** Page size; defaults to 1000. */
  readonly limit?: number
  /** Also return each event's position in the log (what {@link EventLog.remove} takes). */
  readonly withPositions?: boolean
}

/** One page of a scan, in append order. */
export interface EventPage {
  readonly events: readonly KeelEvent[]
  /**
   * Where this page stopped: pass it as `after` to continue, now or later (a consumer that tails the
   * log keeps it between polls). `null` only when nothing was examined and no `after` was given.
   */
  readonly cursor: string | null
  /** True when the scan reached the end of the log as it was at the time of the call. */
  readonly done: boolean
  /** With `withPositions`: the position of each event of `events`, in the same order. */
  readonly positions?: readonly string[]
}

/** Why events are removed: retention is the only deleter, and each removal says what it did. */
export interface RemovalNote {
  /** When the retention run started (epoch ms). */
  readonly at: number
  /** The retention policy, as text (`max-age 30d, max-bytes 5GB, label horizon 30d`). */
  readonly policy: string
  /** Where the removed events were archived, if they were. */
  readonly archive?: string
}

/**
 * The append-only log of predictions and labels (events leave it only through retention). Backends: SQLite (embedded default) and NATS
 * JetStream (scale-out); one conformance suite runs against both.
 *
 * `append` resolves only once the events are durable in the backend ("acknowledged"); appending the
 * same event id twice stores it once, so a retry after an unknown outcome never duplicates.
 */
export interface EventLog {
  /** A short name for logs and metrics, e.g. `sqlite` or `nats`. */
  readonly backend: string
  append(events: readonly KeelEvent[]): Promise<void>
  scan(query?: EventScan): Promise<EventPage>
  /** Bytes the log's events take in the backend (approximately: pages or stream bytes in use). */
  usedBytes(): Promise<number>
  /**
   * Remove the events at `positions` (from a scan with `withPositions`); positions no longer in
   * the log are ignored. Only retention (`pruneEvents`) calls it; the SQLite log records every
   * removal and refuses deletes made any other way. Resolves with the number of events removed.
   */
  remove(positions: readonly string[], note: RemovalNote): Promise<number>
  close(): Promise<void>
}

/** The default page size of a scan. */
export const DEFAULT_SCAN_LIMIT = 1000

/** True when `e` passes the filters of `q` (the cursor and limit are the backend's business). */
export const matchesScan = (e: KeelEvent, q: EventScan): boolean => {
  if (q.from !== undefined && e.time < q.from) return false
  if (q.to !== undefined && e.time >= q.to) return false
  if (q.kinds && !q.kinds.includes(e.kind)) return false
  if (q.model !== undefined && e.model !== undefined && e.model !== q.model) return false
  return true
}

/** Every event matching `query`, page by page, as one stream. */
export async function* readEvents(
  log: EventLog,
  query: Omit<EventScan, 'after'> = {},
): AsyncGenerator<KeelEvent> {
  let after: string | undefined
  for (;;) {
    const page = await log.scan(after === undefined ? query : { ...query, after })
    yield* page.events
    if (page.done || page.cursor === null) return
    after = page.cursor
  }
}
