import type { Frame } from '../frame/index.js'
import type { GbdtParamsInput } from '../learners/gbdt/index.js'
import type { Task } from '../learners/index.js'
import type { Rng } from '../random/index.js'
import type { SchemaContract } from '../schema/index.js'
import type { SplitKind } from '../model-selection/index.js'

/** Outcome of one check. `skip`: the check could not run (say, no timestamp) and says why. */
export type LeakageStatus = 'pass' | 'warn' | 'fail' | 'skip'

/** How much a finding threatens the validity of offline results. */
export type LeakageSeverity = 'high' | 'medium' | 'low'

/** The checks of a leakage report. */
export type LeakageCheckName =
  | 'time_travel'
  | 'duplicates_exact'
  | 'duplicates_near'
  | 'group_overlap'
  | 'pipeline_fit_scope'
  | 'single_feature_power'
  | 'ablation'
  | 'target_name'
  | 'target_association'
  | 'label_shift'

/** One finding. `evidence` is plain JSON data: counts, shares, sample rows, scores. */
export interface LeakageCheck {
  readonly check: LeakageCheckName
  readonly status: LeakageStatus
  readonly feature?: string
  readonly severity: LeakageSeverity
  readonly message: string
  readonly evidence: Readonly<Record<string, unknown>>
}

/** The leakage report, as plain data for the CLI, the tracking store and the UI. */
export interface LeakageReport {
  readonly checks: readonly LeakageCheck[]
  readonly summary: LeakageSummary
}

/** The headline of a {@link LeakageReport}. */
export interface LeakageSummary {
  /** `fail` if any check failed, else `warn` if any warned, else `pass`. */
  readonly status: 'pass' | 'warn' | 'fail'
  readonly counts: Readonly<Record<LeakageStatus, number>>
  /** Features with a failing check, then features with a warning. */
  readonly failedFeatures: readonly string[]
  readonly warnedFeatures: readonly string[]
  /** Rows used by the model-based probes (seeded samples) and rows in each split. */
  readonly rows: {
    readonly train: number
    readonly validation: number
    readonly test: number
    readonly probeTrain: number
    readonly probeValidation: number
  }
  readonly notes: readonly string[]
}

/**
 * When a feature's value becomes known, relative to the row's prediction time (the timestamp
 * role): `column` names a timestamp column holding, per row, the instant the value was computed
 * (e.g. the last event an aggregate used); `offsetMs` says the value is known that long after the
 * prediction time (negative: before). A feature is time travel when it is known after the moment
 * the prediction is made.
 */
export type FeatureAvailability = { readonly column: string } | { readonly offsetMs: number }

/**
 * Which rows the feature pipeline's statistics (scalers, imputers, encoders) were fitted on: the
 * row indices into the report's frame, the fitted frame itself (matched to split rows by content),
 * or the training workflow's own statement.
 */
export type PipelineFitProvenance =
  { readonly rows: ArrayLike<number> } | { readonly frame: Frame } | { readonly trainOnly: boolean }

/** Thresholds and budgets; every default is documented on {@link leakageReport}. */
export interface LeakageOptions {
  /** Rows sampled from train and from validation for the model probes. Default 50 000 each. */
  readonly probeRows?: number
  /** Hyperparameters of the probe models. Default `{ nEstimators: 20, maxDepth: 3, learningRate: 0.3 }`. */
  readonly probeParams?: GbdtParamsInput
  /** A single feature with AUC ≥ this (classification) fails. Default 0.95. */
  readonly maxSingleAuc?: number
  /** A single feature with R² ≥ this (regression) fails. Default 0.9. */
  readonly maxSingleR2?: number
  /**
   * A score to compare single features with (the best baseline's or the production model's, same
   * metric): a feature that alone beats it by more than `referenceMargin` is a warning ("be wary of
   * new features that give big gains").
   */
  readonly referenceScore?: number
  /** Default 0.05. */
  readonly referenceMargin?: number
  /** Ablation drop (full probe minus probe without the feature) that counts as reliance. Default 0.02. */
  readonly ablationDrop?: number
  /** Ablate every probed feature, not only the flagged ones. Default false. */
  readonly ablateAll?: boolean
  /** |association| at or above this with the label fails as target-derived. Default 0.99. */
  readonly maxAssociation?: number
  /** Columns compared for duplicates. Default: every column but the label, id, weight and ignore roles. */
  readonly duplicateColumns?: readonly string[]
  /** Share of validation + test rows duplicating an earlier split that fails. Default 0.01 (any is a warning). */
  readonly duplicateFailShare?: number
  /** Near duplicates: significant digits numeric values are rounded to. Default 3. */
  readonly nearDigits?: number
  /** Near duplicates: timestamps are floored to this resolution. Default 60 000 (a minute). */
  readonly nearTimeResolutionMs?: number
  /** Near duplicates: columns left out of the comparison. Default: none beyond the exact ones. */
  readonly nearIgnore?: readonly string[]
  /** Share of validation + test rows that are near duplicates of earlier splits to warn at. Default 0.01. */
  readonly nearWarnShare?: number
  /** Label shift: a class rate moving this much (absolute) between splits warns. Default 0.05. */
  readonly labelRateShift?: number
  /** Label shift (regression): a standardized mean difference this large warns. Default 0.2. */
  readonly labelMeanShift?: number
  /** Label shift: it must also be significant at this level (chi-square / KS). Default 0.01. */
  readonly labelShiftAlpha?: number
  /** Time travel: share of rows allowed to be known after prediction time. Default 0. */
  readonly timeTravelTolerance?: number
}

/** Input of {@link leakageReport}. */
export interface LeakageReportInput {
  /** All labelled rows with raw columns; the split indices point into it. */
  readonly frame: Frame
  /** Supplies defaults from roles: features, label, timestamp, group, id. */
  readonly contract?: SchemaContract
  readonly split: {
    readonly train: ArrayLike<number>
    readonly validation: ArrayLike<number>
    readonly test: ArrayLike<number>
  }
  /** How the split was made (changes the remark on label shift). */
  readonly splitKind?: SplitKind
  /** The label column. Default: the contract's label role. */
  readonly label?: string
  /**
   * The encoded label per row of `frame` (class index, or value), as the learners saw it. Default:
   * encoded here — booleans and 0/1 as is, categories by sorted value (binary: the second is
   * positive), regression values as they are.
   */
  readonly y?: Float64Array
  readonly task: Task
  readonly rng: Rng
  /** Default: the contract's feature fields present in the frame, else every column but the label. */
  readonly features?: readonly string[]
  /** The prediction time column. Default: the contract's timestamp role. */
  readonly timestamp?: string
  /** A column whose values must stay within one split. Default: the contract's group role. */
  readonly group?: string
  /** When each feature becomes known (see {@link FeatureAvailability}). */
  readonly availability?: Readonly<Record<string, FeatureAvailability>>
  readonly pipelineFit?: PipelineFitProvenance
  readonly options?: LeakageOptions
}
