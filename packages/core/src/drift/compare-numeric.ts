import { KeelError } from '../errors/index.js'
import { jensenShannonDistance, populationStabilityIndex } from './divergence.js'
import { ksPValue, ksStatisticFromGaps, type KsMethod } from './ks-two-sample.js'
import { mergeStatsSorted } from './merge-stats.js'
import type { NumericReferenceProfile } from './profile.js'
import { binCountsSorted, quantileEdges } from './quantile.js'
import { sortGuide, sortGuidedTransient, type SortGuide } from './guided-sort.js'
import { sortSample } from './sort.js'

/** Univariate drift statistics of one numeric feature, reference vs current. */
export interface NumericDrift {
  readonly kind: 'numeric'
  readonly n: { readonly reference: number; readonly current: number }
  readonly missingRate: { readonly reference: number; readonly current: number }
  /** Two-sided KS test (scipy `ks_2samp` semantics). `approximate` when the reference is a sketch. */
  readonly ks: {
    readonly statistic: number
    readonly pValue: number
    readonly method: 'exact' | 'asymp'
    readonly approximate: boolean
  }
  /** Wasserstein-1 distance in the feature's units. */
  readonly wasserstein: number
  /** Wasserstein-1 divided by the reference standard deviation: unit-free, Evidently's drift score. */
  readonly wassersteinNormalized: number
  /** PSI over the reference's quantile bins (empty bins count as `PSI_EPSILON`). */
  readonly psi: number
  /** Jensen–Shannon distance (base 2) over the same bins. */
  readonly jensenShannon: number
  /** (mean_current - mean_reference) / std_reference. */
  readonly standardizedMeanDifference: number
  readonly bins: {
    readonly edges: readonly number[]
    readonly reference: readonly number[]
    readonly current: readonly number[]
  }
}

/** Options shared by the numeric comparisons. */
export interface NumericCompareOptions {
  /** KS p-value method (scipy's). Default 'auto'. */
  readonly ksMethod?: KsMethod
  /** Quantile bins when comparing two raw samples. Default 10. */
  readonly bins?: number
}

const requireFiniteEnds = (sorted: Float64Array, name: string): void => {
  const n = sorted.length
  if (n > 0 && (!Number.isFinite(sorted[0]!) || !Number.isFinite(sorted[n - 1]!))) {
    throw new KeelError('INVALID_DATA', `${name} contains infinite values`, { path: [name] })
  }
}

const meanOf = (a: Float64Array): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m += a[i]!
  return m / a.length
}

const meanStd = (a: Float64Array): [number, number] => {
  const m = meanOf(a)
  let ss = 0
  for (let i = 0; i < a.length; i++) ss += (a[i]! - m) ** 2
  return [m, a.length > 1 ? Math.sqrt(ss / (a.length - 1)) : 0]
}

/** Scale for the unit-free effect sizes: the std, or the range when the std is 0, else 1. */
const scaleOf = (std: number, min: number, max: number): number =>
  std > 0 ? std : max > min ? max - min : 1

interface Core {
  readonly refSorted: ArrayLike<number>
  readonly curSorted: Float64Array
  readonly nRef: number
  readonly refMean: number
  readonly refScale: number
  readonly edges: readonly number[]
  readonly refCounts: readonly number[]
  readonly approximate: boolean
  readonly missing: { readonly reference: number; readonly current: number }
}

