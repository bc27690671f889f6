import { describe, expect, it } from 'vitest'
import { computeMetric } from '../../metrics/index.js'
import { createRng } from '../../random/index.js'
import { chooseThreshold } from '../threshold.js'
import { evaluationConfigSchema } from './config-schema.js'
import { pickCalibrator, pickThreshold, thresholdObjective } from './post-process.js'

/** Labels drawn from `p` itself: perfectly calibrated scores. */
const calibrated = (n: number, seed: number) => {
  const rng = createRng(seed)
  const p = Float64Array.from({ length: n }, () => rng.float())
  const y = Float64Array.from(p, (v) => (rng.float() < v ? 1 : 0))
  return { p, y }
}

const logLoss = (y: Float64Array, p: Float64Array): number => {
  const proba = new Float64Array(2 * p.length)
  p.forEach((v, i) => ((proba[2 * i] = 1 - v), (proba[2 * i + 1] = v)))
  return computeMetric('log_loss', { task: 'binary', y, proba, numClasses: 2 })
}

const calibrationConfig = (method: 'auto' | 'platt' | 'isotonic' | 'none') =>
  evaluationConfigSchema.parse({ calibration: { method } }).calibration

describe('threshold strategies', () => {
  it('map the config forms onto core objectives', () => {
    expect(thresholdObjective('max_f1')).toEqual({ kind: 'max-f1' })
    expect(thresholdObjective({ recallAtLeast: 0.9 })).toEqual({ kind: 'min-recall', recall: 0.9 })
    expect(thresholdObjective({ precisionAtLeast: 0.8 })).toEqual({
      kind: 'min-precision',
      precision: 0.8,
    })
    expect(
      thresholdObjective({
        cost: [
          [0, 1],
          [5, 0],
        ],
      }),
    ).toEqual({
      kind: 'min-cost',
      costMatrix: [
        [0, 1],
        [5, 0],
      ],
    })
    expect(thresholdObjective('none')).toBeNull()
  })

  it('chooses on validation exactly as core does, and falls back to 0.5 with a note when infeasible', () => {
    const { p, y } = calibrated(500, 1)
    expect(pickThreshold('max_f1', y, p).threshold).toBe(
      chooseThreshold(y, p, { kind: 'max-f1' }).threshold,
    )
    expect(pickThreshold({ fixed: 0.25 }, y, p)).toMatchObject({ threshold: 0.25, source: 'fixed' })
    const none = pickThreshold(
      { precisionAtLeast: 1 },
      Float64Array.from(y, () => 0),
      p,
    )
    expect(none).toMatchObject({ threshold: 0.5, source: 'default' })
    expect(none.note).toContain('0.5')
  })
})

describe('calibrator choice', () => {
  it('leaves well-calibrated probabilities alone under auto', () => {
    const { p, y } = calibrated(2000, 2)
    const pick = pickCalibrator(calibrationConfig('auto'), y, p, createRng(1))
    expect(pick.calibrator).toBeNull()
    expect(pick.validationLogLoss!.calibrated).toBeGreaterThanOrEqual(pick.validationLogLoss!.raw)
  })

  it('calibrates squashed probabilities under auto and lowers their log loss', () => {
    const { p, y } = calibrated(1000, 3)
    const squashed = Float64Array.from(p, (v) => 0.5 + (v - 0.5) * 0.3)
    const pick = pickCalibrator(calibrationConfig('auto'), y, squashed, createRng(1))
    expect(pick.method).toBe('platt')
    expect(logLoss(y, pick.calibrator!.apply(squashed))).toBeLessThan(logLoss(y, squashed))
  })

  it('fits what the config asks for, and nothing on a one-class split', () => {
    const { p, y } = calibrated(300, 4)
    expect(pickCalibrator(calibrationConfig('isotonic'), y, p, createRng(1)).method).toBe(
      'isotonic',
    )
    expect(pickCalibrator(calibrationConfig('none'), y, p, createRng(1)).calibrator).toBeNull()
    expect(
      pickCalibrator(calibrationConfig('platt'), new Float64Array(300), p, createRng(1)).calibrator,
    ).toBeNull()
  })
})
