/** The feature store's state in the metadata database: materialization watermarks and the log of pushed values. */
export * from './materialization-state-store.js'
export * from './feature-log-store.js'
export { createSqlMaterializationStateStore } from './sql-materialization-state-store.js'
export { createSqlFeatureLogStore } from './sql-feature-log-store.js'
