import type { FeatureSpec } from '../protocol.js'
import { childOf, treeDepth, type Tree } from './tree.js'

/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2), as XGBoost implements
 * it for `pred_contribs`: the expectation over "absent" features follows each split in proportion
 * to the training cover (hessian sum) of its children. Per tree this is O(leaves · depth²).
 */

/** The unique-path stack of the algorithm as parallel arrays, one slab per recursion level. */
class Path {
  readonly feature: Int32Array
  readonly zero: Float64Array
  readonly one: Float64Array
  readonly weight: Float64Array
  constructor(maxDepth: number) {
    const d = maxDepth + 2
    const size = (d * (d + 1)) / 2
    this.feature = new Int32Array(size)
    this.zero = new Float64Array(size)
    this.one = new Float64Array(size)
    this.weight = new Float64Array(size)
  }

  copy(from: number, to: number, len: number): void {
    this.feature.copyWithin(to, from, from + len)
    this.zero.copyWithin(to, from, from + len)
    this.one.copyWithin(to, from, from + len)
    this.weight.copyWithin(to, from, from + len)
  }

  extend(p: number, depth: number, zero: number, one: number, feature: number): void {
    const w = this.weight
    this.feature[p + depth] = feature
    this.zero[p + depth] = zero
    this.one[p + depth] = one
    w[p + depth] = depth === 0 ? 1 : 0
    for (let i = depth - 1; i >= 0; i--) {
      w[p + i + 1]! += (one * w[p + i]! * (i + 1)) / (depth + 1)
      w[p + i] = (zero * w[p + i]! * (depth - i)) / (depth + 1)
    }
  }

  unwind(p: number, depth: number, index: number): void {
    const w = this.weight
    const one = this.one[p + index]!
    const zero = this.zero[p + index]!
    let next = w[p + depth]!
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = w[p + i]!
        w[p + i] = (next * (depth + 1)) / ((i + 1) * one)
        next = tmp - (w[p + i]! * zero * (depth - i)) / (depth + 1)
      } else {
        w[p + i] = (w[p + i]! * (depth + 1)) / (zero * (depth - i))
      }
    }
    for (let i = index; i < depth; i++) {
      this.feature[p + i] = this.feature[p + i + 1]!
      this.zero[p + i] = this.zero[p + i + 1]!
      this.one[p + i] = this.one[p + i + 1]!
    }
  }

  unwoundSum(p: number, depth: number, index: number): number {
    const w = this.weight
    const one = this.one[p + index]!
    const zero = this.zero[p + index]!
    let next = w[p + depth]!
    let total = 0
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = (next * (depth + 1)) / ((i + 1) * one)
        total += tmp
        next = w[p + i]! - (tmp * zero * (depth - i)) / (depth + 1)
      } else if (zero !== 0) {
        total += w[p + i]! / zero / ((depth - i) / (depth + 1))
      }
    }
    return total
  }
}

/** Cover-weighted mean leaf value of the subtree at each node (the tree's expected output at 0). */
export const nodeMeans = (t: Tree): Float64Array => {
  const L = t.feature.length
  const mean = new Float64Array(L)
  // Children always come after their parent, so a reverse sweep sees children first.
  for (let i = L - 1; i >= 0; i--) {
    if (t.feature[i]! < 0) mean[i] = t.value[i]!
    else {
      const l = t.left[i]!
      const r = t.right[i]!
      const c = t.cover[i]!
      mean[i] = c > 0 ? (mean[l]! * t.cover[l]! + mean[r]! * t.cover[r]!) / c : 0
    }
  }
  return mean
}

/**
 * Add one tree's SHAP values for the row `x[xOff..]` into `phi[phiOff..phiOff+F)` and its expected
 * value into `phi[phiOff+F]`.
 */
const treeShap = (
  t: Tree,
  x: ArrayLike<number>,
  xOff: number,
  numCategories: ArrayLike<number>,
  phi: Float64Array,
  phiOff: number,
  means: Float64Array,
  path: Path,
): void => {
  phi[phiOff + numCategories.length]! += means[0]!
  const recurse = (
    node: number,
    depth: number,
    parent: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void => {
    const p = parent + depth + 1
    path.copy(parent, p, depth + 1)
    path.extend(p, depth, parentZero, parentOne, parentFeature)
    const f = t.feature[node]!
    if (f < 0) {
      const v = t.value[node]!
      for (let i = 1; i <= depth; i++) {
        const w = path.unwoundSum(p, depth, i)
        phi[phiOff + path.feature[p + i]!]! += w * (path.one[p + i]! - path.zero[p + i]!) * v
      }
      return
    }
    const hot = childOf(t, node, x[xOff + f]!, numCategories[f]!)
    const cold = hot === t.left[node] ? t.right[node]! : t.left[node]!
    const cover = t.cover[node]!
    const hotZero = cover > 0 ? t.cover[hot]! / cover : 0
    const coldZero = cover > 0 ? t.cover[cold]! / cover : 0
    let inZero = 1
    let inOne = 1
    let k = 0
    for (; k <= depth; k++) if (path.feature[p + k] === f) break
    let d = depth
    if (k !== depth + 1) {
      inZero = path.zero[p + k]!
      inOne = path.one[p + k]!
      path.unwind(p, d, k)
      d -= 1
    }
    recurse(hot, d + 1, p, hotZero * inZero, inOne, f)
    recurse(cold, d + 1, p, coldZero * inZero, 0, f)
  }
  recurse(0, 0, 0, 1, 1, -1)
}

/** What SHAP needs of a model. */
export interface ShapModel {
  readonly features: readonly FeatureSpec[]
  readonly base: Float64Array
  readonly trees: readonly Tree[]
  readonly outputs: ArrayLike<number>
}

/**
 * SHAP values for `nRows` rows given row-major in `x`: layout n × K × (F + 1), the last entry of
 * each block being the bias (base score plus every tree's expected value). Each block sums to the
 * row's raw score for that output.
 */
export const shapValues = (model: ShapModel, x: Float64Array, nRows: number): Float64Array => {
  const F = model.features.length
  const K = model.base.length
  const numCats = model.features.map((f) => (f.kind === 'categorical' ? f.categories.length : 0))
  const out = new Float64Array(nRows * K * (F + 1))
  const means = model.trees.map(nodeMeans)
  let maxDepth = 0
  for (const t of model.trees) maxDepth = Math.max(maxDepth, treeDepth(t))
  const path = new Path(maxDepth)
  for (let r = 0; r < nRows; r++) {
    for (let k = 0; k < K; k++) out[(r * K + k) * (F + 1) + F] = model.base[k]!
    for (let ti = 0; ti < model.trees.length; ti++) {
      const off = (r * K + model.outputs[ti]!) * (F + 1)
      treeShap(model.trees[ti]!, x, r * F, numCats, out, off, means[ti]!, path)
    }
  }
  return out
}
