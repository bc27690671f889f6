import type { Tree } from '../gbdt/tree.js'

/**
 * One tree of a forest: the GBDT's tree structure (thresholds on raw values, learned missing
 * direction, category sets) with `numOutputs` values per node instead of one — the class
 * probabilities for multiclass, the positive class's probability for binary, the mean for
 * regression. `cover` is the training weight that reached each node; `gain` its split's impurity
 * decrease.
 */
export interface ForestTree extends Omit<Tree, 'value'> {
  /** Node-major values: `values[node * numOutputs + k]`. */
  readonly values: Float64Array
}

/**
 * The tree as one GBDT {@link Tree} per output, sharing the structure arrays: the form the GBDT's
 * flattened predictor and TreeSHAP take.
 */
export const outputTrees = (t: ForestTree, numOutputs: number): Tree[] => {
  const L = t.feature.length
  return Array.from({ length: numOutputs }, (_, k) => {
    const value = new Float64Array(L)
    for (let i = 0; i < L; i++) value[i] = t.values[i * numOutputs + k]!
    return {
      feature: t.feature,
      threshold: t.threshold,
      left: t.left,
      right: t.right,
      defaultLeft: t.defaultLeft,
      value,
      cover: t.cover,
      gain: t.gain,
      categories: t.categories,
    }
  })
}
