import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Frame, numericColumn } from '../../frame/index.js'
import { createRng } from '../../random/index.js'
import type { TrainingSet } from '../protocol.js'
import { rocAuc } from './eval-metrics.js'
import { createGbdt, type GbdtParamsInput } from './index.js'

/** A fixture written by scripts/fixtures/gbdt.py. */
interface QualityFixture {
  task: 'binary' | 'regression' | 'multiclass'
  rows: number
  cols: number
  nTrain: number
  numClasses?: number
  x?: string
  values?: number[][]
  y: number[]
  params: GbdtParamsInput
  xgboost: {
    auc?: number
    logloss?: number
    rmse?: number
    mlogloss?: number
    accuracy?: number
    margin?: number[]
  }
}

const load = (name: string): QualityFixture =>
  JSON.parse(
    readFileSync(new URL(`../../../../../test/fixtures/gbdt/${name}`, import.meta.url), 'utf8'),
  ) as QualityFixture

/** Decode the fixture into train and test sets (uint8 levels, 255 = missing; or float32 rows). */
const split = (fx: QualityFixture): [TrainingSet, TrainingSet] => {
  const cols = Array.from({ length: fx.cols }, () => new Float64Array(fx.rows))
  if (fx.x !== undefined) {
    const bytes = Buffer.from(fx.x, 'base64')
    for (let i = 0; i < fx.rows; i++) {
      for (let j = 0; j < fx.cols; j++) {
        const b = bytes[i * fx.cols + j]!
        cols[j]![i] = b === 255 ? NaN : b
      }
    }
  } else {
    // Values are float32 in XGBoost; make them exactly the same numbers here.
    fx.values!.forEach((row, i) => row.forEach((v, j) => (cols[j]![i] = Math.fround(v))))
  }
  const part = (a: number, b: number): TrainingSet => {
    const X = Frame.fromColumns(
      Object.fromEntries(cols.map((c, j) => [`f${j}`, numericColumn(c.slice(a, b))])),
    )
    const y = Float64Array.from(fx.y.slice(a, b))
    if (fx.task === 'regression') return { X, y, task: 'regression' }
    const K = fx.numClasses ?? 2
    return { X, y, task: fx.task, classes: Array.from({ length: K }, (_, k) => String(k)) }
  }
  return [part(0, fx.nTrain), part(fx.nTrain, fx.rows)]
}

const fits = new Map<string, ReturnType<typeof fitOnce>>()
const fitOnce = (name: string) => {
  const fx = load(name)
  const [train, test] = split(fx)
  const model = createGbdt(fx.params).fit(train, { rng: createRng(0) })
  return { fx, model, test, raw: model.predictRaw(test.X) }
}
const fitAndScore = (name: string): ReturnType<typeof fitOnce> => {
  if (!fits.has(name)) fits.set(name, fitOnce(name))
  return fits.get(name)!
}

const rmse = (raw: Float64Array, y: Float64Array): number => {
  let s = 0
  for (let i = 0; i < y.length; i++) s += (raw[i]! - y[i]!) ** 2
  return Math.sqrt(s / y.length)
}

/*
 * Tolerances. On the fixtures whose features have ≤ 255 distinct values, both libraries search the
 * same splits and start from the same base score, so they grow the same trees; what differs is
 * float32 (XGBoost) vs float64 (Keel) accumulation, which can flip a near-tie between two splits.
 * The task's bar — AUC within 0.002, RMSE within 1% — is asserted for all of them. Where the
 * models are identical (binary.json, regression.json, multiclass.json) the margins agree to float32
 * precision and that is asserted too. breast-cancer.json has more distinct values than bins, so
 * the two binnings differ for real; it still lands within the same bars.
 */
describe('GBDT against XGBoost 1.7 hist (same hyperparameters)', () => {
  for (const name of ['binary.json', 'binary-missing.json', 'breast-cancer.json']) {
    it(`${name}: held-out AUC within 0.002`, () => {
      const { fx, raw, test } = fitAndScore(name)
      expect(Math.abs(rocAuc(raw, test.y, undefined) - fx.xgboost.auc!)).toBeLessThan(0.002)
    })
  }

  it('binary.json: the same trees (held-out margins agree to float32 precision)', () => {
    const { fx, raw } = fitAndScore('binary.json')
    // Margins of order 1–5 summed over 100 float32 leaf values: 1e-4 absolute is ~100 ulps.
    fx.xgboost.margin!.forEach((m, i) => expect(Math.abs(raw[i]! - m)).toBeLessThan(1e-4))
  })

  for (const name of ['regression.json', 'diabetes.json']) {
    it(`${name}: held-out RMSE within 1%`, () => {
      const { fx, raw, test } = fitAndScore(name)
      expect(Math.abs(rmse(raw, test.y) / fx.xgboost.rmse! - 1)).toBeLessThan(0.01)
    })
  }

  it('regression.json: the same trees (RMSE equal to float32 precision)', () => {
    const { fx, raw, test } = fitAndScore('regression.json')
    expect(rmse(raw, test.y)).toBeCloseTo(fx.xgboost.rmse!, 4)
  })

  it('multiclass.json: the same accuracy and log loss (both start from the priors)', () => {
    const { fx, model, test } = fitAndScore('multiclass.json')
    const p = model.predictProba(test.X)
    const pred = model.predict(test.X)
    let ll = 0
    let acc = 0
    for (let i = 0; i < test.y.length; i++) {
      ll -= Math.log(p[i * 3 + test.y[i]!]!)
      acc += pred[i] === test.y[i] ? 1 : 0
    }
    // Identical trees: log loss agrees to float32 precision, accuracy exactly.
    expect(ll / test.y.length).toBeCloseTo(fx.xgboost.mlogloss!, 6)
    expect(acc / test.y.length).toBe(fx.xgboost.accuracy)
  })
})
