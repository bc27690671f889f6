import { addTree, batchPlan, encodeBatch, type BatchPlan } from './batch-predictor.js'
import type { Tree } from './tree.js'

const FLAG_DEFAULT_LEFT = 1
const FLAG_CATEGORICAL = 2

/**
 * A whole ensemble flattened into a handful of typed arrays for fast inference on raw values.
 *
 * Nodes are laid out depth-first (pre-order), so a left child is always the next node and only
 * the right child's index is stored; a leaf keeps its value in the threshold slot. One row walks
 * each tree touching three small arrays, with no allocation; category sets are bitsets over the
 * training dictionary.
 */
export class Forest {
  readonly numFeatures: number
  readonly numOutputs: number
  readonly numTrees: number
  readonly base: Float64Array
  readonly #feature: Int32Array
  readonly #threshold: Float64Array
  readonly #right: Int32Array
  readonly #flags: Uint8Array
  readonly #catOffset: Int32Array
  readonly #catCount: Int32Array
  readonly #bits: Uint32Array
  readonly #roots: Int32Array
  readonly #output: Int32Array
  readonly #numCategories: Int32Array
  #plan: BatchPlan | undefined

  /**
   * @param outputs - the raw output column each tree adds to (its class for multiclass, else 0)
   * @param numCategories - dictionary size per feature (0 for numeric features)
   */
  constructor(
    trees: readonly Tree[],
    outputs: ArrayLike<number>,
    base: ArrayLike<number>,
    numCategories: ArrayLike<number>,
  ) {
    this.numFeatures = numCategories.length
    this.numOutputs = base.length
    this.numTrees = trees.length
    this.base = Float64Array.from(base)
    this.#numCategories = Int32Array.from(numCategories)
    let total = 0
    let words = 0
    for (const t of trees) {
      total += t.feature.length
      for (let i = 0; i < t.feature.length; i++) {
        if (t.categories[i]) words += Math.ceil(numCategories[t.feature[i]!]! / 32)
      }
    }
    this.#feature = new Int32Array(total)
    this.#threshold = new Float64Array(total)
    this.#right = new Int32Array(total)
    this.#flags = new Uint8Array(total)
    this.#catOffset = new Int32Array(total)
    this.#catCount = new Int32Array(total)
    this.#bits = new Uint32Array(words)
    this.#roots = new Int32Array(trees.length)
    this.#output = Int32Array.from(outputs)
    let pos = 0
    let wpos = 0
    const stack: number[] = []
    trees.forEach((t, ti) => {
      this.#roots[ti] = pos
      // Iterative pre-order walk; `fixups` remembers where each right child's index goes.
      stack.length = 0
      stack.push(0, -1)
      while (stack.length > 0) {
        const parentSlot = stack.pop()!
        const i = stack.pop()!
        const at = pos++
        if (parentSlot >= 0) this.#right[parentSlot] = at
        const f = t.feature[i]!
        this.#feature[at] = f
        if (f < 0) {
          this.#threshold[at] = t.value[i]!
          continue
        }
        let flags = t.defaultLeft[i] === 1 ? FLAG_DEFAULT_LEFT : 0
        const cats = t.categories[i]
        if (cats) {
          flags |= FLAG_CATEGORICAL
          const count = numCategories[f]!
          this.#catOffset[at] = wpos
          this.#catCount[at] = count
          for (const c of cats) this.#bits[wpos + (c >>> 5)]! |= 1 << (c & 31)
          wpos += Math.ceil(count / 32)
        } else {
          this.#threshold[at] = t.threshold[i]!
        }
        this.#flags[at] = flags
        // Right subtree is visited after the left one; its index is patched into `at`.
        stack.push(t.right[i]!, at, t.left[i]!, -1)
      }
    })
  }

