import type { Column, ColumnKind } from '../frame/index.js'
import type { Rng } from '../random/index.js'
import {
  DistinctCounter,
  FrequencyCounter,
  MomentsAccumulator,
  QuantileSketch,
  histogramFromSketch,
  type DistinctEstimate,
  type EqualWidthHistogram,
  type ValueCount,
} from '../stats/index.js'

/** The quantiles every numeric profile reports. */
export const PROFILE_QUANTILES = Object.freeze({
  p1: 0.01,
  p5: 0.05,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p95: 0.95,
  p99: 0.99,
})

/** Names of {@link PROFILE_QUANTILES}. */
export type ProfileQuantile = keyof typeof PROFILE_QUANTILES

interface BaseProfile {
  readonly name: string
  /** Rows seen, missing included. */
  readonly count: number
  readonly missing: number
  /** `missing / count` (0 for an empty column). */
  readonly missingRate: number
  readonly distinct: DistinctEstimate
}

/** Profile of a numeric or timestamp column (timestamps in epoch ms). */
export interface NumericProfile extends BaseProfile {
  readonly kind: 'numeric' | 'timestamp'
  readonly infinite: number
  readonly zeros: number
  readonly min: number | null
  readonly max: number | null
  readonly mean: number | null
  /** Sample standard deviation (n − 1), like pandas. */
  readonly std: number | null
  readonly quantiles: Readonly<Record<ProfileQuantile, number | null>>
  /** True when quantiles and histogram are exact; otherwise see `quantileRankError`. */
  readonly quantilesExact: boolean
  /** Bound on the normalized rank error of each quantile (0 when exact). */
  readonly quantileRankError: number
  readonly histogram: EqualWidthHistogram | null
}

/** Profile of a boolean column. */
export interface BooleanProfile extends BaseProfile {
  readonly kind: 'boolean'
  readonly trueCount: number
  readonly falseCount: number
  /** Share of true among non-missing values, or `null` when all are missing. */
  readonly trueRate: number | null
}

/** Profile of a categorical or text column. */
export interface StringProfile extends BaseProfile {
  readonly kind: 'categorical' | 'text'
  /** Most frequent values; counts are exact when `topExact`. */
  readonly top: readonly ValueCount[]
  readonly topExact: boolean
  /** String lengths (UTF-16 code units) of non-missing values. */
  readonly length: { readonly min: number; readonly max: number; readonly mean: number } | null
}

/** Profile of one column. */
export type ColumnProfile = NumericProfile | BooleanProfile | StringProfile

/** Accuracy and size knobs of profiling; the defaults suit columns of any length. */
export interface ProfileOptions {
  /** Values kept for quantiles: all up to this many, else a uniform sample (default 65 536). */
  readonly quantileCapacity?: number
  /** Distinct values counted exactly before HyperLogLog takes over (default 65 536). */
  readonly distinctExactLimit?: number
  /** Top categories reported (default 10). */
  readonly topK?: number
  /** Histogram bins (default 20). */
  readonly bins?: number
  /** Coin flips of the quantile sketch; default `createRng(0)`. */
  readonly rng?: Rng
}

/** A mergeable accumulator of one column's profile. */
export interface ColumnAccumulator {
  readonly kind: ColumnKind
  push(column: Column): void
  merge(other: ColumnAccumulator): void
  result(name: string): ColumnProfile
}

const rate = (part: number, whole: number): number => (whole > 0 ? part / whole : 0)

class NumericAccumulator implements ColumnAccumulator {
  readonly kind: 'numeric' | 'timestamp'
  readonly moments = new MomentsAccumulator()
  readonly sketch: QuantileSketch
  readonly distinct: DistinctCounter
  zeros = 0
  rows = 0
  readonly #options: ProfileOptions

  constructor(kind: 'numeric' | 'timestamp', options: ProfileOptions, rng: Rng) {
    this.kind = kind
    this.#options = options
    this.sketch = new QuantileSketch({
      rng,
      ...(options.quantileCapacity === undefined ? {} : { capacity: options.quantileCapacity }),
    })
    this.distinct = new DistinctCounter(
      options.distinctExactLimit === undefined ? {} : { exactLimit: options.distinctExactLimit },
    )
  }

  push(column: Column): void {
    if (column.kind === 'categorical' || column.kind === 'text') return
    const values = column.values
    const infiniteBefore = this.moments.infinite
    this.moments.pushArray(values)
    const hasInfinite = this.moments.infinite > infiniteBefore
    let zeros = 0
    for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++
    this.zeros += zeros
    this.distinct.addNumbers(values)
    this.rows += values.length
    // ±Infinity are counted, not binned: quantiles and histogram describe the finite values.
    this.sketch.pushArray(hasInfinite ? values.filter((x) => Number.isFinite(x)) : values)
  }

  merge(other: ColumnAccumulator): void {
    const o = other as NumericAccumulator
    this.moments.merge(o.moments)
    this.sketch.merge(o.sketch)
    this.distinct.merge(o.distinct)
    this.zeros += o.zeros
    this.rows += o.rows
  }

