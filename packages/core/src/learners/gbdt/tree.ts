/**
 * One regression tree as parallel arrays, nodes numbered in creation order (children always after
 * their parent, root 0). This is the form that is serialized, explained (TreeSHAP) and flattened
 * into the predictor. Thresholds are raw feature values, so a tree predicts without the binner.
 */
export interface Tree {
  /** Split feature per node; −1 marks a leaf. */
  readonly feature: Int32Array
  /** Numeric splits: `x <= threshold` goes left (+Infinity: every non-missing value goes left). */
  readonly threshold: Float64Array
  readonly left: Int32Array
  readonly right: Int32Array
  /** 1 when missing values (and categories outside the split's set of known ones) go left. */
  readonly defaultLeft: Uint8Array
  /** Leaf values, already multiplied by the learning rate; for inner nodes, the node's value. */
  readonly value: Float64Array
  /** Hessian sum of the training rows that reached the node (TreeSHAP's cover). */
  readonly cover: Float64Array
  /** Split gain (0 at leaves). */
  readonly gain: Float64Array
  /** Categorical splits: sorted dictionary codes going left; null for numeric splits and leaves. */
  readonly categories: readonly (Int32Array | null)[]
}

/** Number of nodes. */
export const treeSize = (t: Tree): number => t.feature.length

/** Depth of the deepest leaf (a single leaf has depth 0). */
export const treeDepth = (t: Tree): number => {
  const depth = new Int32Array(t.feature.length)
  let max = 0
  for (let i = 0; i < t.feature.length; i++) {
    if (t.feature[i]! < 0) {
      if (depth[i]! > max) max = depth[i]!
      continue
    }
    depth[t.left[i]!] = depth[i]! + 1
    depth[t.right[i]!] = depth[i]! + 1
  }
  return max
}

/** True when code `c` is in the sorted set `codes`. */
export const hasCode = (codes: Int32Array, c: number): boolean => {
  let lo = 0
  let hi = codes.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = codes[mid]!
    if (v === c) return true
    if (v < c) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

/**
 * The child of inner node `i` for value `x` (a number, or a category code as a number): missing
 * (NaN, or a code below 0 — missing or unseen) follows `defaultLeft`.
 */
export const childOf = (t: Tree, i: number, x: number, numCategories: number): number => {
  const cats = t.categories[i]
  if (cats) {
    if (!(x >= 0 && x < numCategories)) return t.defaultLeft[i] === 1 ? t.left[i]! : t.right[i]!
    return hasCode(cats, x) ? t.left[i]! : t.right[i]!
  }
  if (x <= t.threshold[i]!) return t.left[i]!
  if (x > t.threshold[i]!) return t.right[i]!
  return t.defaultLeft[i] === 1 ? t.left[i]! : t.right[i]!
}
