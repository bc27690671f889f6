import { KeelError } from '../errors/index.js'
import { chiSquareHomogeneity } from './chi-square.js'
import { jensenShannonDistance, populationStabilityIndex } from './divergence.js'
import type { CategoricalReferenceProfile } from './profile.js'

/** Univariate drift statistics of one categorical feature, reference vs current. */
export interface CategoricalDrift {
  readonly kind: 'categorical'
  readonly n: { readonly reference: number; readonly current: number }
  readonly missingRate: { readonly reference: number; readonly current: number }
  /** Chi-square test of homogeneity on the 2 x k table (scipy `chi2_contingency`). */
  readonly chiSquare: { readonly statistic: number; readonly pValue: number; readonly dof: number }
  /** Cramér's V of the same table: an effect size in [0, 1] that does not grow with n. */
  readonly cramersV: number
  readonly psi: number
  readonly jensenShannon: number
  /** Categories seen now but never in the reference, and their share of the current window. */
  readonly unseen: { readonly categories: readonly string[]; readonly share: number }
  readonly categories: readonly string[]
  readonly counts: { readonly reference: readonly number[]; readonly current: readonly number[] }
}

/**
 * Categorical drift of current values against a stored {@link CategoricalReferenceProfile}:
 * categories are aligned by name (new ones get a reference count of 0), then the chi-square test,
 * Cramér's V, PSI and Jensen–Shannon distance are computed on the aligned counts.
 */
export const compareCategoricalToProfile = (
  profile: CategoricalReferenceProfile,
  current: ArrayLike<string | null | undefined>,
): CategoricalDrift => {
  const index = new Map(profile.categories.map((c, i) => [c, i]))
  const categories = [...profile.categories]
  const refCounts = [...profile.counts]
  const curCounts = new Array<number>(categories.length).fill(0)
  const unseen: string[] = []
  let missing = 0
  for (let i = 0; i < current.length; i++) {
    const v = current[i]
    if (v === null || v === undefined) {
      missing++
      continue
    }
    let k = index.get(v)
    if (k === undefined) {
      k = categories.length
      index.set(v, k)
      categories.push(v)
      refCounts.push(0)
      curCounts.push(0)
      unseen.push(v)
    }
    curCounts[k]!++
  }
  const nCur = current.length - missing
  if (profile.count === 0 || nCur === 0) {
    throw new KeelError('INVALID_DATA', 'categorical drift needs values on both sides', {
      details: { reference: profile.count, current: nCur },
    })
  }
  const chi = chiSquareHomogeneity([refCounts, curCounts])
  let unseenCount = 0
  for (const u of unseen) unseenCount += curCounts[index.get(u)!]!
  return {
    kind: 'categorical',
    n: { reference: profile.count, current: nCur },
    missingRate: {
      reference: profile.missing / (profile.count + profile.missing),
      current: missing / current.length,
    },
    chiSquare: { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof },
    cramersV: chi.cramersV,
    psi: populationStabilityIndex(refCounts, curCounts),
    jensenShannon: jensenShannonDistance(refCounts, curCounts),
    unseen: { categories: unseen, share: unseenCount / nCur },
    categories,
    counts: { reference: refCounts, current: curCounts },
  }
}
