import type { Frame } from '../../frame/index.js'

/** One evaluation split: its raw rows (every column: inputs, metadata, timestamp) and encoded labels. */
export interface EvaluationSplit {
  readonly frame: Frame
  /** Class index (classification) or value (regression) per row, in the bundle's class order. */
  readonly y: Float64Array
}
