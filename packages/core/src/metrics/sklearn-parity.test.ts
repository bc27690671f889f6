import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  accuracyScore,
  balancedAccuracyScore,
  cohenKappaScore,
  confusionMatrix,
  f1Score,
  fbetaScore,
  matthewsCorrcoef,
  perClassScores,
  precisionScore,
  recallScore,
} from './classification.js'
import { precisionRecallCurve, rocCurve } from './curves.js'
import {
  averagePrecisionOvrScore,
  averagePrecisionScore,
  probaColumn,
  rocAucOvrScore,
  rocAucScore,
} from './auc.js'
import { brierScore, logLoss } from './probabilistic.js'
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanPinballLoss,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from './regression.js'
import { expectAllClose, loadMetricsFixture } from './test-support/fixtures.js'
import type { AveragingMethod } from './types.js'

// Tolerance: the TypeScript code sums in a different order from NumPy (pairwise sums, cumsum over a
// merge-sorted reversal), so results agree to a few ulps of the magnitudes involved (≤ ~1e3 here);
// 1e-12 absolute is far below any meaningful metric difference and far above rounding noise.
const TOL = 1e-12

interface ClsCase {
  name: string
  K: number
  y: number[]
  proba: number[]
  pred: number[]
  weight: number[] | null
  expected: Record<'unweighted' | 'weighted', Record<string, unknown> | undefined>
}

interface ClsFixture {
  cases: ClsCase[]
  curves: {
    y: number[]
    scores: number[]
    weight: number[]
    list: {
      kind: 'roc' | 'pr'
      weighted: boolean
      drop: boolean
      fpr?: number[]
      tpr?: number[]
      precision?: number[]
      recall?: number[]
      thresholds: number[]
    }[]
  }
  equalScores: {
    y: number[]
    scores: number[]
    fpr: number[]
    tpr: number[]
    thresholds: number[]
    roc_auc: number
    average_precision: number
  }
}

const cls = loadMetricsFixture<ClsFixture>(readFileSync, 'classification.json')

describe('classification metrics match scikit-learn', () => {
  for (const c of cls.cases) {
    for (const key of ['unweighted', 'weighted'] as const) {
      const e = c.expected[key] as Record<string, number> & {
        per_class: Record<string, number[]>
        confusion: number[][]
      }
      if (!e) continue
      it(`${c.name} (${key})`, () => {
        const y = Float64Array.from(c.y)
        const pred = Float64Array.from(c.pred)
        const proba = Float64Array.from(c.proba)
        const o = key === 'weighted' && c.weight ? { weight: Float64Array.from(c.weight) } : {}
        const close = (a: number, b: number | undefined): void => {
          expect(b).toBeDefined()
          expect(Math.abs(a - b!)).toBeLessThanOrEqual(TOL)
        }
        close(accuracyScore(y, pred, o), e['accuracy'])
        close(balancedAccuracyScore(y, pred, o), e['balanced_accuracy'])
        const per = perClassScores(y, pred, o)
        expectAllClose(per.precision, e.per_class['precision']!, TOL)
        expectAllClose(per.recall, e.per_class['recall']!, TOL)
        expectAllClose(per.f1, e.per_class['f1']!, TOL)
        expectAllClose(per.support, e.per_class['support']!, TOL)
        const averages: AveragingMethod[] = [
          'macro',
          'micro',
          'weighted',
          ...(c.K === 2 ? ['binary' as const] : []),
        ]
        for (const average of averages) {
          close(precisionScore(y, pred, { ...o, average }), e[`precision_${average}`])
          close(recallScore(y, pred, { ...o, average }), e[`recall_${average}`])
          close(f1Score(y, pred, { ...o, average }), e[`f1_${average}`])
        }
        close(fbetaScore(y, pred, 2, { ...o, average: 'macro' }), e['f2_macro'])
        if (c.K === 2) close(f1Score(y, pred, { ...o, positiveClass: 0 }), e['f1_pos0'])
        const cm = confusionMatrix(y, pred, o)
        cm.matrix.forEach((row, i) => expectAllClose(row, e.confusion[i]!, TOL))
        close(matthewsCorrcoef(y, pred, o), e['mcc'])
        close(cohenKappaScore(y, pred, o), e['kappa_none'])
        close(cohenKappaScore(y, pred, { ...o, weighting: 'linear' }), e['kappa_linear'])
        close(cohenKappaScore(y, pred, { ...o, weighting: 'quadratic' }), e['kappa_quadratic'])
        close(logLoss(y, proba, o), e['log_loss'])
        if (c.K === 2) {
          const s = probaColumn(proba, y.length, 1)
          close(brierScore(y, s, o), e['brier'])
          close(rocAucScore(y, s, o), e['roc_auc'])
          close(averagePrecisionScore(y, s, o), e['average_precision'])
        } else {
          close(rocAucOvrScore(y, proba, o), e['roc_auc_ovr_macro'])
          close(rocAucOvrScore(y, proba, { ...o, average: 'weighted' }), e['roc_auc_ovr_weighted'])
          close(averagePrecisionOvrScore(y, proba, o), e['average_precision_ovr_macro'])
          close(
            averagePrecisionOvrScore(y, proba, { ...o, average: 'weighted' }),
            e['average_precision_ovr_weighted'],
          )
        }
      })
    }
  }
})

