import type { BacktestTable } from '../backtest.js'
import type { BehaviouralResult } from '../behavioural.js'
import type { CalibrationReport } from '../calibration.js'
import type { Cell } from '../../frame/index.js'
import type { ClassReport } from './class-report.js'
import type { DeferralSummary } from '../confidence.js'
import type { ErrorAnalysisReport } from '../error-analysis.js'
import type { EvaluationSummary, GateDecision, GateSpec } from '../gate.js'
import type { FairnessReport } from '../fairness.js'
import type { OperatingPoint, ThresholdObjective } from '../threshold.js'
import type { PairedComparison } from '../paired.js'
import type { SimpsonReport } from '../simpson.js'
import type { SliceEvaluation } from '../slices.js'
import type { Task } from '../../learners/index.js'
import type { WeakSliceReport } from '../slice-discovery.js'

/**
 * The shape of an offline evaluation report: plain JSON (finite numbers, no typed arrays), so it
 * can be stored as an artifact, shown by the CLI with `--json`, rendered as a model card and read
 * by the UI unchanged.
 */

/** A test-set metric with its interval. `value` is null where the metric is undefined on the data. */
export interface MetricWithInterval {
  readonly value: number | null
  readonly lower?: number
  readonly upper?: number
  readonly level?: number
  /**
   * How the interval was obtained: DeLong (ROC-AUC), a percentile bootstrap, a Wilson score
   * interval (a proportion where the bootstrap degenerated at 0 or 1), a one-sided exact bound (an
   * AUC of 0 or 1); `none` when no interval could be computed (`note` says why).
   */
  readonly method: 'delong' | 'bootstrap' | 'wilson' | 'one-sided' | 'none'
  readonly resamples?: number
  /** Bootstrap only: rows resampled freely (`plain`, the default) or within each class. */
  readonly resampling?: 'plain' | 'stratified'
  /** Why the interval is not the usual one, or why there is none. */
  readonly note?: string
}

/** A curve downsampled for plotting (at most a few hundred points). */
export interface CurvePoints {
  readonly x: number[]
  readonly y: number[]
}

/** The threshold chosen on validation and what it does on test. */
export interface ThresholdSection {
  /** The configured strategy in the objective form core uses (null: fixed or kept). */
  readonly objective: ThresholdObjective | null
  /** Where the threshold came from. */
  readonly source: 'validation' | 'fixed' | 'default' | 'bundle'
  readonly threshold: number
  readonly validation: OperatingPoint | null
  readonly test: OperatingPoint
  readonly note?: string
}

/** Raw vs calibrated reliability on the test split, and which calibrator was kept. */
export interface CalibrationSection {
  readonly method: 'platt' | 'isotonic' | 'none'
  /** Why this calibrator (or none) was kept. */
  readonly reason: string
  readonly raw: CalibrationReport
  /** Present when a calibrator is applied. */
  readonly calibrated: CalibrationReport | null
  /** Log loss on validation without and with calibration (cross-fitted for `auto`). */
  readonly validationLogLoss?: { readonly raw: number; readonly calibrated: number }
  /** Top-label calibration (multiclass). */
  readonly topLabel: boolean
}

/** Confidence and deferral at the declared `deferBelow`. */
export interface ConfidenceSection {
  readonly deferBelow: number | null
  readonly meanConfidence: number
  /** Share of test rows that would be deferred (0 without a threshold). */
  readonly deferRate: number
  readonly summary: DeferralSummary | null
  /** Risk–coverage trade-off on test, downsampled: confidence threshold → coverage, accuracy. */
  readonly coverage: {
    readonly threshold: number[]
    readonly coverage: number[]
    readonly accuracy: number[]
  }
}

/** A model compared with the candidate on the same test rows. */
export interface ComparedModel {
  readonly name: string
  readonly role: 'baseline' | 'champion'
  /** Registry coordinates of a champion. */
  readonly version?: number
  readonly metrics: Readonly<Record<string, number | null>>
  /** Candidate (A) minus this model (B), paired. */
  readonly comparisons: readonly PairedComparison[]
}

/** A discovered weak slice with its per-slice interval. */
export interface DiscoveredSlice {
  readonly discovery: WeakSliceReport
  /** The top discovered slices evaluated like declared ones (intervals included). */
  readonly evaluations: readonly SliceEvaluation[]
}

/** A failing behavioural case with the input row it came from. */
export interface BehaviouralExample {
  readonly row: number
  readonly before: number
  readonly after: number
  readonly value?: Cell
  readonly input: Readonly<Record<string, Cell>>
}

/** One behavioural test's result with readable failing examples. */
export interface BehaviouralSectionResult extends Omit<BehaviouralResult, 'failures'> {
  readonly blocking: boolean
  readonly failures: readonly BehaviouralExample[]
}

/** The whole evaluation. */
export interface EvaluationReport {
  readonly format: 'keel-evaluation'
  readonly formatVersion: 1
  readonly model: {
    readonly name: string
    readonly task: Task
    readonly classes: readonly string[] | null
  }
  readonly createdAt: string
  readonly data: {
    readonly validationRows: number
    readonly testRows: number
    /** Share of positive rows in test (binary). */
    readonly testPositiveRate: number | null
  }
  readonly primaryMetric: string
  /** Test metrics of the served model (after calibration and threshold), with intervals. */
  readonly metrics: Readonly<Record<string, MetricWithInterval>>
  /** Validation metrics (point values). */
  readonly validationMetrics: Readonly<Record<string, number | null>>
  /**
   * Classification: the confusion matrix and per-class precision, recall and F1 of the served
   * predictions on test (null for other tasks; absent from reports made before it existed).
   */
  readonly classReport?: ClassReport | null
  readonly curves: { readonly roc: CurvePoints; readonly pr: CurvePoints } | null
  readonly threshold: ThresholdSection | null
  readonly calibration: CalibrationSection | null
  readonly confidence: ConfidenceSection | null
  readonly baselines: readonly ComparedModel[]
  readonly champion: ComparedModel | null
  readonly slices: {
    readonly metrics: readonly string[]
    readonly declared: readonly SliceEvaluation[]
    readonly discovered: DiscoveredSlice | null
    readonly simpson: readonly (SimpsonReport & {
      readonly column: string
      readonly against: string
    })[]
  }
  readonly behavioural: {
    readonly pass: boolean
    readonly results: readonly BehaviouralSectionResult[]
  } | null
  readonly fairness: (FairnessReport & { readonly attribute: string }) | null
  readonly errorAnalysis: ErrorAnalysisReport | null
  readonly backtest: (BacktestTable & { readonly column: string }) | null
  /** What the gate read. */
  readonly summary: EvaluationSummary
  readonly gate: GateDecision & { readonly spec: GateSpec }
  /** Parts that were skipped or degraded, and why. */
  readonly notes: readonly string[]
}
