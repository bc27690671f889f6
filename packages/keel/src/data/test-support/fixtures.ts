import { mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { isKeelError, type KeelError } from '@keel/core'

/** Absolute path of a committed fixture under test/fixtures/data. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../../../test/fixtures/data/${name}`, import.meta.url))

/** A private temporary directory (mode 0700) and its cleanup. */
export const tempDir = (): { dir: string; cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-data-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

let written = 0

/** Write the result of a DuckDB `select` to `target` as Parquet (any file name, quotes included). */
export const writeParquet = async (select: string, target: string, dir: string): Promise<void> => {
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  const plain = join(dir, `tmp-${++written}.parquet`)
  try {
    await conn.run(`COPY (${select}) TO '${plain.replaceAll("'", "''")}' (FORMAT parquet)`)
  } finally {
    conn.closeSync()
    db.closeSync()
  }
  renameSync(plain, target)
}

/** The KeelError a promise rejects with (anything else fails the test). */
export const keelError = async (p: Promise<unknown>): Promise<KeelError> => {
  try {
    await p
  } catch (e) {
    if (isKeelError(e)) return e
    throw e
  }
  throw new Error('expected a KeelError')
}