  /** The child of inner node `i` for value `v`. */
  #step(i: number, v: number): number {
    const fl = this.#flags[i]!
    if ((fl & FLAG_CATEGORICAL) === 0) {
      const thr = this.#threshold[i]!
      if (v <= thr) return i + 1
      if (v > thr) return this.#right[i]!
    } else if (v >= 0 && v < this.#catCount[i]!) {
      const c = v | 0
      const word = this.#bits[this.#catOffset[i]! + (c >>> 5)]!
      return (word >>> (c & 31)) & 1 ? i + 1 : this.#right[i]!
    }
    return (fl & FLAG_DEFAULT_LEFT) !== 0 ? i + 1 : this.#right[i]!
  }

  /** Index of the leaf `x` reaches in tree `t` (raw values by feature; codes for categoricals). */
  leafIndex(t: number, x: ArrayLike<number>, offset = 0): number {
    const feature = this.#feature
    let i = this.#roots[t]!
    let f = feature[i]!
    while (f >= 0) {
      i = this.#step(i, x[offset + f]!)
      f = feature[i]!
    }
    return i
  }

  /** Output of tree `t` for one row. */
  treeValue(t: number, x: ArrayLike<number>, offset = 0): number {
    return this.#threshold[this.leafIndex(t, x, offset)]!
  }

  /**
   * Raw scores of one row into `out[outOffset..outOffset+numOutputs)`: the hot path for online
   * prediction (no allocation). `x` holds one value per feature in the model's feature order:
   * numbers (NaN = missing) and category codes into the training dictionary (negative = missing
   * or unseen).
   */
  rawRowInto(x: ArrayLike<number>, out: Float64Array, outOffset = 0, xOffset = 0): void {
    const k = this.numOutputs
    for (let c = 0; c < k; c++) out[outOffset + c] = this.base[c]!
    const threshold = this.#threshold
    const output = this.#output
    const T = this.numTrees
    for (let t = 0; t < T; t++) {
      out[outOffset + output[t]!]! += threshold[this.leafIndex(t, x, xOffset)]!
    }
  }

  /** Raw score of one row for single-output models (binary logit or regression value). */
  rawRow(x: ArrayLike<number>, xOffset = 0): number {
    let s = this.base[0]!
    const threshold = this.#threshold
    const T = this.numTrees
    for (let t = 0; t < T; t++) s += threshold[this.leafIndex(t, x, xOffset)]!
    return s
  }

  /**
   * Raw scores of `nRows` rows stored row-major in `x` (numFeatures values each) into `out`
   * (row-major, numOutputs each). Rows are encoded as integers once per block and trees are the
   * outer loop within a block, so one tree's nodes stay in cache while it scores the block (see
   * batch-predictor.ts); rows with missing or unknown values take the one-row walk. Both give
   * bit-identical sums, added in tree order.
   */
  rawRowsInto(x: Float64Array, nRows: number, out: Float64Array): void {
    const k = this.numOutputs
    const F = this.numFeatures
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < k; c++) out[r * k + c] = this.base[c]!
    }
    this.#plan ??= batchPlan({
      numFeatures: F,
      numCategories: this.#numCategories,
      feature: this.#feature,
      threshold: this.#threshold,
      right: this.#right,
      flags: this.#flags,
      catOffset: this.#catOffset,
      bits: this.#bits,
    })
    const plan = this.#plan
    const threshold = this.#threshold
    const T = this.numTrees
    const BLOCK = 1024
    const codes = new Int32Array(Math.min(nRows, BLOCK) * F)
    const plain = new Uint8Array(Math.min(nRows, BLOCK))
    for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
      const m = Math.min(nRows, r0 + BLOCK) - r0
      encodeBatch(plan, x.subarray(r0 * F, (r0 + m) * F), m, codes, plain)
      const block = out.subarray(r0 * k, (r0 + m) * k)
      for (let t = 0; t < T; t++) {
        const o = this.#output[t]!
        addTree(plan, threshold, this.#roots[t]!, codes, plain, m, block, k, o)
      }
      for (let r = 0; r < m; r++) {
        if (plain[r] === 1) continue
        const xo = (r0 + r) * F
        for (let t = 0; t < T; t++) {
          block[r * k + this.#output[t]!]! += threshold[this.leafIndex(t, x, xo)]!
        }
      }
    }
  }
}
