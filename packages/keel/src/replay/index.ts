/**
 * Replay: serve a registered version on 127.0.0.1, send a held-out period through it as live HTTP
 * traffic in event-time order, post each label when it would have arrived, then monitor the period
 * as of its end. The dataset-specific part, when a label arrives, is a {@link LabelArrival} model
 * passed in (`flightsLabelArrival` for the flights dataset).
 *
 * @example
 * const summary = await replayHeldOut({
 *   project, model: 'flights', version: 1, frame, rows: split.test, trainRows: split.train,
 *   time: 'date', labelArrival: flightsLabelArrival,
 * })
 *
 * @module
 */
export {
  replayHeldOut,
  replayPeriod,
  DEFAULT_REPLAY_SAMPLE,
  type ReplayOptions,
  type ReplayFeatures,
} from './replay.js'
export {
  planReplay,
  batchesOf,
  type LabelArrival,
  type ReplayPlanOptions,
  type ReplayRow,
} from './plan.js'
export { replayTraffic, type ReplayTrafficOptions, type ReplayTrafficResult } from './traffic.js'
export {
  summarizeReplay,
  type ReplayAlert,
  type ReplayEstimate,
  type ReplayFeatureDrift,
  type ReplayFeatureSummary,
  type ReplaySummary,
  type ReplayWeek,
} from './summary.js'
