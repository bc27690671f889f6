import type { FeatureSpec, Task } from '../protocol.js'
import type { ResolvedObjective } from './loss/index.js'
import type { GbdtParams } from './params.js'
import type { Tree } from './tree.js'

/** Everything a fitted GBDT is made of; plain data, shared by the model and its JSON codec. */
export interface GbdtState {
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly objective: ResolvedObjective
  readonly params: GbdtParams
  /** Starting raw score per output. */
  readonly base: Float64Array
  readonly trees: readonly Tree[]
  /** Output column of each tree. */
  readonly outputs: Int32Array
  /** Boosting rounds kept (trees = rounds × outputs). */
  readonly rounds: number
  /** Validation metric per round of the last fit or update, when validation data was given. */
  readonly history: readonly number[]
}
