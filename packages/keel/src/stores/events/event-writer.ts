import type { Logger } from 'pino'
import type { EventLog, KeelEvent } from './types.js'

/** What to do with a new event when the buffer is full. */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest'

/** Something an operator should know about the prediction log. */
export interface EventLogAlert {
  readonly kind: 'events_dropped' | 'sink_failing' | 'sink_recovered'
  readonly message: string
  /** Events dropped since the previous `events_dropped` alert. */
  readonly dropped?: number
  readonly totalDropped: number
  readonly reason?: 'buffer_full' | 'shutdown'
  readonly error?: string
}

/** Options of {@link createEventWriter}. */
export interface EventWriterOptions {
  /** Most events held in memory, in flight included (default 100 000). */
  readonly capacity?: number
  /** Most events per append (default 1000). */
  readonly batchSize?: number
  /** Longest an event waits in the buffer before a flush starts (ms, default 50). */
  readonly flushIntervalMs?: number
  readonly overflow?: OverflowPolicy
  /** Backoff between failed appends: doubles from `initialMs` up to `maxMs` (default 50 → 5000). */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number }
  /** Called for every alert (already rate-limited), besides the log line. */
  readonly onAlert?: (alert: EventLogAlert) => void
  readonly logger?: Logger
  /** Shortest time between two `events_dropped` alerts (ms, default 1000); drops in between add up. */
  readonly alertIntervalMs?: number
}

/** Counters of an {@link EventWriter}, for `/metrics`. */
export interface EventWriterStats {
  /** Events buffered or in flight. */
  readonly depth: number
  readonly capacity: number
  /** Events the log acknowledged. */
  readonly written: number
  /** Events dropped (buffer full or not flushed at shutdown); every one was alerted. */
  readonly dropped: number
  /** Failed append attempts. */
  readonly failures: number
  /** True while the sink is failing. */
  readonly failing: boolean
}

/**
 * Writes events to an {@link EventLog} off the response path: `push` only buffers, flushes run in
 * the background in batches, and a failing sink is retried with exponential backoff while the
 * buffer absorbs the outage. When the buffer is full, events are dropped by the overflow policy,
 * counted and reported through the alert hook and the logger: never silently.
 */
export interface EventWriter {
  readonly log: EventLog
  /** Buffer events; returns how many were accepted (the rest were dropped and counted). */
  push(events: readonly KeelEvent[]): number
  /**
   * Buffer events and flush at once; resolves when the log has acknowledged every one of them
   * (durable mode). Events pushed while an append is in flight go together in the next one, so
   * concurrent callers share appends (group commit). Rejects when an event is dropped (buffer full,
   * shutdown) or not acknowledged within `timeoutMs` (it may still be stored later).
   */
  pushDurable(events: readonly KeelEvent[], timeoutMs?: number): Promise<void>
  stats(): EventWriterStats
  /** Write out everything buffered; resolves true when the buffer is empty, false at the deadline. */
  flush(timeoutMs?: number): Promise<boolean>
  /** Flush (until the deadline), count what is left as dropped, and close the log. */
  close(timeoutMs?: number): Promise<void>
}

