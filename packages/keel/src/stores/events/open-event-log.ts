import { KeelError } from '@keel/core'
import { sqliteFileOf } from '../sqlite-url.js'
import { createMemoryEventLog } from './memory-event-log.js'
import { openNatsEventLog } from './nats-event-log.js'
import { openSqliteEventLog, sqliteEventLogPath } from './sqlite-event-log.js'
import type { EventLog } from './types.js'

/** Where the event log lives. */
export interface OpenEventLogOptions {
  /** The project workspace; the embedded log is `<workspace>/.keel/events.db`. */
  readonly workspace: string
  /**
   * A backend URL: `nats://host:port[?stream=NAME]`, `sqlite:relative/or/absolute.db`,
   * `file:///abs/events.db` or `memory:`. Defaults to the embedded SQLite log (the project's
   * workspace resolves `KEEL_EVENTS`: see `openProjectEventLog`).
   */
  readonly url?: string
}

/**
 * Open the event log a project is configured for. Only the schemes listed are accepted (an
 * unknown scheme is an error, never a guess), and the NATS driver loads only when asked for.
 */
export const openEventLog = async (options: OpenEventLogOptions): Promise<EventLog> => {
  const url = options.url
  if (url === undefined || url === '')
    return openSqliteEventLog(sqliteEventLogPath(options.workspace))
  if (url === 'memory:') return createMemoryEventLog()
  if (url.startsWith('nats://') || url.startsWith('tls://')) {
    const u = new URL(url)
    const stream = u.searchParams.get('stream') ?? undefined
    u.search = ''
    return openNatsEventLog({ servers: u.toString(), ...(stream ? { stream } : {}) })
  }
  const file = sqliteFileOf(url, options.workspace, 'event-log')
  if (file !== undefined) return openSqliteEventLog(file)
  throw new KeelError('INVALID_CONFIG', `unsupported event-log URL "${url}"`, {
    hint: 'use nats://host:port, sqlite:path/to/events.db, file:///abs/events.db or memory:',
  })
}
