import { compareNumericSamples, populationStabilityIndex } from '../drift/index.js'
import { KeelError } from '../errors/index.js'
import { countMissing, type Column, type ColumnKind, type Frame } from '../frame/index.js'

/** When a feature's coverage or values are flagged. */
export interface GeneralizationThresholds {
  /** Coverage (non-missing share) below this, in train or test, is `low_coverage`. Default 0.05. */
  readonly minCoverage?: number
  /** |coverage train − coverage test| above this is `coverage_gap`. Default 0.2. */
  readonly coverageGap?: number
  /** Share of test rows whose value never occurs in train above this is `unseen_values`. Default 0.2. */
  readonly unseenShare?: number
  /** Share of numeric test values outside the train range above this is `out_of_range`. Default 0.2. */
  readonly outOfRangeShare?: number
  /** PSI above this is `distribution_shift` (0.25 is the usual "significant" cut). Default 0.25. */
  readonly psi?: number
  /**
   * A numeric feature with at most this many distinct train values (day of week, hour, a 0/1
   * flag) is also checked value by value, like a categorical. Default 32.
   */
  readonly discreteMaxValues?: number
}

/** Why a feature may not generalize from train to test. */
export type GeneralizationFlagCode =
  'low_coverage' | 'coverage_gap' | 'unseen_values' | 'out_of_range' | 'distribution_shift'

/** One finding about one feature. */
export interface GeneralizationFlag {
  readonly code: GeneralizationFlagCode
  readonly message: string
}

/** How one feature's values in test relate to its values in train. */
export interface FeatureGeneralization {
  readonly feature: string
  readonly kind: ColumnKind
  /** Share of rows with a value. */
  readonly coverage: { readonly train: number; readonly test: number }
  /** Numeric, boolean and timestamp features. */
  readonly numeric: {
    /** Two-sample Kolmogorov–Smirnov statistic (max ECDF gap), null when a side has no value. */
    readonly ks: number | null
    /** PSI over train deciles. */
    readonly psi: number | null
    readonly trainRange: { readonly min: number; readonly max: number } | null
    /** Share of test values outside the train range. */
    readonly outOfRangeShare: number
  } | null
  /** Categorical features, and numeric ones with few distinct values (see `discreteMaxValues`). */
  readonly values: {
    readonly trainDistinct: number
    readonly testDistinct: number
    /** Share of test rows (with a value) whose value never occurs in train. */
    readonly unseenShare: number
    /** Up to 10 test values never seen in train, most frequent first. */
    readonly unseenSample: readonly string[]
    /** PSI over the values (unseen ones pooled into one bin). */
    readonly psi: number | null
  } | null
  readonly flags: readonly GeneralizationFlag[]
}

/** The result of {@link featureGeneralization}. */
export interface GeneralizationReport {
  readonly rows: { readonly train: number; readonly test: number }
  readonly features: readonly FeatureGeneralization[]
}

const DEFAULTS: Required<GeneralizationThresholds> = {
  minCoverage: 0.05,
  coverageGap: 0.2,
  unseenShare: 0.2,
  outOfRangeShare: 0.2,
  psi: 0.25,
  discreteMaxValues: 32,
}

/**
 * Feature generalization (the book's §"engineering good features"): per feature, coverage in train
 * vs test (90% vs 20% signals a mismatch or a leak), and whether test values occur in train at all.
 * The taxi-ETA example is the model: trained on Monday–Saturday, `DAY_OF_THE_WEEK` is always
 * Sunday in test — every test value unseen — while `HOUR_OF_THE_DAY` overlaps fully. Numeric
 * features add a KS statistic, PSI and the share of test values outside the train range (a raw
 * timestamp under a time split is entirely out of range, and flagged as such).
 *
 * @example
 * const g = featureGeneralization(frame.take(split.train), frame.take(split.test), { features })
 * g.features.filter((f) => f.flags.length > 0)
 */
