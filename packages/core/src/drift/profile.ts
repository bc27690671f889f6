import { z } from 'zod'
import { KeelError, type Issue } from '../errors/index.js'
import type { Frame } from '../frame/index.js'
import { binCountsSorted, quantileEdges } from './quantile.js'
import { sortSample } from './sort.js'

/** Default number of quantile bins per numeric feature (PSI and Jensen–Shannon). */
export const DEFAULT_PROFILE_BINS = 10
/**
 * Default size of the stored quantile sketch. Samples up to this size are stored whole, so KS and
 * Wasserstein against the profile equal scipy on the raw data; larger ones keep this many evenly
 * spaced order statistics (ECDF error at most ~1/1000).
 */
export const DEFAULT_SKETCH_SIZE = 1000

/**
 * What a model bundle keeps about one numeric training feature, as plain JSON: summary moments,
 * a sorted quantile sketch for KS and Wasserstein, and quantile-bin counts for PSI and JS.
 */
export interface NumericReferenceProfile {
  readonly kind: 'numeric'
  /** Non-missing values profiled. */
  readonly count: number
  readonly missing: number
  readonly min: number
  readonly max: number
  readonly mean: number
  /** Sample standard deviation (ddof = 1); 0 for fewer than two values. */
  readonly std: number
  /** Ascending order statistics at evenly spaced ranks (the whole sample when `exact`). */
  readonly sketch: readonly number[]
  /** True when `sketch` is the entire sample, so tests against it are exact. */
  readonly exact: boolean
  /** Interior edges of the right-closed quantile bins, strictly increasing. */
  readonly edges: readonly number[]
  /** Reference counts per bin (`edges.length + 1` entries). */
  readonly binCounts: readonly number[]
}

/** What a model bundle keeps about one categorical training feature: counts per category. */
export interface CategoricalReferenceProfile {
  readonly kind: 'categorical'
  readonly count: number
  readonly missing: number
  readonly categories: readonly string[]
  readonly counts: readonly number[]
}

/** The reference profile of one feature. */
export type FeatureReferenceProfile = NumericReferenceProfile | CategoricalReferenceProfile

/** The training-time reference for drift monitoring of a whole feature set (versioned JSON). */
export interface ReferenceProfile {
  readonly format: 'keel.drift.reference'
  readonly formatVersion: 1
  readonly features: Readonly<Record<string, FeatureReferenceProfile>>
}

/** Options for profiling. */
export interface ReferenceProfileOptions {
  /** Quantile bins per numeric feature. Default {@link DEFAULT_PROFILE_BINS}. */
  readonly bins?: number
  /** Size of the stored sketch. Default {@link DEFAULT_SKETCH_SIZE}. */
  readonly sketchSize?: number
}

const checkOptions = (o: ReferenceProfileOptions): { bins: number; sketchSize: number } => {
  const bins = o.bins ?? DEFAULT_PROFILE_BINS
  const sketchSize = o.sketchSize ?? DEFAULT_SKETCH_SIZE
  if (!Number.isInteger(bins) || bins < 2 || bins > 1000) {
    throw new KeelError('INVALID_ARGUMENT', `bins must be an integer in [2, 1000], got ${bins}`)
  }
  if (!Number.isInteger(sketchSize) || sketchSize < 2) {
    throw new KeelError('INVALID_ARGUMENT', `sketchSize must be an integer >= 2, got ${sketchSize}`)
  }
  return { bins, sketchSize }
}

/** Evenly spaced order statistics of an ascending sample: ranks round(i (n-1) / (k-1)). */
const sketchOf = (sorted: Float64Array, k: number): number[] => {
  const n = sorted.length
  if (n <= k) return Array.from(sorted)
  const out: number[] = []
  for (let i = 0; i < k; i++) out.push(sorted[Math.round((i * (n - 1)) / (k - 1))]!)
  return out
}

/** Profile an already sorted, NaN-free sample (`missing` counts the NaNs that were removed). */
export const profileNumericSorted = (
  sorted: Float64Array,
  missing: number,
  options: ReferenceProfileOptions = {},
): NumericReferenceProfile => {
  const { bins, sketchSize } = checkOptions(options)
  const n = sorted.length
  if (n > 0 && (!Number.isFinite(sorted[0]!) || !Number.isFinite(sorted[n - 1]!))) {
    throw new KeelError('INVALID_DATA', 'a numeric reference must not contain infinite values')
  }
  let mean = 0
  for (let i = 0; i < n; i++) mean += sorted[i]!
  mean = n > 0 ? mean / n : NaN
  let ss = 0
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2
  const edges = n > 0 ? quantileEdges(sorted, bins) : []
  return {
    kind: 'numeric',
    count: n,
    missing,
    min: n > 0 ? sorted[0]! : NaN,
    max: n > 0 ? sorted[n - 1]! : NaN,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    sketch: sketchOf(sorted, sketchSize),
    exact: n <= sketchSize,
    edges,
    binCounts: binCountsSorted(sorted, edges),
  }
}

/**
 * Profile a numeric training column; NaN is counted as missing.
 *
 * @example
 * const p = profileNumeric(frame.numeric('distance'), { bins: 10 })
 * JSON.stringify(p) // small: ~1000 sketch values + 10 bins
 */
