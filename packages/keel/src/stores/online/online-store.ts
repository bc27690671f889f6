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
  /** Remove the keys; a key that is absent is ignored. */
  deleteMany(namespace: string, keys: readonly string[]): Promise<void>
  /** Release the connection; later calls fail with UNAVAILABLE. Closing twice is harmless. */
  close(): Promise<void>
}

/** One key and its value. */
export type OnlineEntry = readonly [key: string, value: string]

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
