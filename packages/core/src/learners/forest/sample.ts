import type { Rng } from '../../random/index.js'
import type { TrainingSet } from '../protocol.js'
import type { ForestParams } from './params.js'

/**
 * One tree's sample, as scikit-learn draws it: with `bootstrap`, round(maxSamples · n) uniform
 * draws with replacement, and a row's weight in the tree is its base weight times the number of
 * times it was drawn; without, every row once. `balancedSubsample` then reweights classes to
 * n / (K · count) on the drawn rows. Writes the tree's row weights into `weight` and returns the
 * draw counts (0 marks the tree's out-of-bag rows).
 */
export const perTreeSample = (
  params: ForestParams,
  data: TrainingSet,
  base: Float64Array,
  numClasses: number,
  rng: Rng,
  weight: Float64Array,
): Int32Array => {
  const n = base.length
  const counts = new Int32Array(n)
  if (params.bootstrap) {
    const draws = Math.max(1, Math.round(params.maxSamples * n))
    for (let d = 0; d < draws; d++) counts[rng.int(n)]!++
  } else counts.fill(1)
  for (let i = 0; i < n; i++) weight[i] = base[i]! * counts[i]!
  if (params.classWeight === 'balancedSubsample' && numClasses > 0) {
    const perClass = new Float64Array(numClasses)
    let total = 0
    for (let i = 0; i < n; i++) {
      perClass[data.y[i]!]! += weight[i]!
      total += weight[i]!
    }
    const present = perClass.reduce((s, v) => s + (v > 0 ? 1 : 0), 0)
    for (let i = 0; i < n; i++) {
      const k = data.y[i]!
      if (weight[i]! > 0) weight[i] = (weight[i]! * total) / (present * perClass[k]!)
    }
  }
  return counts
}
