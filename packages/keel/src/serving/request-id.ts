import { randomUUID } from 'node:crypto'

/**
 * A new request id: a UUID version 7 (RFC 9562), the millisecond clock in its first 48 bits and
 * 74 random bits after it. Prediction event ids are `<request id>:<row>` and the event log keeps
 * them in a unique index; time-ordered ids land at the end of that index, where random ones would
 * rewrite a different index page for nearly every event once the log is large. The random bits
 * come from `randomUUID`, which draws from a cached entropy pool, so an id costs little more than
 * a version 4 UUID.
 */
export const newRequestId = (now: number = Date.now()): string => {
  const random = randomUUID()
  const clock = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12)
  // randomUUID gives xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: keep what follows its version digit
  // (12 random bits, the RFC variant and 62 random bits) and put the clock and version 7 before it.
  return `${clock.slice(0, 8)}-${clock.slice(8)}-7${random.slice(15)}`
}
