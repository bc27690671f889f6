export {
  SPLIT_NAMES,
  DEFAULT_SPLIT_FRACTIONS,
  type SplitName,
  type SplitKind,
  type SplitSpec,
} from './spec.js'
export { splitFrame, type SplitOptions, type FrameSplit } from './split.js'
export {
  type SplitReport,
  type PerSplit,
  type LabelBalance,
  type DuplicateReport,
} from './report.js'
export { hashRows, duplicateRowGroups } from './row-hash.js'
