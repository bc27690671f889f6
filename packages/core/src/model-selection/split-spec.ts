import { KeelError } from '../errors/index.js'
import type { RangeBound } from '../schema/index.js'

/** The three parts of a split, in time order for time-based splits. */
export type SplitName = 'train' | 'validation' | 'test'

/** Split names in order; assignment codes are indices into this list. */
export const SPLIT_NAMES: readonly SplitName[] = Object.freeze(['train', 'validation', 'test'])

/** How rows are assigned to splits. */
export type SplitKind = 'random' | 'stratified' | 'group' | 'time' | 'predefined'

/**
 * How to split a frame. The shape matches the project config's `split` section (`kind`, `column`,
 * `fractions`, `cutoffs`), plus the label for balance reports and stratification.
 */
export interface SplitSpec {
  /**
   * Default: `time` when a timestamp column is known (contract role), else `stratified` when the
   * label is categorical or boolean, else `random`.
   */
  readonly kind?: SplitKind
  /** Train / validation / test shares, summing to 1. Default `[0.7, 0.15, 0.15]`. */
  readonly fractions?: readonly [number, number, number]
  /**
   * Time splits only: the start of validation and the start of test (epoch ms or ISO-8601).
   * Rows before the first go to train, rows from the second on to test. Overrides `fractions`.
   */
  readonly cutoffs?: readonly [RangeBound, RangeBound]
  /**
   * The timestamp column (time), group column (group), label (stratified) or the column whose
   * values name each row's part (predefined: `train`, `validation`, `test`). Defaults come from
   * the contract's roles; a predefined split has no default.
   */
  readonly column?: string
  /** The label, for balance in the report (and stratification when `column` is not given). */
  readonly label?: string
  /**
   * Columns whose exact equality makes two rows duplicates for the cross-split report. Default:
   * the contract's feature fields, or without a contract every column except the label and the
   * split column.
   */
  readonly duplicateColumns?: readonly string[]
}

/** Default train / validation / test shares. */
export const DEFAULT_SPLIT_FRACTIONS: readonly [number, number, number] = Object.freeze([
  0.7, 0.15, 0.15,
]) as unknown as readonly [number, number, number]

/** Checked fractions: three non-negative numbers summing to 1 (within 1e-6). */
export const checkFractions = (
  fractions: readonly number[] = DEFAULT_SPLIT_FRACTIONS,
): readonly [number, number, number] => {
  const ok =
    fractions.length === 3 &&
    fractions.every((f) => Number.isFinite(f) && f >= 0) &&
    Math.abs(fractions[0]! + fractions[1]! + fractions[2]! - 1) <= 1e-6
  if (!ok) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `split fractions must be three non-negative numbers summing to 1, got [${fractions.join(', ')}]`,
      { path: ['split', 'fractions'] },
    )
  }
  return fractions as readonly [number, number, number]
}

/** Rows per split for `n` rows: rounded shares, the remainder to test. */
export const allocate = (
  n: number,
  fractions: readonly [number, number, number],
): [number, number, number] => {
  const train = Math.min(n, Math.round(n * fractions[0]))
  const validation = Math.min(n - train, Math.round(n * fractions[1]))
  return [train, validation, n - train - validation]
}
