import { calibrationReport, topLabelCalibrationReport } from '../calibration.js'
import { operatingPointAt } from '../threshold.js'
import type { BundleCalibrator, ModelBundle } from '../../bundle/index.js'
import type { Rng } from '../../random/index.js'
import type { EvaluationConfig } from './config-schema.js'
import type { EvaluationSplit } from './evaluation-split.js'
import { pickCalibrator, pickThreshold, type ThresholdPick } from './post-process.js'
import { positiveColumn } from './predictions.js'
import type { CalibrationSection, ThresholdSection } from './report-types.js'

/**
 * The served decision of a binary model: the calibrator and threshold (fitted on validation, or the
 * bundle's own when re-evaluating), and the report sections that show them on validation and test.
 */

const calibratorKind = (c: BundleCalibrator | null): 'platt' | 'isotonic' | 'none' => {
  const kind = (c?.toJSON() as { kind?: unknown } | undefined)?.kind
  return kind === 'platt' || kind === 'isotonic' ? kind : 'none'
}

/** What {@link choosePostProcessing} decided, with its report sections. */
export interface PostProcessingChoice {
  readonly calibrator: BundleCalibrator | null
  readonly threshold: number
  readonly calibration: CalibrationSection | null
  readonly thresholdReport: ThresholdSection | null
  readonly notes: string[]
}

/** Inputs of {@link choosePostProcessing}. */
export interface PostProcessingInput {
  readonly bundle: ModelBundle
  readonly config: EvaluationConfig
  readonly validation: EvaluationSplit
  readonly test: EvaluationSplit
  /** Raw model outputs (n×K probabilities) on each split. */
  readonly rawValidation: Float64Array
  readonly rawTest: Float64Array
  /** Keep the bundle's own calibrator and threshold instead of fitting them. */
  readonly keep: boolean
  readonly rng: Rng
}

/**
 * Fit (or keep) the calibrator and threshold of a binary bundle and report raw against calibrated
 * reliability on test and the operating point on validation and test. Other tasks pass through
 * (threshold 0.5, no calibrator, no sections).
 */
export const choosePostProcessing = (o: PostProcessingInput): PostProcessingChoice => {
  const { bundle, config, validation, test } = o
  if (bundle.task !== 'binary') {
    return { calibrator: null, threshold: 0.5, calibration: null, thresholdReport: null, notes: [] }
  }
  const vPos = positiveColumn(o.rawValidation)
  const tPos = positiveColumn(o.rawTest)
  const notes: string[] = []
  let calibrator: BundleCalibrator | null
  let threshold: number
  let reason: string
  let validationLogLoss: CalibrationSection['validationLogLoss']
  let pick: ThresholdPick | undefined
  if (o.keep) {
    calibrator = bundle.calibrator
    threshold = bundle.postprocess.threshold
    reason = calibrator ? 'the calibrator stored in the bundle' : 'the bundle has no calibrator'
  } else {
    const cal = pickCalibrator(config.calibration, validation.y, vPos, o.rng.fork('calibration'))
    calibrator = cal.calibrator
    reason = cal.reason
    validationLogLoss = cal.validationLogLoss
    pick = pickThreshold(
      config.threshold.strategy,
      validation.y,
      calibrator ? calibrator.apply(vPos) : vPos,
    )
    threshold = pick.threshold
    if (pick.note) notes.push(pick.note)
  }
  const vServed = calibrator ? calibrator.apply(vPos) : vPos
  const tServed = calibrator ? calibrator.apply(tPos) : tPos
  const bins = {
    bins: config.calibration.bins,
    strategy: config.calibration.binning,
    minBinCount: config.calibration.minBinRows,
  }
  return {
    calibrator,
    threshold,
    calibration: {
      method: calibratorKind(calibrator),
      reason,
      raw: calibrationReport(test.y, tPos, bins),
      calibrated: calibrator ? calibrationReport(test.y, tServed, bins) : null,
      ...(validationLogLoss ? { validationLogLoss } : {}),
      topLabel: false,
    },
    thresholdReport: {
      objective: pick?.objective ?? null,
      source: pick ? pick.source : 'bundle',
      threshold,
      validation: operatingPointAt(validation.y, vServed, threshold),
      test: operatingPointAt(test.y, tServed, threshold),
      ...(pick?.note ? { note: pick.note } : {}),
    },
    notes,
  }
}

/** Multiclass calibration: top-label reliability (no calibrator is fitted for K > 2). */
export const topLabelSection = (
  y: Float64Array,
  proba: Float64Array,
  config: EvaluationConfig,
): CalibrationSection => ({
  method: 'none',
  reason: 'multiclass probabilities are reported as top-label calibration; no calibrator is fitted',
  raw: topLabelCalibrationReport(y, proba, {
    bins: config.calibration.bins,
    strategy: config.calibration.binning,
    minBinCount: config.calibration.minBinRows,
  }),
  calibrated: null,
  topLabel: true,
})
