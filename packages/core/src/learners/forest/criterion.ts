/**
 * The impurity criterion of forest trees, written on sums so that it can be evaluated from
 * histograms. A node holds the total weight `w`, its row count and `m` weighted sums `s`:
 *
 * - regression: `m = 1`, `s[0] = Σ w·(y − ȳ)`; the weighted squared error of a node is
 *   `Σ w·y² − s²/w`, so a split decreases it by `sL²/wL + sR²/wR − s²/w` (scikit-learn's
 *   `squared_error`);
 * - classification with K classes: `m = K − 1`, `s[j] = Σ w·[y = j + 1]` and the weight of class 0
 *   is `w − Σ s`; the weighted Gini impurity is `w − Σ_k s_k²/w`, so a split decreases it by
 *   `Σ_k (sL_k²/wL + sR_k²/wR − s_k²/w)` over all K classes (scikit-learn's `gini`).
 *
 * Both decreases are `term(L) + term(R) − term(parent)` with {@link sumsTerm}.
 */

/** Weight, row count and weighted sums of a node (see the module doc). */
export interface NodeSums {
  readonly w: number
  readonly count: number
  readonly s: ArrayLike<number>
}

/** Σ s_k²/w over the node's outputs (plus class 0's share for classification); 0 when w ≤ 0. */
export const sumsTerm = (s: ArrayLike<number>, w: number, classification: boolean): number => {
  if (!(w > 0)) return 0
  let t = 0
  let rest = w
  for (let j = 0; j < s.length; j++) {
    const v = s[j]!
    t += v * v
    rest -= v
  }
  if (classification) t += rest * rest
  return t / w
}

/** Weighted Gini impurity (classification) of a node from its sums: w − Σ_k s_k²/w. */
export const giniOf = (sums: NodeSums): number => sums.w - sumsTerm(sums.s, sums.w, true)