const compareCore = (c: Core, ksMethod: KsMethod): NumericDrift => {
  const nCur = c.curSorted.length
  if (c.nRef === 0 || nCur === 0) {
    throw new KeelError('INVALID_DATA', 'numeric drift needs non-missing values on both sides', {
      details: { reference: c.nRef, current: nCur },
    })
  }
  const merged = mergeStatsSorted(c.refSorted, c.curSorted)
  const pick = ksStatisticFromGaps(merged, 'two-sided')
  const ks = c.approximate
    ? ksPValue(pick.d, c.nRef, nCur, 'two-sided', 'asymp')
    : ksPValue(pick.d, c.nRef, nCur, 'two-sided', ksMethod)
  const curCounts = binCountsSorted(c.curSorted, c.edges)
  const curMean = meanOf(c.curSorted)
  return {
    kind: 'numeric',
    n: { reference: c.nRef, current: nCur },
    missingRate: {
      reference: c.missing.reference / (c.nRef + c.missing.reference),
      current: c.missing.current / (nCur + c.missing.current),
    },
    ks: {
      statistic: ks.statistic,
      pValue: ks.pValue,
      method: ks.method,
      approximate: c.approximate,
    },
    wasserstein: merged.wasserstein,
    wassersteinNormalized: merged.wasserstein / c.refScale,
    psi: populationStabilityIndex(c.refCounts, curCounts),
    jensenShannon: jensenShannonDistance(c.refCounts, curCounts),
    standardizedMeanDifference: (curMean - c.refMean) / c.refScale,
    bins: { edges: c.edges, reference: c.refCounts, current: curCounts },
  }
}

/**
 * A numeric reference prepared once for many comparisons (a monitor checks window after window
 * against the same training data): the sorted non-missing values with their moments and
 * quantile bins. Comparing against it sorts only the current window, and gives exactly what
 * {@link compareNumericSamples} gives on the raw reference.
 */
export interface PreparedNumericReference {
  /** Non-missing values, ascending, finite. */
  readonly sorted: Float64Array
  /** NaN values removed. */
  readonly missing: number
  readonly mean: number
  /** Sample standard deviation (ddof = 1); 0 for fewer than two values. */
  readonly std: number
  /** Interior edges of the right-closed quantile bins (PSI, JS). */
  readonly edges: readonly number[]
  readonly binCounts: readonly number[]
}

const checkBins = (bins: number): void => {
  if (!Number.isInteger(bins) || bins < 2) {
    throw new KeelError('INVALID_ARGUMENT', `bins must be an integer >= 2, got ${bins}`)
  }
}

/** Prepare an ascending, NaN-free sample as a reference (no copy: `sorted` is kept as is). */
export const prepareNumericReferenceSorted = (
  sorted: Float64Array,
  options: { readonly bins?: number; readonly missing?: number } = {},
): PreparedNumericReference => {
  requireFiniteEnds(sorted, 'reference')
  const bins = options.bins ?? 10
  checkBins(bins)
  const [mean, std] = meanStd(sorted)
  const edges = sorted.length > 0 ? quantileEdges(sorted, bins) : []
  return {
    sorted,
    missing: options.missing ?? 0,
    mean,
    std,
    edges,
    binCounts: binCountsSorted(sorted, edges),
  }
}

/**
 * Prepare a raw reference sample (NaN counts as missing) for {@link compareNumericToPrepared}:
 * one sort, paid once rather than once per comparison.
 */
export const prepareNumericReference = (
  values: ArrayLike<number>,
  options: { readonly bins?: number } = {},
): PreparedNumericReference => {
  const s = sortSample(values)
  return prepareNumericReferenceSorted(s.values, { ...options, missing: s.missing })
}

const compareToPrepared = (
  ref: PreparedNumericReference,
  current: Float64Array,
  missingCurrent: number,
  ksMethod: KsMethod,
): NumericDrift => {
  const n = ref.sorted.length
  return compareCore(
    {
      refSorted: ref.sorted,
      curSorted: current,
      nRef: n,
      refMean: ref.mean,
      refScale: scaleOf(ref.std, ref.sorted[0]!, ref.sorted[n - 1]!),
      edges: ref.edges,
      refCounts: ref.binCounts,
      approximate: false,
      missing: { reference: ref.missing, current: missingCurrent },
    },
    ksMethod,
  )
}

