/**
 * Offline retrieval: a view's rows, the point-in-time lookup of many entity rows (DuckDB for
 * files, DuckDB queries and pushed rows; PostgreSQL for its own tables and queries), training sets
 * from a feature service, and a key's history as validity intervals.
 *
 * @module
 */
export { lookupView, readViewRows, createLookupCache, type LookupCache } from './lookup-view.js'
export { getHistoricalFeatures } from './historical.js'
export { featureHistory, historyOf } from './history.js'
export {
  viewSourceSql,
  viewBaseSql,
  viewRowsSql,
  loadViewSource,
  SOURCE_TABLE,
} from './duckdb-source.js'
export { lookupSql, loadEntityRows } from './duckdb-lookup.js'
export { rawName, type SourceColumns, type TypeClass } from './columns.js'
