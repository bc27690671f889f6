import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { PredictionRecord } from '@keel/core'
import { loadSqlite } from '../drivers.js'
import type { PredictionCache } from './prediction-cache.js'

/** Options of {@link openSqlitePredictionCache}. */
export interface SqlitePredictionCacheOptions {
  /** Entries expire after this long (ms); absent means never (keys carry the version anyway). */
  readonly ttlMs?: number
}

/** The embedded prediction cache: one SQLite table keyed by {@link predictionCacheKey}. */
export const openSqlitePredictionCache = (
  file: string,
  options: SqlitePredictionCacheOptions = {},
): PredictionCache => {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new (loadSqlite('The SQLite prediction cache'))(file, { timeout: 20 })
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE IF NOT EXISTS keel_prediction_cache (
    key TEXT PRIMARY KEY, record TEXT NOT NULL, expires_at INTEGER) WITHOUT ROWID`)
  const get = db.prepare('SELECT record, expires_at FROM keel_prediction_cache WHERE key = ?')
  const put = db.prepare(
    'INSERT OR REPLACE INTO keel_prediction_cache (key, record, expires_at) VALUES (?, ?, ?)',
  )
  const putAll = db.transaction(
    (entries: readonly (readonly [string, PredictionRecord])[], expires: number | null) => {
      for (const [k, r] of entries) put.run(k, JSON.stringify(r), expires)
    },
  )
  return {
    backend: 'sqlite',
    async getMany(keys) {
      const now = Date.now()
      return keys.map((k) => {
        const row = get.get(k) as { record: string; expires_at: number | null } | undefined
        if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined
        return JSON.parse(row.record) as PredictionRecord
      })
    },
    async setMany(entries) {
      putAll(entries, options.ttlMs === undefined ? null : Date.now() + options.ttlMs)
    },
    async close() {
      if (db.open) db.close()
    },
  }
}
