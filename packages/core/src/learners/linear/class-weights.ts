import { z } from 'zod'
import { KeelError } from '../../errors/index.js'

/** Zod schema of the `classWeight` hyperparameter shared by the linear classifiers. */
export const classWeightSchema = z
  .union([z.literal('balanced'), z.record(z.string(), z.number().positive().finite())])
  .optional()
  .describe(
    'Per-class loss weights: "balanced" (n / (K · count of the class), as scikit-learn) or a map from class label to weight (absent classes weigh 1). Multiplies the sample weights.',
  )

/** The `classWeight` hyperparameter after parsing. */
export type ClassWeightParam = z.output<typeof classWeightSchema>

/**
 * Per-class multipliers for a training set. "balanced" uses unweighted class counts, exactly as
 * scikit-learn's `compute_class_weight` (sample weights are not part of it). A label that is not a
 * class is an `INVALID_PARAMS` error rather than a silently ignored weight.
 */
export const resolveClassWeights = (
  param: ClassWeightParam,
  classes: readonly string[],
  y: Float64Array,
): Float64Array => {
  const k = classes.length
  const out = new Float64Array(k).fill(1)
  if (param === undefined) return out
  if (param === 'balanced') {
    const counts = new Float64Array(k)
    for (let i = 0; i < y.length; i++) counts[y[i]!] = counts[y[i]!]! + 1
    const present = counts.reduce((c, v) => c + (v > 0 ? 1 : 0), 0)
    for (let c = 0; c < k; c++) out[c] = counts[c]! > 0 ? y.length / (present * counts[c]!) : 1
    return out
  }
  const index = new Map(classes.map((c, i) => [c, i]))
  for (const [label, w] of Object.entries(param)) {
    const c = index.get(label)
    if (c === undefined) {
      throw new KeelError('INVALID_PARAMS', `classWeight names "${label}", which is not a class`, {
        path: ['classWeight', label],
        details: { classes },
      })
    }
    out[c] = w
  }
  return out
}

/** Sample weights × class weights, one per row. */
export const effectiveWeights = (
  weight: Float64Array,
  y: Float64Array,
  classWeights: Float64Array,
): Float64Array => {
  const out = new Float64Array(weight.length)
  for (let i = 0; i < weight.length; i++) out[i] = weight[i]! * classWeights[y[i]!]!
  return out
}
