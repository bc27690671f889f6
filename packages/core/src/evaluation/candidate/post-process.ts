import { chooseThreshold, type ThresholdObjective } from '../threshold.js'
import { computeMetric } from '../../metrics/index.js'
import { fitIsotonicCalibrator } from '../isotonic.js'
import { fitPlattCalibrator } from '../platt.js'
import { isKeelError } from '../../errors/index.js'
import { permutation, type Rng } from '../../random/index.js'
import type { Calibrator } from '../calibration.js'
import type { EvaluationConfig, ThresholdStrategy } from './config-schema.js'

/**
 * Post-processing fitted on the validation split: a probability calibrator and the decision
 * threshold. Test data is never used to choose either (the book's test-split discipline).
 */

/** The core objective for a configured strategy; `null` for `none` and `{ fixed }`. */
export const thresholdObjective = (s: ThresholdStrategy): ThresholdObjective | null => {
  if (s === 'none') return null
  if (s === 'max_f1') return { kind: 'max-f1' }
  if ('fixed' in s) return null
  if ('fbeta' in s) return { kind: 'max-fbeta', beta: s.fbeta }
  if ('recallAtLeast' in s) return { kind: 'min-recall', recall: s.recallAtLeast }
  if ('precisionAtLeast' in s) return { kind: 'min-precision', precision: s.precisionAtLeast }
  return { kind: 'min-cost', costMatrix: s.cost }
}

/** A threshold and where it came from. */
export interface ThresholdPick {
  readonly threshold: number
  readonly objective: ThresholdObjective | null
  readonly source: 'validation' | 'fixed' | 'default'
  readonly note?: string
}

/**
 * Choose the threshold on (calibrated) validation probabilities. A constraint nothing meets, or a
 * validation split without positives, falls back to 0.5 with a note rather than failing the run.
 */
export const pickThreshold = (
  strategy: ThresholdStrategy,
  y: Float64Array,
  p: Float64Array,
): ThresholdPick => {
  if (strategy !== 'none' && strategy !== 'max_f1' && 'fixed' in strategy) {
    return { threshold: strategy.fixed, objective: null, source: 'fixed' }
  }
  const objective = thresholdObjective(strategy)
  if (!objective) return { threshold: 0.5, objective: null, source: 'default' }
  try {
    const choice = chooseThreshold(y, p, objective)
    // A threshold above every score ("nothing positive") is a valid choice but not a probability
    // when the top score is 1; clamp to the bundle's [0, 1] contract.
    return {
      threshold: Math.min(1, Math.max(0, choice.threshold)),
      objective,
      source: 'validation',
    }
  } catch (e) {
    if (isKeelError(e) && e.code === 'INVALID_DATA') {
      return {
        threshold: 0.5,
        objective,
        source: 'default',
        note: `threshold kept at 0.5: ${e.message}`,
      }
    }
    throw e
  }
}

const logLoss = (y: Float64Array, p: Float64Array): number => {
  const proba = new Float64Array(2 * p.length)
  for (let i = 0; i < p.length; i++) {
    proba[2 * i] = 1 - p[i]!
    proba[2 * i + 1] = p[i]!
  }
  return computeMetric('log_loss', { task: 'binary', y, proba, numClasses: 2 })
}

const fitOne = (
  method: 'platt' | 'isotonic',
  p: ArrayLike<number>,
  y: ArrayLike<number>,
): Calibrator => (method === 'platt' ? fitPlattCalibrator(p, y) : fitIsotonicCalibrator(p, y))

/** The calibrator kept and the evidence for the choice. */
export interface CalibrationPick {
  readonly calibrator: Calibrator | null
  readonly method: 'platt' | 'isotonic' | 'none'
  readonly reason: string
  readonly validationLogLoss?: { readonly raw: number; readonly calibrated: number }
}

/**
 * Two-fold cross-fitted log loss of a calibrator on validation: fit on one half, score the other,
 * so the comparison with the raw probabilities is not flattered by fitting and scoring the same rows.
 */
const crossFittedLogLoss = (
  method: 'platt' | 'isotonic',
  p: Float64Array,
  y: Float64Array,
  rng: Rng,
): number => {
  const order = permutation(rng, p.length)
  const out = new Float64Array(p.length)
  for (const fold of [0, 1]) {
    const fitRows: number[] = []
    const scoreRows: number[] = []
    order.forEach((row, k) => (k % 2 === fold ? scoreRows : fitRows).push(row))
    const cal = fitOne(
      method,
      Float64Array.from(fitRows, (i) => p[i]!),
      Float64Array.from(fitRows, (i) => y[i]!),
    )
    const scored = cal.apply(Float64Array.from(scoreRows, (i) => p[i]!))
    scoreRows.forEach((row, j) => (out[row] = scored[j]!))
  }
  return logLoss(y, out)
}

/**
 * Fit the configured calibrator on validation positive-class probabilities. `auto` keeps Platt
 * scaling only when its two-fold cross-fitted validation log loss beats the raw probabilities', so
 * an already well-calibrated model is left alone.
 */
export const pickCalibrator = (
  config: EvaluationConfig['calibration'],
  y: Float64Array,
  p: Float64Array,
  rng: Rng,
): CalibrationPick => {
  if (config.method === 'none')
    return { calibrator: null, method: 'none', reason: 'calibration is off in the config' }
  let positives = 0
  for (const v of y) positives += v
  if (positives === 0 || positives === y.length || y.length < 20) {
    return {
      calibrator: null,
      method: 'none',
      reason: 'the validation split is too small or has one class only',
    }
  }
  const raw = logLoss(y, p)
  if (config.method === 'auto') {
    const crossFitted = crossFittedLogLoss('platt', p, y, rng.fork('calibration'))
    const validationLogLoss = { raw, calibrated: crossFitted }
    if (!(crossFitted < raw)) {
      return {
        calibrator: null,
        method: 'none',
        reason: 'Platt scaling did not lower the cross-fitted validation log loss',
        validationLogLoss,
      }
    }
    return {
      calibrator: fitOne('platt', p, y),
      method: 'platt',
      reason: 'Platt scaling lowered the cross-fitted validation log loss',
      validationLogLoss,
    }
  }
  const calibrator = fitOne(config.method, p, y)
  return {
    calibrator,
    method: config.method,
    reason: `${config.method} calibration requested in the config`,
    validationLogLoss: { raw, calibrated: logLoss(y, calibrator.apply(p)) },
  }
}
