import { describe, expect, it } from 'vitest'
import { categoricalColumn, Frame, numericColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import {
  adversarialValidation,
  encodeForAdversarial,
  rocAuc,
  type DesignMatrix,
  type DriftClassifier,
} from './adversarial.js'

const matrix = (
  seed: number,
  rows: number,
  f: (rng: ReturnType<typeof createRng>) => number[],
): DesignMatrix => {
  const rng = createRng(seed)
  const first = f(rng)
  const cols = first.length
  const data = new Float64Array(rows * cols)
  data.set(first)
  for (let r = 1; r < rows; r++) data.set(f(rng), r * cols)
  return { rows, cols, data }
}

describe('rocAuc', () => {
  it('is 1 for perfect separation, 0.5 for ties, and averages tied ranks', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5)
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75)
  })
})

describe('adversarialValidation', () => {
  const same = (seed: number): DesignMatrix =>
    matrix(seed, 1500, (r) => [r.normal(), r.normal(), r.float()])

  it('scores about 0.5 when nothing changed', () => {
    const { auc } = adversarialValidation(same(1), same(2), { seed: 3 })
    expect(Math.abs(auc - 0.5)).toBeLessThan(0.05)
  })

  it('sees a joint shift that no single feature shows', () => {
    // Same marginals (standard normals) but the correlation flips from +0.9 to -0.9.
    const corr = (seed: number, rho: number): DesignMatrix =>
      matrix(seed, 1500, (r) => {
        const a = r.normal()
        return [a, rho * a + Math.sqrt(1 - rho * rho) * r.normal()]
      })
    const product: DriftClassifier = (trainX, trainY, testX) => {
      // A classifier on the product feature; stands in for an injected GBDT.
      let pos = 0
      let neg = 0
      let np = 0
      for (let r = 0; r < trainX.rows; r++) {
        const v = trainX.data[r * 2]! * trainX.data[r * 2 + 1]!
        if (trainY[r] === 1) {
          pos += v
          np++
        } else neg += v
      }
      const sign = pos / np > neg / (trainX.rows - np) ? 1 : -1
      return Float64Array.from(
        { length: testX.rows },
        (_, r) => sign * testX.data[r * 2]! * testX.data[r * 2 + 1]!,
      )
    }
    const { auc } = adversarialValidation(corr(4, 0.9), corr(5, -0.9), {
      seed: 1,
      classifier: product,
    })
    expect(auc).toBeGreaterThan(0.9)
  })

  it('detects mean and spread shifts with the default classifier', () => {
    const shifted = matrix(6, 1500, (r) => [r.normal() + 0.5, r.normal(), r.float()])
    expect(adversarialValidation(same(7), shifted, { seed: 1 }).auc).toBeGreaterThan(0.6)
    const wider = matrix(8, 1500, (r) => [2 * r.normal(), r.normal(), r.float()])
    expect(adversarialValidation(same(9), wider, { seed: 1 }).auc).toBeGreaterThan(0.6)
  })

  it('is deterministic for a seed and passes the classifier only training folds', () => {
    const calls: number[] = []
    const spy: DriftClassifier = (trainX, trainY, testX) => {
      calls.push(trainX.rows + testX.rows)
      expect(trainY.length).toBe(trainX.rows)
      return new Float64Array(testX.rows)
    }
    const a = adversarialValidation(same(1), same(2), { seed: 5, folds: 4, classifier: spy })
    expect(calls).toEqual([3000, 3000, 3000, 3000])
    expect(a.foldAucs).toEqual([0.5, 0.5, 0.5, 0.5])
    expect(adversarialValidation(same(1), same(2), { seed: 5 })).toEqual(
      adversarialValidation(same(1), same(2), { seed: 5 }),
    )
  })

  it('encodes frames: numeric values and reference category frequencies', () => {
    const ref = Frame.fromColumns({
      x: numericColumn([1, NaN, 3]),
      c: categoricalColumn(['a', 'a', 'b']),
    })
    const cur = Frame.fromColumns({ x: numericColumn([NaN, 5]), c: categoricalColumn(['b', 'z']) })
    const [a, b] = encodeForAdversarial(ref, cur, ['x', 'c'])
    expect(Array.from(a.data)).toEqual([1, 2 / 3, 2, 2 / 3, 3, 1 / 3])
    expect(Array.from(b.data)).toEqual([2, 1 / 3, 5, 0])
  })
})
