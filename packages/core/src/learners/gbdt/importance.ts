import type { FeatureSpec } from '../protocol.js'
import type { Tree } from './tree.js'

/** `split`: how many splits use a feature; `gain`: the total gain of those splits. */
export type ImportanceType = 'split' | 'gain'

/**
 * Boosted-tree feature importance (XGBoost's `weight` and `total_gain`), keyed by feature name.
 * Every feature appears, with 0 when no split uses it. Gain is XGBoost's (twice the loss decrease).
 */
export const featureImportance = (
  model: { readonly features: readonly FeatureSpec[]; readonly trees: readonly Tree[] },
  type: ImportanceType,
): Record<string, number> => {
  const acc = new Float64Array(model.features.length)
  for (const t of model.trees) {
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i]!
      if (f >= 0) acc[f]! += type === 'split' ? 1 : t.gain[i]!
    }
  }
  const out: Record<string, number> = {}
  model.features.forEach((spec, f) => (out[spec.name] = acc[f]!))
  return out
}
