import { KeelError } from '@keel/core'

/**
 * The online key-value store: the latest value per key, read at serving time in batches. Online
 * feature rows (one entry per entity key of a feature view) and precomputed predictions live here,
 * each client under its own namespace. Values are strings: JSON for both clients, stored as is by
 * every backend. Backends: memory, SQLite (embedded), Redis (scale-out).
 *
 * An entry written with a TTL at time `now` is visible to reads at times before `now + ttlMs` and
 * missing from then on, on every backend alike: the expiry is kept with the value and checked on
 * read against the reader's `now`, so tests can pass explicit times instead of sleeping.
 */
export interface OnlineStore {
  readonly backend: string
  /** The live value per key (`undefined` for a miss or an expired entry), in the order asked. */
  getMany(
    namespace: string,
    keys: readonly string[],
    options?: OnlineReadOptions,
  ): Promise<(string | undefined)[]>
  /** Write every entry (replacing what a key held) in one batch. */
  setMany(
    namespace: string,
    entries: readonly OnlineEntry[],
    options?: OnlineWriteOptions,
  ): Promise<void>
  /**
   * The live value of each `[namespace, key]` pair, in the order asked, in one round trip (a
   * predict request reads every feature view of its service at once).
   */
  getAcross(
    refs: readonly OnlineRef[],
    options?: OnlineReadOptions,
  ): Promise<(string | undefined)[]>
  /**
   * Monotone writes: each entry replaces what its key holds only if its order `[eventTime,
   * knownTime]` is greater (lexicographically) than the stored entry's, or the key holds nothing
   * live. An older or equal order never overwrites, so replaying writes in any order converges to
   * the same state. Atomic per entry; entries apply in the order given. Returns how many were
   * written. Keys written by {@link setMany} have no order and are always replaced.
   */
  setNewer(
    namespace: string,
    entries: readonly OrderedEntry[],
    options?: OnlineWriteOptions,
  ): Promise<number>
  /** Remove the keys; a key that is absent is ignored. */
  deleteMany(namespace: string, keys: readonly string[]): Promise<void>
  /** Release the connection; later calls fail with UNAVAILABLE. Closing twice is harmless. */
  close(): Promise<void>
}

/** One key and its value. */
export type OnlineEntry = readonly [key: string, value: string]

/** A key in a namespace. */
export type OnlineRef = readonly [namespace: string, key: string]

/** A key, its value, and the order a monotone write compares: event time, then known time. */
export type OrderedEntry = readonly [
  key: string,
  value: string,
  eventTime: number,
  knownTime: number,
]

/** True when order `(e1, k1)` is strictly after `(e2, k2)`. */
export const isAfter = (e1: number, k1: number, e2: number, k2: number): boolean =>
  e1 !== e2 ? e1 > e2 : k1 > k2

/** Options of {@link OnlineStore.getMany}. */
export interface OnlineReadOptions {
  /** The time of the read (epoch ms), default `Date.now()`. */
  readonly now?: number
}

/** Options of {@link OnlineStore.setMany}. */
export interface OnlineWriteOptions {
  /** Entries expire this long after `now` (ms, > 0); absent means never. */
  readonly ttlMs?: number
  /** The time of the write (epoch ms), default `Date.now()`. */
  readonly now?: number
}

const NAMESPACE_PATTERN = /^[A-Za-z0-9_.@-]{1,128}$/

/**
 * Validate a namespace. Backends join it to the key with `:`, so it may not contain one (two
 * namespaces could otherwise share keys).
 */
export const checkNamespace = (namespace: string): string => {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `online-store namespace "${namespace}" must be 1-128 letters, digits, "_", ".", "@" or "-"`,
      { path: ['namespace'] },
    )
  }
  return namespace
}

/** When entries written with `options` expire (epoch ms), or `null` for never. */
export const expiryOf = (options: OnlineWriteOptions = {}): number | null => {
  const { ttlMs } = options
  if (ttlMs === undefined) return null
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new KeelError('INVALID_ARGUMENT', `an online-store TTL must be a positive number of ms`, {
      path: ['ttlMs'],
      details: { ttlMs },
    })
  }
  return Math.ceil((options.now ?? Date.now()) + ttlMs)
}

/** Whether an entry expiring at `expiresAt` is still visible at `now`. */
export const isLive = (expiresAt: number | null, now: number): boolean =>
  expiresAt === null || now < expiresAt

/** The error every backend raises once closed. */
export const closedError = (): KeelError =>
  new KeelError('UNAVAILABLE', 'the online store is closed')
