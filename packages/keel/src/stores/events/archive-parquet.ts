import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { KeelError } from '@keel/core'
import type { DuckDBAppender } from '@duckdb/node-api'
import { openSession, type DuckDbSession } from '../../data/duckdb/engine.js'
import type { KeelEvent } from './types.js'

/**
 * The columns of an archived event: the indexed fields, and the whole event as JSON in `body`
 * (exactly what the log stored, so an archive can be read back into events).
 */
export const ARCHIVE_COLUMNS = [
  'id',
  'kind',
  'time',
  'model',
  'version',
  'request_id',
  'body',
] as const

/** An archive being written: events go in one by one, then it is written out whole. */
export interface EventArchive {
  add(event: KeelEvent): void
  /** How many events were added. */
  readonly count: number
  /** Write the Parquet file (whole or not at all, synced to disk) and return its path. */
  finish(): Promise<string>
  /** Give up: nothing is written. */
  abort(): void
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`

/**
 * Start a Parquet archive of events at `<dir>/<name>.parquet`, through DuckDB (ZSTD compressed).
 * The file appears only once complete: it is written beside under a temporary name, synced,
 * then renamed, so a crash never leaves half an archive under the final name.
 */
export const startEventArchive = async (dir: string, name: string): Promise<EventArchive> => {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.parquet`)
  const tmp = join(dir, `.${name}.parquet.tmp`)
  let session: DuckDbSession | undefined
  let appender: DuckDBAppender
  try {
    session = await openSession()
    await session.connection.run(
      'CREATE TABLE events (id VARCHAR, kind VARCHAR, time BIGINT, model VARCHAR, version VARCHAR, request_id VARCHAR, body VARCHAR)',
    )
    appender = await session.connection.createAppender('events')
  } catch (e) {
    session?.close()
    throw new KeelError('UNAVAILABLE', `cannot start the event archive: ${(e as Error).message}`, {
      cause: e,
    })
  }
  let count = 0
  const text = (v: string | undefined): void =>
    v === undefined ? appender.appendNull() : appender.appendVarchar(v)
  return {
    add(e) {
      appender.appendVarchar(e.id)
      appender.appendVarchar(e.kind)
      appender.appendBigInt(BigInt(Math.trunc(e.time)))
      text(e.model)
      text(e.kind === 'prediction' ? e.version : undefined)
      text(e.kind === 'prediction' ? e.requestId : undefined)
      appender.appendVarchar(JSON.stringify(e))
      appender.endRow()
      count++
    },
    get count() {
      return count
    },
    async finish() {
      try {
        appender.closeSync()
        await session!.connection.run(
          `COPY (SELECT * FROM events ORDER BY time, id) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
        )
        const fd = openSync(tmp, 'r')
        try {
          fsyncSync(fd)
        } finally {
          closeSync(fd)
        }
        renameSync(tmp, file)
        return file
      } catch (e) {
        rmSync(tmp, { force: true })
        throw new KeelError(
          'UNAVAILABLE',
          `cannot write the event archive ${file}: ${(e as Error).message}`,
          { cause: e, path: [file] },
        )
      } finally {
        session!.close()
      }
    },
    abort() {
      try {
        appender.closeSync()
      } catch {
        // Closing flushes; a failed flush changes nothing once the session is gone.
      }
      session!.close()
    },
  }
}
