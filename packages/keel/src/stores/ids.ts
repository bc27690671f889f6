/**
 * Sortable identifiers for every stored object (runs, experiments, model versions, alias changes).
 *
 * The format is a UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * created within one millisecond in creation order inside a process, then 62 random bits. Sorting the
 * strings sorts by creation time, so ids double as a stable tie-breaker for cursor pagination, and two
 * processes (or machines) never need to coordinate to avoid collisions.
 */
import { randomBytes } from 'node:crypto'

let lastMs = -1
let counter = 0

/** A new time-ordered UUIDv7 string, e.g. `0190b4a2-5c3e-7a01-9f2b-6d1c8e4a7b30`. */
export const newSortableId = (now: number = Date.now()): string => {
  let ms = Math.max(Math.floor(now), 0)
  if (ms <= lastMs) {
    // Same (or an earlier, if the clock stepped back) millisecond: keep order with the counter, and
    // borrow the next millisecond when the 12-bit counter runs out.
    ms = lastMs
    counter += 1
    if (counter > 0xfff) {
      ms += 1
      counter = 0
    }
  } else {
    // Start each millisecond at a random counter in the lower half so that ids from two processes
    // within one millisecond still interleave unpredictably, with room left to count up.
    counter = randomBytes(2).readUInt16BE(0) & 0x7ff
  }
  lastMs = ms
  const bytes = randomBytes(16)
  bytes.writeUIntBE(ms, 0, 6)
  bytes[6] = 0x70 | (counter >> 8)
  bytes[7] = counter & 0xff
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** True when `s` has the shape of an id made by {@link newSortableId}. */
export const isSortableId = (s: unknown): s is string => typeof s === 'string' && ID_PATTERN.test(s)

/** The creation time (epoch milliseconds) encoded in an id made by {@link newSortableId}. */
export const sortableIdTime = (id: string): number =>
  Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