export const featureGeneralization = (
  train: Frame,
  test: Frame,
  options: {
    readonly features?: readonly string[]
    readonly thresholds?: GeneralizationThresholds
  } = {},
): GeneralizationReport => {
  const t = { ...DEFAULTS, ...options.thresholds }
  const names = options.features ?? train.columnNames.filter((n) => test.has(n))
  const missing = names.filter((n) => !train.has(n) || !test.has(n))
  if (missing.length > 0) {
    throw new KeelError(
      'SCHEMA_MISMATCH',
      `features missing from train or test: ${missing.join(', ')}`,
      {
        details: { missing },
      },
    )
  }
  const features = names.map((name) => {
    const a = train.column(name)
    const b = test.column(name)
    if (a.kind !== b.kind) {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        `feature "${name}" is ${a.kind} in train, ${b.kind} in test`,
        {
          path: [name],
        },
      )
    }
    return generalizationOf(name, a, b, t)
  })
  return { rows: { train: train.numRows, test: test.numRows }, features }
}

const coverageOf = (c: Column, n: number): number => (n === 0 ? 0 : 1 - countMissing(c) / n)

const generalizationOf = (
  feature: string,
  a: Column,
  b: Column,
  t: Required<GeneralizationThresholds>,
): FeatureGeneralization => {
  const nA = a.kind === 'categorical' ? a.codes.length : a.values.length
  const nB = b.kind === 'categorical' ? b.codes.length : b.values.length
  const coverage = { train: coverageOf(a, nA), test: coverageOf(b, nB) }
  let numeric: FeatureGeneralization['numeric'] = null
  let values: FeatureGeneralization['values'] = null
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    values = compareValues(a.codes, a.dictionary, b.codes, b.dictionary)
  } else if (
    a.kind !== 'categorical' &&
    a.kind !== 'text' &&
    b.kind !== 'categorical' &&
    b.kind !== 'text'
  ) {
    numeric = compareNumeric(a.values, b.values)
    if (isDiscrete(a.values, t.discreteMaxValues)) values = compareDiscrete(a.values, b.values)
  }
  const flags: GeneralizationFlag[] = []
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
  if (Math.min(coverage.train, coverage.test) < t.minCoverage) {
    flags.push({
      code: 'low_coverage',
      message: `"${feature}" has a value in ${pct(coverage.train)} of train and ${pct(coverage.test)} of test rows; useless unless its missingness is informative`,
    })
  }
  if (Math.abs(coverage.train - coverage.test) > t.coverageGap) {
    flags.push({
      code: 'coverage_gap',
      message: `coverage of "${feature}" is ${pct(coverage.train)} in train but ${pct(coverage.test)} in test: a distribution mismatch or a leak`,
    })
  }
  if (values && values.unseenShare > t.unseenShare) {
    flags.push({
      code: 'unseen_values',
      message: `${pct(values.unseenShare)} of test rows have a "${feature}" value never seen in train (e.g. ${values.unseenSample.slice(0, 3).join(', ')}): the model has nothing to generalize from`,
    })
  }
  if (numeric && numeric.outOfRangeShare > t.outOfRangeShare) {
    flags.push({
      code: 'out_of_range',
      message: `${pct(numeric.outOfRangeShare)} of test values of "${feature}" fall outside the train range [${numeric.trainRange?.min}, ${numeric.trainRange?.max}]`,
    })
  }
  const psi = Math.max(numeric?.psi ?? 0, values?.psi ?? 0)
  if (psi > t.psi) {
    flags.push({
      code: 'distribution_shift',
      message: `the distribution of "${feature}" shifts between train and test (PSI ${psi.toFixed(3)})`,
    })
  }
  return { feature, kind: a.kind, coverage, numeric, values, flags }
}

const finiteOnly = (v: Float64Array): Float64Array => v.filter((x) => Number.isFinite(x))

