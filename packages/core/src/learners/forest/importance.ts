import type { ForestState } from './model-state.js'

/** `impurity`: mean decrease in impurity (MDI); `split`: how many splits use the feature. */
export type ForestImportanceType = 'impurity' | 'split'

/**
 * Feature importance by feature name. `impurity` is scikit-learn's `feature_importances_`: each
 * tree's weighted impurity decreases per feature, divided by the tree's total weight and
 * normalised to sum 1, averaged over trees and normalised again (features no split uses get 0).
 * Like every MDI, it favours features with many distinct values; permutation importance
 * (`core/importance`) does not.
 */
export const forestImportance = (
  s: ForestState,
  type: ForestImportanceType = 'impurity',
): Record<string, number> => {
  const F = s.features.length
  const acc = new Float64Array(F)
  const per = new Float64Array(F)
  for (const t of s.trees) {
    per.fill(0)
    const root = t.cover[0]!
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i]!
      if (f >= 0) per[f]! += type === 'split' ? 1 : t.gain[i]! / root
    }
    if (type === 'split') {
      for (let f = 0; f < F; f++) acc[f]! += per[f]!
      continue
    }
    const sum = per.reduce((a, b) => a + b, 0)
    if (sum > 0) for (let f = 0; f < F; f++) acc[f]! += per[f]! / sum
  }
  if (type === 'impurity') {
    const sum = acc.reduce((a, b) => a + b, 0)
    if (sum > 0) for (let f = 0; f < F; f++) acc[f] = acc[f]! / sum
  }
  const out: Record<string, number> = {}
  s.features.forEach((spec, f) => (out[spec.name] = acc[f]!))
  return out
}
