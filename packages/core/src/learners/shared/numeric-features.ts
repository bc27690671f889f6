import { KeelError } from '../../errors/index.js'
import type { Frame } from '../../frame/index.js'
import { alignFeatures, pinFeatures } from '../features.js'
import type { FeatureSpec } from '../protocol.js'

/**
 * Pin the features of `X` for a learner that only understands numbers (linear models, kNN). A
 * categorical column is an `INVALID_DATA` error that tells the user to encode it first, rather than
 * a silent use of its integer codes (which would invent an order between categories).
 */
export const pinNumericFeatures = (X: Frame, learner: string): FeatureSpec[] => {
  const specs = pinFeatures(X)
  const categorical = specs.filter((s) => s.kind === 'categorical').map((s) => s.name)
  if (categorical.length > 0) {
    throw new KeelError(
      'INVALID_DATA',
      `${learner} needs numeric features; ${categorical.map((c) => `"${c}"`).join(', ')} ${categorical.length === 1 ? 'is' : 'are'} categorical`,
      {
        path: [categorical[0]!],
        issues: categorical.map((c) => ({
          code: 'categorical_feature',
          path: [c],
          message: `feature "${c}" is categorical`,
        })),
        hint: 'encode categorical features first (one-hot, target or hashing encoding in a feature pipeline)',
      },
    )
  }
  return specs
}

/**
 * The numeric feature columns of `X` in pinned order, checked to hold no missing or infinite value.
 * Schema problems are `SCHEMA_MISMATCH` (from {@link alignFeatures}); a NaN or ±Infinity is an
 * `INVALID_DATA` error naming the column and the first offending row, because a linear model or a
 * distance would otherwise turn it into a silent NaN prediction.
 */
export const numericFeatureColumns = (
  X: Frame,
  specs: readonly FeatureSpec[],
  learner: string,
): Float64Array[] => {
  const cols = alignFeatures(X, specs)
  const out: Float64Array[] = []
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j]!
    const name = specs[j]!.name
    if (!(c instanceof Float64Array)) {
      throw new KeelError('INVALID_DATA', `${learner}: feature "${name}" is not numeric`, {
        path: [name],
      })
    }
    for (let i = 0; i < c.length; i++) {
      if (!Number.isFinite(c[i]!)) {
        throw new KeelError(
          'INVALID_DATA',
          `${learner}: feature "${name}" has a ${Number.isNaN(c[i]!) ? 'missing (NaN)' : 'non-finite'} value at row ${i}`,
          {
            path: [name, i],
            hint: 'impute missing values first (e.g. an imputer step in the feature pipeline)',
          },
        )
      }
    }
    out.push(c)
  }
  return out
}
