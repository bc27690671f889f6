/** The flattened forest a batch plan is made from (see Forest in predictor.ts). */
export interface FlatForest {
  readonly numFeatures: number
  /** Dictionary size per feature; 0 for numeric features. */
  readonly numCategories: ArrayLike<number>
  readonly feature: Int32Array
  readonly threshold: Float64Array
  readonly right: Int32Array
  /** Bit 2: categorical split. */
  readonly flags: Uint8Array
  readonly catOffset: Int32Array
  readonly bits: Uint32Array
}

const FLAG_CATEGORICAL = 2

/**
 * Batch inference on integers. Every numeric threshold of the forest is replaced by its rank among
 * the distinct thresholds of its feature, and a batch's values by the number of those thresholds
 * below them, so `x ≤ threshold` becomes `bin ≤ rank` — exact, since both sides count the same
 * thresholds. Values are encoded once per batch (a binary search per value) instead of being
 * compared as floats at every node of every tree, missing values are handled once per row (such
 * rows take the float walk), and a node's four words share one cache line.
 */
export interface BatchPlan {
  readonly numFeatures: number
  /** Per numeric feature, the forest's distinct thresholds on it, ascending (empty if unused). */
  readonly cuts: readonly Float64Array[]
  readonly numCategories: Int32Array
  /**
   * Four words per node: feature (−1 at leaves), right child, the threshold's rank (numeric
   * splits) and the bit-set's first word (categorical splits; 0 for numeric ones).
   */
  readonly nodes: Int32Array
  readonly bits: Uint32Array
}

/** Bit-set words start after this many zeros, so a categorical node's base is never 0. */
const ZERO_WORDS = 1

/** Build the plan of a flattened forest. */
export const batchPlan = (f: FlatForest): BatchPlan => {
  const F = f.numFeatures
  const N = f.feature.length
  const sets: Set<number>[] = Array.from({ length: F }, () => new Set())
  for (let i = 0; i < N; i++) {
    const feat = f.feature[i]!
    if (feat >= 0 && (f.flags[i]! & FLAG_CATEGORICAL) === 0) sets[feat]!.add(f.threshold[i]!)
  }
  const cuts = sets.map((s) => Float64Array.from(s).sort())
  const nodes = new Int32Array(4 * N)
  for (let i = 0; i < N; i++) {
    const feat = f.feature[i]!
    nodes[4 * i] = feat
    nodes[4 * i + 1] = f.right[i]!
    if (feat < 0) continue
    if ((f.flags[i]! & FLAG_CATEGORICAL) !== 0) nodes[4 * i + 3] = ZERO_WORDS + f.catOffset[i]!
    else nodes[4 * i + 2] = lowerBound(cuts[feat]!, f.threshold[i]!)
  }
  const bits = new Uint32Array(ZERO_WORDS + f.bits.length)
  bits.set(f.bits, ZERO_WORDS)
  return {
    numFeatures: F,
    cuts,
    numCategories: Int32Array.from(f.numCategories),
    nodes,
    bits,
  }
}

/** Number of values in sorted `a` strictly below `v`. */
const lowerBound = (a: Float64Array, v: number): number => {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Integer codes of `nRows` row-major rows into `codes`: bins for numeric features, dictionary codes
 * for categorical ones. Returns into `plain[r]` 1 when the row has no missing value, no unseen or
 * out-of-range category and no non-integer code — the rows the integer walk handles; the others
 * (0) take the float walk, which knows default directions.
 */
export const encodeBatch = (
  plan: BatchPlan,
  x: Float64Array,
  nRows: number,
  codes: Int32Array,
  plain: Uint8Array,
): void => {
  const F = plan.numFeatures
  for (let r = 0; r < nRows; r++) plain[r] = 1
  for (let f = 0; f < F; f++) {
    const nc = plan.numCategories[f]!
    const cuts = plan.cuts[f]!
    for (let r = 0; r < nRows; r++) {
      const v = x[r * F + f]!
      if (nc > 0) {
        const ok = v >= 0 && v < nc && (v | 0) === v
        codes[r * F + f] = ok ? v : 0
        if (!ok) plain[r] = 0
      } else if (v !== v) {
        codes[r * F + f] = 0
        plain[r] = 0
      } else {
        codes[r * F + f] = lowerBound(cuts, v)
      }
    }
  }
}

/**
 * Add one tree's leaf values (`leafValue[leaf]`, from node `root`) to `out[r * k + o]` for the
 * plain rows of a batch. A numeric node goes right when the row's bin exceeds the threshold's
 * rank; a categorical one when the code's bit is clear.
 */
export const addTree = (
  plan: BatchPlan,
  leafValue: Float64Array,
  root: number,
  codes: Int32Array,
  plain: Uint8Array,
  nRows: number,
  out: Float64Array,
  k: number,
  o: number,
): void => {
  const { nodes, bits } = plan
  const F = plan.numFeatures
  for (let r = 0; r < nRows; r++) {
    if (plain[r] === 0) continue
    const x = r * F
    let i = root
    let f = nodes[4 * i]!
    while (f >= 0) {
      const v = codes[x + f]!
      const nd = 4 * i
      const cb = nodes[nd + 3]!
      const right = cb === 0 ? v > nodes[nd + 2]! : ((bits[cb + (v >>> 5)]! >>> (v & 31)) & 1) === 0
      i = right ? nodes[nd + 1]! : i + 1
      f = nodes[4 * i]!
    }
    out[r * k + o]! += leafValue[i]!
  }
}
