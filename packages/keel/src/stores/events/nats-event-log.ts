import { KeelError } from '@keel/core'
import {
  importNats,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from '../drivers.js'
import {
  DEFAULT_SCAN_LIMIT,
  matchesScan,
  type EventLog,
  type EventPage,
  type EventScan,
  type KeelEvent,
} from './types.js'

/** Options of {@link openNatsEventLog}. */
export interface NatsEventLogOptions {
  /** Server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[]
  /** The JetStream stream holding the events (created when missing). */
  readonly stream?: string
  /** Subjects are `<prefix>.prediction` and `<prefix>.label`. */
  readonly subjectPrefix?: string
  /** How long one publish waits for the server's acknowledgement (ms). */
  readonly publishTimeoutMs?: number
  /**
   * Window in which the server drops a re-published event id (ms). Retries after an unknown
   * outcome land inside it, so they never duplicate an event.
   */
  readonly duplicateWindowMs?: number
}

/** A NATS-backed log can also remove its stream (tests and teardown). */
export interface NatsEventLog extends EventLog {
  readonly stream: string
  /** Delete the stream and everything in it. */
  destroy(): Promise<void>
}

/**
 * The scale-out event log: a NATS JetStream stream with file storage. An append publishes every
 * event with its id as the message id and resolves when the server has acknowledged all of them;
 * the connection reconnects forever, so a restarted server is picked up without a new log.
 *
 * Scans read with an ordered consumer from a stream sequence (the cursor) or from the store time of
 * `from` (an event is stored after it happens, so no matching event is stored earlier), and stop at
 * the last message pending when the scan started.
 */
export const openNatsEventLog = async (options: NatsEventLogOptions): Promise<NatsEventLog> => {
  const { transport, jetstream } = await importNats('The NATS event log')
  const stream = options.stream ?? 'KEEL_EVENTS'
  const prefix = options.subjectPrefix ?? 'keel.events'
  const publishTimeout = options.publishTimeoutMs ?? 5000
  let nc: NatsConnection
  try {
    nc = await transport.connect({
      servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
      name: 'keel-event-log',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5000,
    })
  } catch (e) {
    throw new KeelError(
      'UNAVAILABLE',
      `cannot reach NATS at ${String(options.servers)}: ${(e as Error).message}`,
      {
        cause: e,
      },
    )
  }
  let js: JetStreamClient
  let jsm: JetStreamManager
  try {
    jsm = await jetstream.jetstreamManager(nc)
    js = jetstream.jetstream(nc)
    const config = {
      subjects: [`${prefix}.>`],
      storage: jetstream.StorageType.File,
      duplicate_window: transport.nanos(options.duplicateWindowMs ?? 120_000),
    }
    try {
      await jsm.streams.info(stream)
    } catch {
      await jsm.streams.add({ name: stream, ...config })
    }
  } catch (e) {
    await nc.close().catch(() => undefined)
    throw new KeelError(
      'UNAVAILABLE',
      `cannot set up the JetStream stream "${stream}": ${(e as Error).message}`,
      {
        cause: e,
      },
    )
  }
  const encoder = new TextEncoder()
  let closed = false
  const open = (): void => {
    if (closed) throw new KeelError('UNAVAILABLE', 'the event log is closed')
  }

  const scan = async (query: EventScan): Promise<EventPage> => {
    open()
    const limit = query.limit ?? DEFAULT_SCAN_LIMIT
    const kinds = query.kinds ?? ['prediction', 'label']
    if (kinds.length === 0) return { events: [], cursor: query.after ?? null, done: true }
    // One filter subject (not a list) keeps this working on servers older than 2.10.
    const filter = kinds.length === 1 ? `${prefix}.${kinds[0]!}` : `${prefix}.>`
    const start =
      query.after !== undefined
        ? {
            deliver_policy: jetstream.DeliverPolicy.StartSequence,
            opt_start_seq: Number(query.after) + 1,
          }
        : query.from !== undefined
          ? {
              deliver_policy: jetstream.DeliverPolicy.StartTime,
              // One minute earlier tolerates clock skew between this host and the server.
              opt_start_time: new Date(query.from - 60_000).toISOString(),
            }
          : { deliver_policy: jetstream.DeliverPolicy.All }
    const consumer = await js.consumers.get(stream, { filter_subjects: filter, ...start })
    try {
      const info = await consumer.info(true)
      let pending = info.num_pending
      const events: KeelEvent[] = []
      const positions: string[] = []
      let lastSeq = 0
      while (pending > 0 && events.length < limit) {
        const batch = await consumer.fetch({ max_messages: Math.min(pending, 500), expires: 2000 })
        let got = 0
        for await (const m of batch) {
          got++
          lastSeq = m.seq
          pending = m.info.pending
          const e = m.json<KeelEvent>()
          if (matchesScan(e, query)) {
            events.push(e)
            positions.push(String(m.seq))
          }
          if (pending === 0 || events.length >= limit) break
        }
        if (got === 0)
          throw new KeelError(
            'UNAVAILABLE',
            `the stream reported ${pending} pending events but sent none`,
          )
      }
      const page = {
        events,
        cursor: lastSeq > 0 ? String(lastSeq) : (query.after ?? null),
        done: pending === 0,
      }
      return query.withPositions ? { ...page, positions } : page
    } finally {
      await consumer.delete().catch(() => false)
    }
  }

  return {
    backend: 'nats',
    stream,
    async append(events) {
      open()
      try {
        await Promise.all(
          events.map((e) =>
            js.publish(`${prefix}.${e.kind}`, encoder.encode(JSON.stringify(e)), {
              msgID: e.id,
              timeout: publishTimeout,
            }),
          ),
        )
      } catch (e) {
        throw new KeelError('UNAVAILABLE', `event log append failed: ${(e as Error).message}`, {
          cause: e,
        })
      }
    },
    async scan(query = {}) {
      try {
        return await scan(query)
      } catch (e) {
        if (e instanceof KeelError) throw e
        throw new KeelError('UNAVAILABLE', `event log scan failed: ${(e as Error).message}`, {
          cause: e,
        })
      }
    },
    async usedBytes() {
      open()
      try {
        const info = (await jsm.streams.info(stream)) as { state: { bytes: number } }
        return info.state.bytes
      } catch (e) {
        throw new KeelError(
          'UNAVAILABLE',
          `cannot read the stream's size: ${(e as Error).message}`,
          {
            cause: e,
          },
        )
      }
    },
    // The stream keeps no record of why messages went, so the removal note lives with the
    // archive (the retention run's manifest). The run of positions that starts at the stream's
    // first message and has no gap is purged in one call (the usual case: the oldest events
    // expire); any other position is deleted on its own.
    async remove(positions) {
      open()
      const seqs = [...new Set(positions.map(Number))].sort((a, b) => a - b)
      let removed = 0
      try {
        const info = (await jsm.streams.info(stream)) as { state: { first_seq: number } }
        let run = 0
        while (run < seqs.length && seqs[run] === info.state.first_seq + run) run++
        if (run > 0)
          removed += (await jsm.streams.purge(stream, { seq: seqs[run - 1]! + 1 })).purged
        for (let i = run; i < seqs.length; i += 100) {
          const done = await Promise.all(
            seqs.slice(i, i + 100).map((seq) =>
              jsm.streams.deleteMessage(stream, seq, false).catch((e: unknown) => {
                // A message already gone (an earlier, interrupted run) is not an error.
                if (/no message found|not found/i.test(String((e as Error).message))) return false
                throw e
              }),
            ),
          )
          removed += done.filter(Boolean).length
        }
        return removed
      } catch (e) {
        throw new KeelError('UNAVAILABLE', `event log removal failed: ${(e as Error).message}`, {
          cause: e,
        })
      }
    },
    async destroy() {
      await jsm.streams.delete(stream)
    },
    async close() {
      if (closed) return
      closed = true
      await nc.drain().catch(() => nc.close())
    },
  }
}
