/**
 * The feature store: entities, feature views and services defined in `keel.config.ts`; offline
 * point-in-time retrieval (as of known time), materialization into the online store, online reads
 * with one meaning of TTL, and the row-level online/offline consistency check.
 *
 * @module
 */
export * from './config.js'
export * from './definitions.js'
export * from './point-in-time.js'
export * from './api.js'