describe('curves match scikit-learn', () => {
  const y = Float64Array.from(cls.curves.y)
  const s = Float64Array.from(cls.curves.scores)
  const weight = Float64Array.from(cls.curves.weight)
  for (const c of cls.curves.list) {
    it(`${c.kind} weighted=${c.weighted} dropIntermediate=${c.drop}`, () => {
      const o = { ...(c.weighted ? { weight } : {}), dropIntermediate: c.drop }
      if (c.kind === 'roc') {
        const r = rocCurve(y, s, o)
        expectAllClose(r.fpr, c.fpr!, TOL)
        expectAllClose(r.tpr, c.tpr!, TOL)
        // Thresholds are input scores copied through: exact.
        expectAllClose(r.thresholds, c.thresholds, 0)
      } else {
        const r = precisionRecallCurve(y, s, o)
        expectAllClose(r.precision, c.precision!, TOL)
        expectAllClose(r.recall, c.recall!, TOL)
        expectAllClose(r.thresholds, c.thresholds, 0)
      }
    })
  }

  it('handles all-equal scores: one point, AUC 1/2, AP = prevalence', () => {
    const e = cls.equalScores
    const r = rocCurve(e.y, e.scores)
    expectAllClose(r.fpr, e.fpr, 0)
    expectAllClose(r.tpr, e.tpr, 0)
    expectAllClose(r.thresholds, e.thresholds, 0)
    expect(rocAucScore(e.y, e.scores)).toBe(e.roc_auc)
    expect(averagePrecisionScore(e.y, e.scores)).toBeCloseTo(e.average_precision, 15)
  })
})

interface RegFixture {
  cases: {
    name: string
    y: number[]
    pred: number[]
    weight: number[] | null
    expected: Record<string, number>
  }[]
}

describe('regression metrics match scikit-learn', () => {
  for (const c of loadMetricsFixture<RegFixture>(readFileSync, 'regression.json').cases) {
    it(c.name, () => {
      const y = Float64Array.from(c.y)
      const p = Float64Array.from(c.pred)
      const o = c.weight ? { weight: Float64Array.from(c.weight) } : {}
      // Relative tolerance: MAPE with zero targets is ~1e16 in size, so compare relative to scale.
      const close = (a: number, b: number | undefined): void => {
        expect(Math.abs(a - b!)).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(b!)))
      }
      close(meanAbsoluteError(y, p, o), c.expected['mae'])
      close(meanSquaredError(y, p, o), c.expected['mse'])
      close(rootMeanSquaredError(y, p, o), c.expected['rmse'])
      close(meanAbsolutePercentageError(y, p, o), c.expected['mape'])
      close(r2Score(y, p, o), c.expected['r2'])
      for (const a of [0.1, 0.5, 0.9])
        close(meanPinballLoss(y, p, a, o), c.expected[`pinball_${a}`])
    })
  }
})
