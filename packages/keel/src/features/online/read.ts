import { isKeelError, KeelError } from '@keel/core'
import type { OnlineRef, OnlineStore } from '../../stores/online/online-store.js'
import type { OnlineFeatureReader, OnlineLookups } from '../api.js'
import { entityKeyText, type ResolvedService, type ServiceView } from '../definitions.js'
import type { LookedUp } from '../point-in-time.js'
import { decodeFeatureRow, viewNamespace, type StoredFeatureRow } from './layout.js'

const NOT_FOUND: LookedUp = Object.freeze({
  status: 'not_found',
  values: null,
  eventTime: null,
  knownTime: null,
})

/**
 * The point-in-time rule applied to the one row the online store holds for a key: the stored row
 * is the newest written, so it is the winner at `now` once it is available (max(event, known) ≤
 * now); a row not yet available is `not_found` (the store keeps no older value to fall back on).
 * Its TTL is half-open, as offline: present while now < eventTime + ttl, else `outside_ttl`.
 */
export const lookedUpAt = (
  stored: StoredFeatureRow | undefined,
  ttlMs: number | null,
  now: number,
): LookedUp => {
  if (stored === undefined) return NOT_FOUND
  const { eventTime, knownTime } = stored
  if (Math.max(eventTime, knownTime) > now) return NOT_FOUND
  if (ttlMs !== null && now >= eventTime + ttlMs) {
    return { status: 'outside_ttl', values: null, eventTime, knownTime }
  }
  return { status: 'present', values: stored.values, eventTime, knownTime }
}

/** A request row's key for one service view, as text; a key of the wrong type names the column. */
const keyOf = (
  sv: ServiceView,
  row: Readonly<Record<string, unknown>>,
  r: number,
): string | null => {
  try {
    return entityKeyText(sv.view.entity, row[sv.key])
  } catch (e) {
    if (!isKeelError(e)) throw e
    throw new KeelError('INVALID_ARGUMENT', `column "${sv.key}" of row ${r}: ${e.message}`, {
      path: [r, sv.key],
      details: { view: sv.view.name, entity: sv.view.entity.name },
    })
  }
}

/** The store references of one request: per view, per row, the index into `refs` (-1: no key). */
export interface RequestRefs {
  readonly refs: readonly OnlineRef[]
  readonly at: readonly Int32Array[]
}

/**
 * The (namespace, key) pairs a request reads, every view of every row: the keys from each view's
 * request column as text. A key of the wrong type is `INVALID_ARGUMENT` with path `[row, column]`;
 * a null or absent key reads nothing (it is `not_found`).
 */
export const requestRefs = (
  service: ResolvedService,
  rows: readonly Readonly<Record<string, unknown>>[],
): RequestRefs => {
  const refs: OnlineRef[] = []
  const at = service.views.map((sv) => {
    const ns = viewNamespace(sv.view)
    const idx = new Int32Array(rows.length)
    for (let r = 0; r < rows.length; r++) {
      const key = keyOf(sv, rows[r]!, r)
      idx[r] = key === null ? -1 : refs.push([ns, key]) - 1
    }
    return idx
  })
  return { refs, at }
}

/**
 * Read a request's references in one `getAcross` round trip and apply the rule of
 * {@link lookedUpAt} to each row at its own time: `times` is one time for every row (a live
 * request) or one per row (a replay whose rows carry their event times).
 */
export const readRequestRefs = async (
  store: OnlineStore,
  service: ResolvedService,
  request: RequestRefs,
  times: number | readonly number[],
): Promise<OnlineLookups> => {
  const { refs, at } = request
  const n = at[0]?.length ?? 0
  // The store's own expiry (entries written with a TTL) is checked at the earliest request time,
  // which keeps every entry any row may see; the view's TTL is then applied per row below.
  const earliest = typeof times === 'number' ? times : Math.min(...times)
  const raw = refs.length === 0 ? [] : await store.getAcross(refs, { now: earliest })
  return service.views.map((sv, v) => {
    const idx = at[v]!
    const out = new Array<LookedUp>(n)
    for (let r = 0; r < n; r++) {
      const i = idx[r]!
      const text = i < 0 ? undefined : raw[i]
      const stored = text === undefined ? undefined : decodeFeatureRow(text, refs[i]![0])
      out[r] = lookedUpAt(stored, sv.view.ttlMs, typeof times === 'number' ? times : times[r]!)
    }
    return out
  })
}

/**
 * Online reads from `store`: every (view, key) pair of a request in one `getAcross` round trip,
 * then the rule of {@link lookedUpAt} at `now`. Rows whose key is null or absent are `not_found`
 * without a read; a key of the wrong type is `INVALID_ARGUMENT` naming the request column.
 *
 * @example
 * const read = createOnlineFeatureReader(store)
 * const [origin] = await read(service, [{ origin: 'ATL' }], Date.now())
 * origin[0].status // 'present' | 'not_found' | 'outside_ttl'
 */
export const createOnlineFeatureReader =
  (store: OnlineStore): OnlineFeatureReader =>
  async (service, rows, now) =>
    readRequestRefs(store, service, requestRefs(service, rows), now)
