import { KeelError } from '@keel/core'
import {
  DEFAULT_SCAN_LIMIT,
  matchesScan,
  type EventLog,
  type EventPage,
  type EventScan,
  type KeelEvent,
} from './types.js'

/** An event log kept in memory: for tests and for library use without a workspace. */
export interface MemoryEventLog extends EventLog {
  /** Every stored event in append order (a copy). */
  all(): KeelEvent[]
}

/** Create an in-memory {@link EventLog}. Appends are idempotent by event id, like every backend. */
export const createMemoryEventLog = (): MemoryEventLog => {
  const events: KeelEvent[] = []
  const ids = new Set<string>()
  let closed = false
  const open = (): void => {
    if (closed) throw new KeelError('UNAVAILABLE', 'the event log is closed')
  }
  return {
    backend: 'memory',
    async append(batch) {
      open()
      for (const e of batch) {
        if (ids.has(e.id)) continue
        ids.add(e.id)
        events.push(structuredClone(e))
      }
    },
    async scan(query: EventScan = {}): Promise<EventPage> {
      open()
      const limit = query.limit ?? DEFAULT_SCAN_LIMIT
      const out: KeelEvent[] = []
      let i = query.after === undefined ? 0 : Number(query.after) + 1
      for (; i < events.length && out.length < limit; i++) {
        if (matchesScan(events[i]!, query)) out.push(events[i]!)
      }
      const cursor = i > 0 ? String(i - 1) : (query.after ?? null)
      return { events: out, cursor, done: i >= events.length }
    },
    all: () => events.slice(),
    async close() {
      closed = true
    },
  }
}