/** Sort guides of prepared references, built on first use and dropped with the reference. */
const guides = new WeakMap<Float64Array, SortGuide | null>()

const guideOf = (sorted: Float64Array): SortGuide | null => {
  let guide = guides.get(sorted)
  if (guide === undefined) {
    guide = sortGuide(sorted)
    guides.set(sorted, guide)
  }
  return guide
}

/**
 * Every univariate numeric drift statistic of a raw current sample against a prepared reference:
 * the current window is sorted once — distributed through the reference's ECDF, so a window that
 * resembles its reference sorts in one pass — and merged once with the reference. Equal to
 * `compareNumericSamples(reference values, current)` with the same bins.
 */
export const compareNumericToPrepared = (
  reference: PreparedNumericReference,
  current: ArrayLike<number>,
  options: Omit<NumericCompareOptions, 'bins'> = {},
): NumericDrift => {
  const cur = sortGuidedTransient(current, guideOf(reference.sorted))
  requireFiniteEnds(cur.values, 'current')
  return compareToPrepared(reference, cur.values, cur.missing, options.ksMethod ?? 'auto')
}

/**
 * Every univariate numeric drift statistic between two ascending, NaN-free samples (for callers
 * that keep a sorted reference in memory): one merge gives KS and Wasserstein-1, binary searches
 * give the quantile-bin counts. `missing` carries NaN counts removed beforehand, for the report.
 */
export const compareNumericSorted = (
  reference: Float64Array,
  current: Float64Array,
  options: NumericCompareOptions & {
    readonly missing?: { readonly reference: number; readonly current: number }
  } = {},
): NumericDrift => {
  requireFiniteEnds(reference, 'reference')
  requireFiniteEnds(current, 'current')
  const prepared = prepareNumericReferenceSorted(reference, {
    ...(options.bins === undefined ? {} : { bins: options.bins }),
    missing: options.missing?.reference ?? 0,
  })
  return compareToPrepared(
    prepared,
    current,
    options.missing?.current ?? 0,
    options.ksMethod ?? 'auto',
  )
}

/**
 * Every univariate numeric drift statistic between two raw samples, sorting each once and merging
 * once: KS (as `ks_2samp`), Wasserstein-1 (as `wasserstein_distance`), PSI and JS over quantile
 * bins taken from the reference, and the standardized mean difference. NaN counts as missing.
 *
 * @example
 * const d = compareNumericSamples(train.numeric('delay'), window.numeric('delay'))
 * if (d.psi > 0.25 && d.ks.pValue < 0.01) alert('delay drifted')
 */
export const compareNumericSamples = (
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: NumericCompareOptions = {},
): NumericDrift => {
  const ref = sortSample(reference)
  const cur = sortSample(current)
  return compareNumericSorted(ref.values, cur.values, {
    ...options,
    missing: { reference: ref.missing, current: cur.missing },
  })
}

/**
 * Numeric drift of a current window against a stored {@link NumericReferenceProfile}. When the
 * profile holds the whole reference (`exact`), KS and Wasserstein equal the raw-sample results;
 * otherwise they are computed against the quantile sketch (D off by at most about 1/sketch size)
 * and the KS p-value uses the asymptotic distribution with the true reference size.
 */
export const compareNumericToProfile = (
  profile: NumericReferenceProfile,
  current: ArrayLike<number>,
  options: Omit<NumericCompareOptions, 'bins'> = {},
): NumericDrift => {
  const cur = sortSample(current)
  requireFiniteEnds(cur.values, 'current')
  return compareCore(
    {
      refSorted: profile.sketch,
      curSorted: cur.values,
      nRef: profile.count,
      refMean: profile.mean,
      refScale: scaleOf(profile.std, profile.min, profile.max),
      edges: profile.edges,
      refCounts: profile.binCounts,
      approximate: !profile.exact,
      missing: { reference: profile.missing, current: cur.missing },
    },
    options.ksMethod ?? 'auto',
  )
}
