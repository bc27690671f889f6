export { MomentsAccumulator, type MomentsSummary } from './moments.js'
export {
  QuantileSketch,
  QUANTILE_SKETCH_RANK_ERROR,
  sampleRankError,
  type QuantileSketchOptions,
} from './quantile-sketch.js'
export { HyperLogLog } from './hyperloglog.js'
export { DistinctCounter, type DistinctCounterOptions, type DistinctEstimate } from './distinct.js'
export { FrequencyCounter, type TopValues, type ValueCount } from './frequency.js'
export { histogramFromSketch, type EqualWidthHistogram } from './histogram.js'
