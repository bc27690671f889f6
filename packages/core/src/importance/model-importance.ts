import { KeelError } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import type { FeatureSpec } from '../learners/index.js'
import type { Rng } from '../random/index.js'
import { allRows, sampleRows } from './sample.js'

/** One feature's importance and its share of the total, for ranked tables and bar charts. */
export interface RankedImportance {
  readonly feature: string
  readonly importance: number
  /** `importance / Σ importance` (0 when every importance is 0). */
  readonly share: number
}

/**
 * Importances keyed by feature as a list sorted by decreasing importance (ties by name), with
 * shares of the total: "the top 10 features carry half the importance" reads straight off it.
 */
export const rankImportance = (values: Readonly<Record<string, number>>): RankedImportance[] => {
  const entries = Object.entries(values)
  let total = 0
  for (const [, v] of entries) total += v
  return entries
    .map(([feature, importance]) => ({
      feature,
      importance,
      share: total > 0 ? importance / total : 0,
    }))
    .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1))
}

/** A boosted-tree model that reports split-based importance (the GBDT does). */
export interface SplitImportanceModel {
  featureImportance(type: 'gain' | 'split'): Record<string, number>
}

/**
 * Boosted-tree importance (the book's "boosted feature importance"): `gain` is the total loss
 * reduction of the splits on each feature, `split` how many splits use it. Cheap — read off the
 * trees, no data — but measured on training data, biased towards high-cardinality features and
 * blind to what happens at serving time; prefer permutation importance on validation data for
 * decisions.
 */
export const treeImportance = (
  model: SplitImportanceModel,
  type: 'gain' | 'split' = 'gain',
): RankedImportance[] => rankImportance(model.featureImportance(type))

/**
 * A model that attributes each raw output to its features, XGBoost `pred_contribs` layout:
 * row-major n × K × (F + 1), the last entry of each block being the bias (GBDT TreeSHAP).
 */
export interface ContributionModel {
  readonly features: readonly FeatureSpec[]
  readonly numOutputs: number
  contributions(X: Frame): Float64Array
}

/** True when `model` can attribute its outputs to features. */
export const hasContributions = (model: unknown): model is ContributionModel =>
  typeof (model as Partial<ContributionModel> | null)?.contributions === 'function' &&
  typeof (model as Partial<ContributionModel>).numOutputs === 'number'

/** Options of {@link meanAbsShap}. */
export interface MeanAbsShapOptions {
  /** Explain a seeded sample of at most this many rows (TreeSHAP costs O(trees · leaves · depth²)). */
  readonly maxRows?: number
  readonly rng?: Rng
}

/**
 * Global SHAP importance: the mean over rows of |contribution| per feature, in the model's raw
 * units (log-odds for classifiers). For multiclass models the per-class means are summed, as SHAP's
 * stacked bar summary does. Unlike gain it is measured on the rows you pass (use validation data)
 * and is consistent: a feature the model relies on more never gets less credit.
 */
export const meanAbsShap = (
  model: ContributionModel,
  X: Frame,
  options: MeanAbsShapOptions = {},
): RankedImportance[] => {
  let rows = X
  if (options.maxRows !== undefined && options.maxRows < X.numRows) {
    if (!options.rng) {
      throw new KeelError('INVALID_ARGUMENT', 'sampling rows for SHAP needs an rng')
    }
    rows = X.take(sampleRows(allRows(X.numRows), options.maxRows, options.rng))
  }
  const n = rows.numRows
  if (n === 0) throw new KeelError('INVALID_DATA', 'no rows to explain')
  const F = model.features.length
  const K = model.numOutputs
  const c = model.contributions(rows)
  const acc = new Float64Array(F)
  for (let b = 0; b < n * K; b++) {
    const at = b * (F + 1)
    for (let f = 0; f < F; f++) acc[f]! += Math.abs(c[at + f]!)
  }
  const out: Record<string, number> = {}
  model.features.forEach((spec, f) => (out[spec.name] = acc[f]! / n))
  return rankImportance(out)
}