/** Create an {@link EventWriter} over `log`. */
export const createEventWriter = (log: EventLog, options: EventWriterOptions = {}): EventWriter => {
  const capacity = Math.max(1, options.capacity ?? 100_000)
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  const flushIntervalMs = options.flushIntervalMs ?? 50
  const overflow = options.overflow ?? 'drop-newest'
  const initialBackoff = options.retry?.initialMs ?? 50
  const maxBackoff = options.retry?.maxMs ?? 5000
  const alertInterval = options.alertIntervalMs ?? 1000
  const logger = options.logger

  let queue: KeelEvent[] = []
  let head = 0
  let inflight: readonly KeelEvent[] | null = null
  let written = 0
  let dropped = 0
  let failures = 0
  let failing = false
  let closing = false
  let running: Promise<void> | null = null
  let timer: NodeJS.Timeout | null = null
  let wake: (() => void) | null = null

  // Durable pushes waiting for their events: the count of their events not yet acknowledged.
  interface Waiter {
    left: number
    resolve: () => void
    reject: (e: Error) => void
  }
  const waiters = new Map<KeelEvent, Waiter>()
  const acknowledge = (batch: readonly KeelEvent[]): void => {
    if (waiters.size === 0) return
    for (const e of batch) {
      const w = waiters.get(e)
      if (!w) continue
      waiters.delete(e)
      if (--w.left === 0) w.resolve()
    }
  }
  const refuse = (events: readonly KeelEvent[], reason: string): void => {
    if (waiters.size === 0) return
    for (const e of events) {
      const w = waiters.get(e)
      if (!w) continue
      waiters.delete(e)
      w.reject(new Error(reason))
    }
  }

  let unreported = 0
  let lastDropAlert = -Infinity
  let alertTimer: NodeJS.Timeout | null = null

  const pendingCount = (): number => queue.length - head
  const depth = (): number => pendingCount() + (inflight?.length ?? 0)

  const emit = (alert: EventLogAlert): void => {
    const line = {
      alert: alert.kind,
      dropped: alert.dropped,
      totalDropped: alert.totalDropped,
      error: alert.error,
    }
    if (alert.kind === 'sink_recovered') logger?.info(line, alert.message)
    else logger?.error(line, alert.message)
    try {
      options.onAlert?.(alert)
    } catch (e) {
      logger?.error({ err: e }, 'event log alert hook threw')
    }
  }

  const reportDrops = (reason: 'buffer_full' | 'shutdown'): void => {
    if (unreported === 0) return
    const n = unreported
    unreported = 0
    lastDropAlert = Date.now()
    emit({
      kind: 'events_dropped',
      message: `${n} prediction-log event(s) dropped (${reason === 'shutdown' ? 'not flushed at shutdown' : 'buffer full'})`,
      dropped: n,
      totalDropped: dropped,
      reason,
    })
  }

  const drop = (n: number, reason: 'buffer_full' | 'shutdown'): void => {
    dropped += n
    unreported += n
    if (reason === 'shutdown') return reportDrops(reason)
    const wait = lastDropAlert + alertInterval - Date.now()
    if (wait <= 0) reportDrops(reason)
    else
      alertTimer ??= setTimeout(() => {
        alertTimer = null
        reportDrops(reason)
      }, wait)
  }

  const takeBatch = (): KeelEvent[] => {
    const end = Math.min(queue.length, head + batchSize)
    const batch = queue.slice(head, end)
    head = end
    if (head === queue.length) {
      queue = []
      head = 0
    } else if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head)
      head = 0
    }
    return batch
  }

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(done, ms)
      function done(): void {
        clearTimeout(t)
        wake = null
        resolve()
      }
      wake = done
    })

  // Background drains run until the buffer is empty; close() pulls this in to its deadline.
  let stopAt = Infinity

  const drain = async (): Promise<void> => {
    let attempt = 0
    while (depth() > 0 && Date.now() < stopAt) {
      const batch = (inflight ??= takeBatch())
      try {
        await log.append(batch)
        written += batch.length
        acknowledge(batch)
        // close() may have given up on this batch (and counted it dropped) while it was in flight.
        if (inflight === batch) inflight = null
        attempt = 0
        if (failing) {
          failing = false
          emit({
            kind: 'sink_recovered',
            message: `prediction log (${log.backend}) is writable again`,
            totalDropped: dropped,
          })
        }
      } catch (e) {
        failures++
        const error = e instanceof Error ? e.message : String(e)
        if (!failing) {
          failing = true
          emit({
            kind: 'sink_failing',
            message: `prediction log (${log.backend}) append failed; retrying with backoff`,
            totalDropped: dropped,
            error,
          })
        }
        // Jitter spreads the retries of several replicas that lost the same sink.
        const backoff =
          Math.min(maxBackoff, initialBackoff * 2 ** attempt++) * (0.75 + Math.random() / 2)
        await sleep(Math.min(backoff, Math.max(0, stopAt - Date.now())))
      }
    }
  }

  const start = (): Promise<void> => {
    running ??= drain().finally(() => {
      running = null
      if (depth() > 0) schedule()
    })
    return running
  }

  let urgent = false
  const schedule = (): void => {
    if (closing || running || timer) return
    const delay = urgent || pendingCount() >= batchSize ? 0 : flushIntervalMs
    timer = setTimeout(() => {
      timer = null
      urgent = false
      void start()
    }, delay)
  }

  /** Drain now (cutting any backoff short) until empty or the deadline. */
  const drainUntil = async (deadline: number): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = null
    while (depth() > 0 && Date.now() < deadline) {
      wake?.()
      let t: NodeJS.Timeout | undefined
      await Promise.race([
        start(),
        new Promise<void>(
          (resolve) => (t = setTimeout(resolve, Math.max(0, deadline - Date.now()))),
        ),
      ])
      clearTimeout(t)
    }
  }

  const push = (events: readonly KeelEvent[]): number => {
    if (closing) {
      drop(events.length, 'shutdown')
      return 0
    }
    let accepted = 0
    for (const e of events) {
      if (depth() >= capacity) {
        drop(1, 'buffer_full')
        if (overflow === 'drop-oldest' && pendingCount() > 0)
          refuse([queue[head++]!], 'dropped: the prediction-log buffer is full')
        else continue
      }
      queue.push(e)
      accepted++
    }
    if (accepted > 0) schedule()
    return accepted
  }

  return {
    log,
    push,
    pushDurable(events, timeoutMs = 5000) {
      if (events.length === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => {
          refuse(events, `not stored within ${timeoutMs} ms`)
        }, timeoutMs)
        const w: Waiter = {
          left: 0,
          resolve: () => (clearTimeout(timeout), resolve()),
          reject: (e) => {
            clearTimeout(timeout)
            // One event refused fails the whole push: forget its other events too.
            for (const other of events) if (waiters.get(other) === w) waiters.delete(other)
            reject(e)
          },
        }
        // A durable push is accepted whole or refused whole (a partly logged request is no use).
        if (!closing && overflow === 'drop-newest' && depth() + events.length > capacity) {
          drop(events.length, 'buffer_full')
          w.reject(new Error('dropped: the prediction-log buffer is full'))
          return
        }
        const accepted = push(events)
        if (accepted < events.length) {
          w.reject(new Error('dropped: the prediction-log buffer is full'))
          return
        }
        // Registered after the push: an accepted event is acknowledged asynchronously, never inside it.
        for (const e of events) {
          if (waiters.has(e)) continue
          waiters.set(e, w)
          w.left++
        }
        if (w.left === 0) return w.resolve()
        urgent = true
        if (timer && !running) {
          clearTimeout(timer)
          timer = null
        }
        schedule()
      })
    },
    stats: () => ({ depth: depth(), capacity, written, dropped, failures, failing }),
    async flush(timeoutMs = 10_000) {
      await drainUntil(Date.now() + timeoutMs)
      if (!closing && depth() > 0) schedule()
      return depth() === 0
    },
    async close(timeoutMs = 10_000) {
      if (closing) return
      closing = true
      const deadline = Date.now() + timeoutMs
      stopAt = deadline
      await drainUntil(deadline)
      const left = depth()
      if (left > 0) {
        refuse(queue.slice(head), 'not flushed at shutdown')
        if (inflight) refuse(inflight, 'not flushed at shutdown')
        queue = []
        head = 0
        inflight = null
        drop(left, 'shutdown')
      }
      if (alertTimer) clearTimeout(alertTimer)
      alertTimer = null
      reportDrops('buffer_full')
      await log.close()
    },
  }
}
