/**
 * keel — the Keel platform: project config, stores, data readers, workflows, the CLI and the HTTP
 * service. The mathematics lives in `@keel/core`, re-exported here for convenience.
 *
 * @module
 */
export * from '@keel/core'
export { KEEL_VERSION } from './version.js'
