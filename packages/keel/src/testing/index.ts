/**
 * `keel/testing` — what a third party needs to hold its own backend or extension to Keel's
 * standard: the stores' conformance suites (each takes the test runner's functions and a factory
 * for the backend under test, so a new metadata dialect, artifact store, event log, online store or
 * job queue runs exactly the checks the built-in ones pass), and seeded synthetic monitoring
 * traffic for tests and benchmarks. The learner and transform suites are in `@keel/core/testing`.
 *
 * @example
 * import { describe, it, beforeAll, afterAll } from 'vitest'
 * import { artifactStoreConformance } from 'keel/testing'
 *
 * artifactStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openMyStoreHandle)
 *
 * @module
 */
export * from '../stores/conformance/index.js'
export {
  T0,
  DAY,
  HOUR,
  CLASSES,
  trainMonitoredBundle,
  monitoredTraffic,
  type TrafficOptions,
} from './monitor-fixture.js'
