import { KeelError } from '@keel/core'
import {
  DEFAULT_SCAN_LIMIT,
  matchesScan,
  type EventLog,
  type EventPage,
  type EventScan,
  type KeelEvent,
  type RemovalNote,
} from './types.js'

/** An event log kept in memory: for tests and for library use without a workspace. */
export interface MemoryEventLog extends EventLog {
  /** Every stored event in append order (a copy). */
  all(): KeelEvent[]
  /** Every removal retention made, oldest first. */
  removals(): (RemovalNote & { readonly removed: number })[]
}

interface Entry {
  readonly seq: number
  readonly event: KeelEvent
  readonly bytes: number
}

/** Create an in-memory {@link EventLog}. Appends are idempotent by event id, like every backend. */
export const createMemoryEventLog = (): MemoryEventLog => {
  // Positions and cursors are sequence numbers that never change, so a removal keeps them valid.
  let entries: Entry[] = []
  let nextSeq = 1
  let bytes = 0
  const ids = new Set<string>()
  const removals: (RemovalNote & { removed: number })[] = []
  let closed = false
  const open = (): void => {
    if (closed) throw new KeelError('UNAVAILABLE', 'the event log is closed')
  }
  /** Index of the first entry with `seq > after`. */
  const firstAfter = (after: number): number => {
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (entries[mid]!.seq <= after) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return {
    backend: 'memory',
    async append(batch) {
      open()
      for (const e of batch) {
        if (ids.has(e.id)) continue
        ids.add(e.id)
        const size = Buffer.byteLength(JSON.stringify(e))
        entries.push({ seq: nextSeq++, event: structuredClone(e), bytes: size })
        bytes += size
      }
    },
    async scan(query: EventScan = {}): Promise<EventPage> {
      open()
      const limit = query.limit ?? DEFAULT_SCAN_LIMIT
      const out: KeelEvent[] = []
      const positions: string[] = []
      let i = query.after === undefined ? 0 : firstAfter(Number(query.after))
      let last: number | undefined
      for (; i < entries.length && out.length < limit; i++) {
        const { seq, event } = entries[i]!
        last = seq
        if (!matchesScan(event, query)) continue
        out.push(event)
        positions.push(String(seq))
      }
      const cursor = last !== undefined ? String(last) : (query.after ?? null)
      const page = { events: out, cursor, done: i >= entries.length }
      return query.withPositions ? { ...page, positions } : page
    },
    async usedBytes() {
      open()
      return bytes
    },
    async remove(positions, note) {
      open()
      const gone = new Set(positions.map(Number))
      const kept: Entry[] = []
      let removed = 0
      for (const entry of entries) {
        if (!gone.has(entry.seq)) {
          kept.push(entry)
          continue
        }
        removed++
        bytes -= entry.bytes
      }
      entries = kept
      removals.push({ ...note, removed })
      return removed
    },
    all: () => entries.map((e) => e.event),
    removals: () => removals.slice(),
    async close() {
      closed = true
    },
  }
}