export const profileNumeric = (
  values: ArrayLike<number>,
  options: ReferenceProfileOptions = {},
): NumericReferenceProfile => {
  const s = sortSample(values)
  return profileNumericSorted(s.values, s.missing, options)
}

/** Profile a categorical training column given as strings (null/undefined are missing). */
export const profileCategorical = (
  values: ArrayLike<string | null | undefined>,
): CategoricalReferenceProfile => {
  const counts = new Map<string, number>()
  let missing = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined) missing++
    else counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  const categories = [...counts.keys()].sort()
  return {
    kind: 'categorical',
    count: values.length - missing,
    missing,
    categories,
    counts: categories.map((c) => counts.get(c)!),
  }
}

/** Category strings of a frame column (categorical or text), null where missing. */
export const categoryValues = (frame: Frame, name: string): (string | null)[] => {
  const col = frame.column(name)
  if (col.kind === 'categorical') {
    return Array.from(col.codes, (c) => (c < 0 ? null : col.dictionary[c]!))
  }
  if (col.kind === 'text') return [...col.values]
  return Array.from(col.values, (v) => (Number.isNaN(v) ? null : String(v)))
}

/**
 * Profile the named columns of a training frame: numeric, boolean and timestamp columns become
 * numeric profiles; categorical and text columns categorical ones. This is what a bundle stores.
 */
export const buildReferenceProfile = (
  frame: Frame,
  options: ReferenceProfileOptions & { readonly features?: readonly string[] } = {},
): ReferenceProfile => {
  const names = options.features ?? frame.columnNames
  const features: Record<string, FeatureReferenceProfile> = {}
  for (const name of names) {
    const kind = frame.kindOf(name)
    features[name] =
      kind === 'categorical' || kind === 'text'
        ? profileCategorical(categoryValues(frame, name))
        : profileNumeric(frame.numeric(name), options)
  }
  return { format: 'keel.drift.reference', formatVersion: 1, features }
}

const finite = z.number().refine(Number.isFinite, 'must be finite')
const count = z.number().int().nonnegative()
const numericSchema = z
  .object({
    kind: z.literal('numeric'),
    count,
    missing: count,
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    std: z.number().nonnegative(),
    sketch: z.array(finite),
    exact: z.boolean(),
    edges: z.array(finite),
    binCounts: z.array(count),
  })
  .superRefine((p, ctx) => {
    if (p.binCounts.length !== p.edges.length + 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['binCounts'],
        message: 'needs edges.length + 1 counts',
      })
    }
    for (let i = 1; i < p.edges.length; i++) {
      if (!(p.edges[i]! > p.edges[i - 1]!)) {
        ctx.addIssue({ code: 'custom', path: ['edges', i], message: 'edges must increase' })
      }
    }
    for (let i = 1; i < p.sketch.length; i++) {
      if (p.sketch[i]! < p.sketch[i - 1]!) {
        ctx.addIssue({ code: 'custom', path: ['sketch', i], message: 'sketch must be sorted' })
        break
      }
    }
    if (p.exact && p.sketch.length !== p.count) {
      ctx.addIssue({
        code: 'custom',
        path: ['sketch'],
        message: 'an exact sketch holds every value',
      })
    }
  })
const categoricalSchema = z
  .object({
    kind: z.literal('categorical'),
    count,
    missing: count,
    categories: z.array(z.string()),
    counts: z.array(count),
  })
  .superRefine((p, ctx) => {
    if (p.counts.length !== p.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['counts'], message: 'one count per category' })
    }
    if (new Set(p.categories).size !== p.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'categories must be unique' })
    }
  })

/** JSON Schema-like contract of a stored reference profile (zod; used by {@link parseReferenceProfile}). */
export const referenceProfileSchema = z.object({
  format: z.literal('keel.drift.reference'),
  formatVersion: z.literal(1),
  features: z.record(z.string(), z.discriminatedUnion('kind', [numericSchema, categoricalSchema])),
})

/** Validate stored profile JSON, returning issues as data instead of throwing. */
export const safeParseReferenceProfile = (
  data: unknown,
): { ok: true; value: ReferenceProfile } | { ok: false; issues: Issue[] } => {
  const r = referenceProfileSchema.safeParse(data)
  if (r.success) {
    // JSON has no NaN: an empty numeric profile stores null moments; restore NaN.
    const features: Record<string, FeatureReferenceProfile> = {}
    for (const [name, f] of Object.entries(r.data.features)) {
      features[name] =
        f.kind === 'numeric'
          ? { ...f, min: f.min ?? NaN, max: f.max ?? NaN, mean: f.mean ?? NaN }
          : f
    }
    return { ok: true, value: { format: r.data.format, formatVersion: 1, features } }
  }
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({
      code: i.code,
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: i.message,
    })),
  }
}

/** Validate stored profile JSON; throws `UNSUPPORTED_FORMAT` with the issues when it is not one. */
export const parseReferenceProfile = (data: unknown): ReferenceProfile => {
  const r = safeParseReferenceProfile(data)
  if (!r.ok) {
    throw new KeelError('UNSUPPORTED_FORMAT', 'not a valid keel.drift.reference profile', {
      issues: r.issues,
    })
  }
  return r.value
}
