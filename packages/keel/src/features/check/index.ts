/**
 * The row-level online/offline consistency check (`keel features check`): logged predictions'
 * served feature values against the offline point-in-time values for the same keys and times.
 *
 * @module
 */
export {
  checkConsistency,
  DEFAULT_CONSISTENCY_EXAMPLES,
  DEFAULT_CONSISTENCY_MAX_EVENTS,
  DEFAULT_CONSISTENCY_SAMPLE,
  type CheckConsistencyOptions,
} from './check-consistency.js'
export { asLogged, sameValue, type Tolerance } from './compare.js'
export { renderConsistencyReport } from './render.js'
export type {
  ComparedValue,
  ConsistencyExample,
  ConsistencyReport,
  FeatureConsistency,
} from './report.js'
export { seededHash, seededSample, type SeededSample } from './sample.js'
export {
  checkWindows,
  declaredFeatureStore,
  type CheckWindowsOptions,
  type ConsistencyWindow,
} from './windows.js'