  result(name: string): NumericProfile {
    const m = this.moments.result()
    const quantiles = {} as Record<ProfileQuantile, number | null>
    for (const [k, q] of Object.entries(PROFILE_QUANTILES)) {
      quantiles[k as ProfileQuantile] = this.sketch.quantile(q)
    }
    return {
      name,
      kind: this.kind,
      count: this.rows,
      missing: m.missing,
      missingRate: rate(m.missing, this.rows),
      distinct: this.distinct.result(),
      infinite: m.infinite,
      zeros: this.zeros,
      min: m.min,
      max: m.max,
      mean: m.mean,
      std: m.std,
      quantiles,
      quantilesExact: this.sketch.isExact,
      quantileRankError: this.sketch.rankError,
      histogram: histogramFromSketch(this.sketch, this.#options.bins ?? 20),
    }
  }
}

class BooleanAccumulator implements ColumnAccumulator {
  readonly kind = 'boolean'
  trues = 0
  falses = 0
  rows = 0

  push(column: Column): void {
    if (column.kind === 'categorical' || column.kind === 'text') return
    const values = column.values
    let t = 0
    let f = 0
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!
      if (x === 0) f++
      else if (x === x) t++
    }
    this.trues += t
    this.falses += f
    this.rows += column.values.length
  }

  merge(other: ColumnAccumulator): void {
    const o = other as BooleanAccumulator
    this.trues += o.trues
    this.falses += o.falses
    this.rows += o.rows
  }

  result(name: string): BooleanProfile {
    const present = this.trues + this.falses
    const missing = this.rows - present
    return {
      name,
      kind: 'boolean',
      count: this.rows,
      missing,
      missingRate: rate(missing, this.rows),
      distinct: {
        value: (this.trues > 0 ? 1 : 0) + (this.falses > 0 ? 1 : 0),
        exact: true,
        relativeError: 0,
      },
      trueCount: this.trues,
      falseCount: this.falses,
      trueRate: present > 0 ? this.trues / present : null,
    }
  }
}

class StringAccumulator implements ColumnAccumulator {
  readonly kind: 'categorical' | 'text'
  readonly frequencies = new FrequencyCounter()
  readonly distinct: DistinctCounter
  rows = 0
  missing = 0
  minLength = Infinity
  maxLength = -Infinity
  totalLength = 0
  readonly #topK: number

  constructor(kind: 'categorical' | 'text', options: ProfileOptions) {
    this.kind = kind
    this.#topK = options.topK ?? 10
    this.distinct = new DistinctCounter(
      options.distinctExactLimit === undefined ? {} : { exactLimit: options.distinctExactLimit },
    )
  }

  #value(s: string, count: number): void {
    this.frequencies.add(s, count)
    this.distinct.addString(s)
    const len = s.length
    if (len < this.minLength) this.minLength = len
    if (len > this.maxLength) this.maxLength = len
    this.totalLength += len * count
  }

  push(column: Column): void {
    if (column.kind === 'categorical') {
      // Count codes first: the per-value work is then done once per category, not per row.
      const counts = new Float64Array(column.dictionary.length)
      const codes = column.codes
      let missing = 0
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i]!
        if (c < 0) missing++
        else counts[c]!++
      }
      for (let c = 0; c < counts.length; c++) {
        if (counts[c]! > 0) this.#value(column.dictionary[c]!, counts[c]!)
      }
      this.missing += missing
      this.rows += column.codes.length
    } else if (column.kind === 'text') {
      for (const v of column.values) {
        if (v === null) this.missing++
        else this.#value(v, 1)
      }
      this.rows += column.values.length
    }
  }

  merge(other: ColumnAccumulator): void {
    const o = other as StringAccumulator
    this.frequencies.merge(o.frequencies)
    this.distinct.merge(o.distinct)
    this.rows += o.rows
    this.missing += o.missing
    this.minLength = Math.min(this.minLength, o.minLength)
    this.maxLength = Math.max(this.maxLength, o.maxLength)
    this.totalLength += o.totalLength
  }

  result(name: string): StringProfile {
    const present = this.rows - this.missing
    const top = this.frequencies.top(this.#topK)
    return {
      name,
      kind: this.kind,
      count: this.rows,
      missing: this.missing,
      missingRate: rate(this.missing, this.rows),
      distinct: this.distinct.result(),
      top: top.values,
      topExact: top.exact,
      length:
        present > 0
          ? { min: this.minLength, max: this.maxLength, mean: this.totalLength / present }
          : null,
    }
  }
}

/** A fresh accumulator for a column of `kind`. */
export const columnAccumulator = (
  kind: ColumnKind,
  options: ProfileOptions,
  rng: Rng,
): ColumnAccumulator => {
  switch (kind) {
    case 'numeric':
    case 'timestamp':
      return new NumericAccumulator(kind, options, rng)
    case 'boolean':
      return new BooleanAccumulator()
    case 'categorical':
    case 'text':
      return new StringAccumulator(kind, options)
  }
}
