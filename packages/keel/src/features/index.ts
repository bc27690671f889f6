/**
 * The feature store: entities, feature views and services defined in `keel.config.ts`; offline
 * point-in-time retrieval (as of known time), windowed aggregations, materialization into the
 * online store, pushes, online reads with one meaning of TTL, and the row-level online/offline
 * consistency check.
 *
 * @module
 */
export * from './config.js'
export * from './definitions.js'
export * from './point-in-time.js'
export * from './api.js'
export * from './online/index.js'
export * from './assemble/index.js'
export * from './windowed/index.js'
export * from './materialize/index.js'
export * from './push/index.js'
export * from './check/index.js'
export * from './offline/index.js'
export * from './project-store.js'
export * from './cached-rows.js'
export * from './batch-join.js'
