/**
 * Shapes shared by the GBDT's split finding, grower and tree builder, in their own file so those
 * stages depend on it rather than on each other.
 *
 * @module
 */

/** The hyperparameters split finding reads. */
export interface SplitParams {
  readonly lambda: number
  readonly alpha: number
  readonly minSamplesLeaf: number
  readonly minHessianLeaf: number
  readonly minSplitGain: number
  readonly catSmooth: number
}

/** Sums over a node's rows, with the value bounds monotone constraints put on it. */
export interface NodeStats {
  readonly sumG: number
  readonly sumH: number
  readonly count: number
  readonly lower: number
  readonly upper: number
}

/** The best split of a node. */
export interface SplitInfo {
  /** XGBoost's gain: twice the decrease of the regularised second-order loss. */
  readonly gain: number
  readonly feature: number
  /** Numeric splits: bins `≤ binThreshold` go left. */
  readonly binThreshold: number
  /** Categorical splits: `leftBins[b] = 1` when bin b goes left (the missing bin excluded). */
  readonly leftBins: Uint8Array | null
  /** Where missing values (and, for categorical splits, categories without a bin) go. */
  readonly defaultLeft: boolean
  readonly left: NodeStats
  readonly right: NodeStats
  /** Unshrunk leaf values of the children, within the node's bounds. */
  readonly valueLeft: number
  readonly valueRight: number
}

/** Tree-shape hyperparameters on top of split finding's. */
export interface GrowParams extends SplitParams {
  readonly maxDepth: number
  readonly maxLeaves: number
  readonly learningRate: number
  readonly colsampleByNode: number
}
