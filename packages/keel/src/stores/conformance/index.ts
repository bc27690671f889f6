/**
 * The stores' conformance suites, one per interface. Each takes the test runner's functions and a
 * factory for the backend under test, and asserts with `node:assert`, so any backend (a new
 * dialect, an S3 artifact store, a PostgreSQL job queue) can prove itself against exactly the
 * tests the built-in ones pass.
 */
export type { SuiteHost } from './suite-host.js'
export { rejectsWithCode } from './suite-host.js'
export type { TestMetadataHandle, TestStoresHandle } from './handles.js'
export {
  artifactStoreConformance,
  HOSTILE_DIGESTS,
  type ArtifactBackendHandle,
} from './artifact-store-suite.js'
export { metadataStoreConformance, EXPECTED_INDEXES, listIndexes } from './metadata-store-suite.js'
export { trackingStoreConformance } from './tracking-store-suite.js'
export { trackingSearchConformance } from './tracking-search-suite.js'
export { registryStoreConformance, assertAliasChains } from './registry-store-suite.js'
export { eventLogConformance, type EventLogFactory } from './event-log-suite.js'
export { predictionEvent, labelEvent } from './event-fixtures.js'
export { onlineStoreConformance, type OnlineBackendHandle } from './online-store-suite.js'
export {
  jobQueueConformance,
  type JobQueueBackendHandle,
  type JobQueueFactory,
} from './job-queue-suite.js'
export { featureStateConformance } from './feature-state-suite.js'
