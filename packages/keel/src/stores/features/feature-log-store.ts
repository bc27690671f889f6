import type { FeatureValue } from '../../features/definitions.js'

/**
 * The offline log of pushed feature values: every row pushed to a view, with its event and known
 * time, in append order. Training reads it back like any other source (a row counts from its known
 * time), so values pushed online are also seen offline.
 */
export interface FeatureLogStore {
  /**
   * Append rows to a view's log in one transaction: all of them or none. Returns the sequence
   * number of each row, in order (increasing).
   */
  append(view: string, rows: readonly FeatureLogRow[]): Promise<number[]>
  /**
   * A view's rows in append order, in batches of at most `batchSize` (default 5,000), optionally
   * only those with known time in `(knownAfter, knownAtOrBefore]`.
   */
  read(view: string, options?: FeatureLogReadOptions): AsyncIterable<LoggedFeatureRow[]>
}

/** One row to append. */
export interface FeatureLogRow {
  /** The entity key as text (see `entityKeyText`). */
  readonly key: string
  readonly eventTime: number
  readonly knownTime: number
  readonly values: Readonly<Record<string, FeatureValue>>
}

/** A row as read back, with its place in the log. */
export interface LoggedFeatureRow extends FeatureLogRow {
  readonly seq: number
}

/** Options of {@link FeatureLogStore.read}. */
export interface FeatureLogReadOptions {
  readonly knownAfter?: number
  readonly knownAtOrBefore?: number
  readonly batchSize?: number
}
