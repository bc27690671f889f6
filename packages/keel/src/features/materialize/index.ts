/** Materialization of feature views into the online store, with a watermark per view version. */
export * from './materialize-view.js'
export * from './materialize-service.js'
export * from './materialized-versions.js'