const compareNumeric = (
  a: Float64Array,
  b: Float64Array,
): NonNullable<FeatureGeneralization['numeric']> => {
  const x = finiteOnly(a)
  const y = finiteOnly(b)
  let min = Infinity
  let max = -Infinity
  for (const v of x) {
    if (v < min) min = v
    if (v > max) max = v
  }
  let outside = 0
  let present = 0
  for (const v of b) {
    if (v !== v) continue
    present++
    if (!(v >= min && v <= max)) outside++
  }
  if (x.length === 0 || y.length === 0) {
    return {
      ks: null,
      psi: null,
      trainRange: x.length > 0 ? { min, max } : null,
      outOfRangeShare: present > 0 ? outside / present : 0,
    }
  }
  const d = compareNumericSamples(x, y)
  return {
    ks: d.ks.statistic,
    psi: d.psi,
    trainRange: { min, max },
    outOfRangeShare: present > 0 ? outside / present : 0,
  }
}

/** True when `v` has between 1 and `limit` distinct non-missing values. */
const isDiscrete = (v: Float64Array, limit: number): boolean => {
  const seen = new Set<number>()
  for (const x of v) {
    if (x !== x) continue
    seen.add(x === 0 ? 0 : x) // -0 and 0 are one value
    if (seen.size > limit) return false
  }
  return seen.size > 0
}

/** A few-valued numeric feature compared value by value, like a categorical. */
const compareDiscrete = (
  a: Float64Array,
  b: Float64Array,
): NonNullable<FeatureGeneralization['values']> => {
  const toKeys = (v: Float64Array): { codes: Int32Array; dictionary: string[] } => {
    const dictionary: string[] = []
    const index = new Map<number, number>()
    const codes = new Int32Array(v.length)
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!
      if (x !== x) {
        codes[i] = -1
        continue
      }
      const key = x === 0 ? 0 : x
      let code = index.get(key)
      if (code === undefined) {
        code = dictionary.length
        dictionary.push(String(key))
        index.set(key, code)
      }
      codes[i] = code
    }
    return { codes, dictionary }
  }
  const ka = toKeys(a)
  const kb = toKeys(b)
  return compareValues(ka.codes, ka.dictionary, kb.codes, kb.dictionary)
}

/** Value-level comparison of two dictionary-encoded columns, matched by value (not code). */
const compareValues = (
  codesA: Int32Array,
  dictA: readonly string[],
  codesB: Int32Array,
  dictB: readonly string[],
): NonNullable<FeatureGeneralization['values']> => {
  const countA = new Float64Array(dictA.length)
  for (const c of codesA) if (c >= 0) countA[c]!++
  const countB = new Float64Array(dictB.length)
  for (const c of codesB) if (c >= 0) countB[c]!++
  const trainIndex = new Map<string, number>()
  dictA.forEach((d, i) => {
    if (countA[i]! > 0) trainIndex.set(d, i)
  })
  // Bins: every train value, plus one bin pooling the test values unseen in train.
  const ref = Array.from(trainIndex.values(), (i) => countA[i]!)
  const cur = new Float64Array(ref.length + 1)
  const bin = new Map([...trainIndex.keys()].map((k, j) => [k, j]))
  let unseen = 0
  let presentB = 0
  let testDistinct = 0
  const unseenValues: [string, number][] = []
  dictB.forEach((d, i) => {
    const n = countB[i]!
    if (n === 0) return
    testDistinct++
    presentB += n
    const j = bin.get(d)
    if (j === undefined) {
      unseen += n
      cur[ref.length]! += n
      unseenValues.push([d, n])
    } else cur[j]! += n
  })
  ref.push(0)
  const totalRef = ref.reduce((s, v) => s + v, 0)
  return {
    trainDistinct: trainIndex.size,
    testDistinct,
    unseenShare: presentB > 0 ? unseen / presentB : 0,
    unseenSample: unseenValues
      .sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1))
      .slice(0, 10)
      .map(([d]) => d),
    psi: totalRef > 0 && presentB > 0 ? populationStabilityIndex(ref, cur) : null,
  }
}
