import type { FeatureSpec, Task } from '../protocol.js'
import type { ForestTree } from './forest-tree.js'
import type { ForestParams } from './params.js'

/** Out-of-bag estimate kept in a forest model (same shape as the bagging ensemble's). */
export interface OutOfBagScore {
  /** `accuracy` for classification, `r2` for regression. */
  readonly scoring: string
  readonly score: number
  /** Rows that at least one tree left out (the rows scored). */
  readonly rows: number
}

/** Everything a fitted forest is made of; plain data shared by the model and its JSON codec. */
export interface ForestState {
  /** `random-forest` or `extra-trees`. */
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly params: ForestParams
  readonly trees: readonly ForestTree[]
  readonly oob?: OutOfBagScore
}

/** Values per node: K for multiclass, 1 for binary (the positive class) and regression. */
export const forestOutputs = (s: Pick<ForestState, 'task' | 'classes'>): number =>
  s.task === 'multiclass' ? s.classes!.length : 1
