import type { FeatureStatus, FeatureValue } from '../definitions.js'
import type { AsOf } from '../point-in-time.js'

/** One side of a compared value: what was served, or what the offline rule gives. */
export interface ComparedValue {
  readonly value: FeatureValue
  readonly status: FeatureStatus
  readonly eventTime: number | null
  readonly knownTime: number | null
  /** Offline on-demand values only: the message when the feature's code threw. */
  readonly error?: string
}

/** One prediction whose served value differs from the offline one. */
export interface ConsistencyExample {
  readonly predictionId: string
  /** The request columns the value was looked up by, with their logged values. */
  readonly key: Readonly<Record<string, unknown>>
  /** The request time the values were read at (`features.at`). */
  readonly at: number
  /** `status` when the statuses differ, else `value`. */
  readonly reason: 'status' | 'value'
  /** `null` when the prediction did not log this feature at all. */
  readonly served: ComparedValue | null
  readonly offline: ComparedValue
}

/** The check's findings for one output of the service. */
export interface FeatureConsistency {
  readonly feature: string
  /** Where the feature comes from: a view (by name) or on-demand code. */
  readonly source: { readonly kind: 'view'; readonly view: string } | { readonly kind: 'onDemand' }
  readonly checked: number
  readonly mismatches: number
  /** `mismatches / checked`; 0 when nothing was checked. */
  readonly rate: number
  /** Mismatches by kind: statuses that differ, or equal statuses with different values. */
  readonly byReason: { readonly status: number; readonly value: number }
  /** The first mismatches, in prediction-time order (at most `maxExamples`). */
  readonly examples: readonly ConsistencyExample[]
}

/**
 * The row-level online/offline consistency check of one feature service: for a seeded sample of
 * logged predictions, the values served against the offline point-in-time values for the same keys
 * at the same request time. Plain JSON.
 */
export interface ConsistencyReport {
  readonly format: 'keel.features.consistency'
  readonly formatVersion: 1
  readonly service: string
  /** The service's current version: predictions logged with another one are not compared. */
  readonly version: string
  readonly asOf: AsOf
  readonly tolerance: { readonly relative: number | null; readonly absolute: number | null }
  /** Predictions with features of this service in the range (the population sampled from). */
  readonly eligible: number
  /** Predictions in the sample. */
  readonly sampled: number
  /** Sampled predictions compared (`sampled − versionChanged − unverifiable`). */
  readonly checked: number
  /** Sampled predictions served by another version of the service: reported, not compared. */
  readonly versionChanged: number
  /** Sampled predictions whose key columns were not logged (or not valid keys): not compared. */
  readonly unverifiable: number
  /** Per key column: how many sampled predictions lacked it. */
  readonly missingKeys: Readonly<Record<string, number>>
  /** The time range read (epoch ms); `null` bounds when open and nothing was read. */
  readonly window: { readonly from: number | null; readonly to: number | null }
  /** Per service output, in the service's order. */
  readonly perFeature: readonly FeatureConsistency[]
  readonly overall: {
    /** Checked predictions with at least one mismatching feature. */
    readonly predictionsWithMismatch: number
    /** `predictionsWithMismatch / checked` (0 when nothing was checked). */
    readonly rate: number
    /** Mismatching (prediction, feature) pairs over all compared pairs. */
    readonly valueRate: number
  }
  /** The sample's seed and size bound. */
  readonly sample: { readonly seed: number; readonly max: number }
  /** True when the scan stopped at `maxEvents` before the end of the range. */
  readonly truncated: boolean
  readonly notes: readonly string[]
}
