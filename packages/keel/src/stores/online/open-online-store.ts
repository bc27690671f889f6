import { KeelError } from '@keel/core'
import { sqliteFileOf } from '../sqlite-url.js'
import { createMemoryOnlineStore } from './memory-online-store.js'
import type { OnlineStore } from './online-store.js'
import { openRedisOnlineStore } from './redis-online-store.js'
import { openSqliteOnlineStore, sqliteOnlineStorePath } from './sqlite-online-store.js'

/** Where the online store lives. */
export interface OpenOnlineStoreOptions {
  /** The project workspace; the embedded store is `<workspace>/.keel/online.db`. */
  readonly workspace: string
  /**
   * A backend URL: `redis://host:port[/db]`, `rediss://…`, `sqlite:relative/or/absolute.db`,
   * `file:///abs/online.db` or `memory:`. Defaults to the embedded SQLite store (the project's
   * workspace resolves `KEEL_ONLINE_STORE`).
   */
  readonly url?: string
  /** Redis only: prepended to every key (default `keel:`). */
  readonly keyPrefix?: string
  /**
   * Redis only: a command slower than this fails (default 50 ms, for serving; bulk writers such as
   * materialization want seconds).
   */
  readonly commandTimeoutMs?: number
}

/**
 * Open the online store a project is configured for. Only the schemes listed are accepted (an
 * unknown scheme is an error, never a guess), and ioredis loads only when asked for.
 */
export const openOnlineStore = async (options: OpenOnlineStoreOptions): Promise<OnlineStore> => {
  const url = options.url
  if (url === undefined || url === '')
    return openSqliteOnlineStore(sqliteOnlineStorePath(options.workspace))
  if (url === 'memory:') return createMemoryOnlineStore()
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    return openRedisOnlineStore({
      url,
      ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
      ...(options.commandTimeoutMs === undefined
        ? {}
        : { commandTimeoutMs: options.commandTimeoutMs }),
    })
  }
  const file = sqliteFileOf(url, options.workspace, 'online-store')
  if (file !== undefined) return openSqliteOnlineStore(file)
  throw new KeelError('INVALID_CONFIG', `unsupported online-store URL "${url}"`, {
    hint: 'use redis://host:port, rediss://host:port, sqlite:path/to/online.db, file:///abs/online.db or memory:',
  })
}
