import { createPredictionCache, type PredictionCache } from './prediction-cache.js'
import { openSqliteOnlineStore } from './sqlite-online-store.js'

/** Options of {@link openSqlitePredictionCache}. */
export interface SqlitePredictionCacheOptions {
  /** Entries expire after this long (ms); absent means never (keys carry the version anyway). */
  readonly ttlMs?: number
}

/** The embedded prediction cache: a SQLite online store of its own at `file`. */
export const openSqlitePredictionCache = (
  file: string,
  options: SqlitePredictionCacheOptions = {},
): PredictionCache => createPredictionCache(openSqliteOnlineStore(file), options)
