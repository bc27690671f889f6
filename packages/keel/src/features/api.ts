import type { Frame } from '@keel/core'
import type {
  FeatureStatus,
  FeatureValue,
  ResolvedFeatureStore,
  ResolvedService,
  ResolvedView,
} from './definitions.js'
import type { AsOf, LookedUp, TimedRow, ValidityInterval } from './point-in-time.js'

// The shapes the parts of the feature store meet at: offline retrieval, source rows, online reads
// and what a prediction event records. Each part exports functions of these types.

/** Status codes in typed arrays, in the order of `FEATURE_STATUSES`. */
export const STATUS_CODE: Readonly<Record<FeatureStatus, number>> = {
  present: 0,
  null: 1,
  not_found: 2,
  outside_ttl: 3,
}

/** Rows of a view in batches, optionally only those known in `(knownAfter, knownAtOrBefore]`. */
export interface ViewRowsOptions {
  readonly knownAfter?: number
  readonly knownAtOrBefore?: number
  /**
   * Default `known`. Windowed views only: `event` reads the naive aggregate's change points (rows
   * counted from their event time), each known when its value really became available.
   */
  readonly asOf?: AsOf
}

/**
 * A view's source rows as {@link TimedRow}s (windowed views: their change points, whose event and
 * known time are the moment the aggregate changed; as of event time, the naive aggregate's, known
 * when their value really became available). Keys are text (see `entityKeyText`).
 */
export type ReadViewRows = (
  view: ResolvedView,
  options?: ViewRowsOptions,
) => AsyncIterable<readonly TimedRow[]>

/** One view looked up for many entity rows, column by column (row i answers entity row i). */
export interface ViewLookup {
  /** `STATUS_CODE` per row for the row as a whole (`present`, `not_found`, `outside_ttl`). */
  readonly status: Uint8Array
  /** The chosen row's event and known time (NaN when none). */
  readonly eventTime: Float64Array
  readonly knownTime: Float64Array
  /** Per view feature: its values (null when absent). */
  readonly values: Readonly<Record<string, readonly FeatureValue[]>>
}

export interface LookupOptions {
  /** Default `known`. */
  readonly asOf?: AsOf
  /** Rows of `push` views (the offline feature log). */
  readonly pushedRows?: ReadViewRows
}

/** Look one view up for keys at times (the offline engine: DuckDB, or PostgreSQL for its sources). */
export type LookupView = (
  view: ResolvedView,
  keys: readonly (string | null)[],
  times: Float64Array,
  options?: LookupOptions,
) => Promise<ViewLookup>

export interface HistoricalOptions extends LookupOptions {
  readonly service: string
  /** The entity-row column holding each row's time (epoch ms timestamp column). */
  readonly timeColumn: string
}

/** Entity rows with the service's features joined point in time. */
export interface HistoricalFeatures {
  /** The entity rows with one column per service output, in the input row order. */
  readonly frame: Frame
  readonly service: ResolvedService
  /** Per service output: `STATUS_CODE` per row. */
  readonly status: Readonly<Record<string, Uint8Array>>
  /** Per view (by the service's prefix + view name, `prefix ? prefix + view : view`): when each row's value was known (NaN when none), for the leakage report. */
  readonly knownTime: Readonly<Record<string, Float64Array>>
}

export type GetHistoricalFeatures = (
  store: ResolvedFeatureStore,
  entityRows: Frame,
  options: HistoricalOptions,
) => Promise<HistoricalFeatures>

/** The validity intervals of one key of a view over `[from, to)`. */
export type FeatureHistory = (
  view: ResolvedView,
  key: string,
  from: number,
  to: number,
  options?: LookupOptions,
) => Promise<ValidityInterval[]>

/**
 * Online reads: for each service view, each request row's lookup (by the row's key column, at
 * `now`), applying the view's TTL exactly as the offline rule does. One store round trip.
 */
export type OnlineFeatureReader = (
  service: ResolvedService,
  rows: readonly Readonly<Record<string, unknown>>[],
  now: number,
) => Promise<OnlineLookups>

/** Per service view (same order as `service.views`), per request row. */
export type OnlineLookups = readonly (readonly LookedUp[])[]

/** A feature value a prediction was made with, as the prediction log records it. */
export interface ServedFeatureValue {
  readonly value: FeatureValue
  readonly status: FeatureStatus
  readonly eventTime?: number
  readonly knownTime?: number
}
