/**
 * The leakage report: time travel against declared feature availability, exact and near
 * duplicates and group overlap across splits, the feature pipeline's fit scope, single-feature
 * predictive power with ablation, target-derived columns by name and by association, and label
 * shift between splits — plain data with a pass / warn / fail status per check. Also the leaky and
 * point-in-time group-rate features the flights demo uses to show the guard at work.
 *
 * @module
 */
export { leakageReport } from './report.js'
export { targetNameReason } from './target-derived.js'
export {
  leakyGroupRate,
  pointInTimeGroupRate,
  type GroupRateOptions,
  type LeakyGroupRateOptions,
  type PointInTimeGroupRateOptions,
  type GroupRateFeature,
} from './group-rate.js'
export type {
  LeakageStatus,
  LeakageSeverity,
  LeakageCheckName,
  LeakageCheck,
  LeakageReport,
  LeakageSummary,
  FeatureAvailability,
  PipelineFitProvenance,
  LeakageOptions,
  LeakageReportInput,
} from './types.js'
