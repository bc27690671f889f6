import { randomBytes } from 'node:crypto'
import { importNats } from '../../drivers.js'
import { openNatsEventLog, type NatsEventLog } from '../nats-event-log.js'

/** The shared JetStream server on loopback (started by `.ci/run` when down). */
export const NATS_URL = process.env['KEEL_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222'

/** A NATS event log on a uniquely named stream, and a disposer that deletes the stream. */
export const openTestNatsLog = async (
  servers: string = NATS_URL,
  options: { publishTimeoutMs?: number } = {},
): Promise<{ log: NatsEventLog; dispose: () => Promise<void> }> => {
  const suffix = randomBytes(6).toString('hex')
  const stream = `KEEL_TEST_${suffix}`
  const log = await openNatsEventLog({
    servers,
    stream,
    subjectPrefix: `keeltest.${suffix}`,
    ...options,
  })
  return {
    log,
    dispose: async () => {
      await log.close()
      await deleteNatsStream(servers, stream)
    },
  }
}

/** Delete a stream through a connection of its own (works after the log was closed). */
export const deleteNatsStream = async (servers: string, stream: string): Promise<void> => {
  const { transport, jetstream } = await importNats('The NATS test helpers')
  const nc = await transport.connect({ servers, timeout: 3000 })
  try {
    const jsm = await jetstream.jetstreamManager(nc)
    await jsm.streams.delete(stream).catch(() => false)
  } finally {
    await nc.close()
  }
}
