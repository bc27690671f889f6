import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../random/index.js'
import { isKeelError } from '../../errors/index.js'
import { Frame, categoricalColumn, numericColumn } from '../../frame/index.js'
import { numericFrame, syntheticData } from '../conformance/datasets.js'
import { logisticRegression } from './logistic-regression.js'

interface LogisticCase {
  name: string
  X: string
  params: Record<string, unknown>
  sampleWeight: boolean
  coef: number[][]
  intercept: number[]
  proba: number[][]
  rows?: number
}
interface LogisticFixture {
  X: Record<string, number[][]>
  y: number[]
  sampleWeight: number[]
  cases: LogisticCase[]
}

const fixture = (name: string): LogisticFixture =>
  JSON.parse(
    readFileSync(new URL(`../../../../../test/fixtures/linear/${name}`, import.meta.url), 'utf8'),
  ) as LogisticFixture

/** scikit-learn parameter names → Keel's. */
const keelParams = (p: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) {
    if (k === 'solver' || k === 'tol' || k === 'random_state') continue
    if (k === 'class_weight') {
      out.classWeight =
        v === 'balanced'
          ? 'balanced'
          : Object.fromEntries(
              Object.entries(v as Record<string, number>).map(([c, w]) => [`c${c}`, w]),
            )
    } else if (k === 'fit_intercept') out.fitIntercept = v
    else if (k === 'l1_ratio') out.l1Ratio = v
    else out[k] = v
  }
  return out
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-3)

const runCases = (file: string, task: 'binary' | 'multiclass', k: number) => {
  const fx = fixture(file)
  for (const c of fx.cases) {
    it(c.name, () => {
      const rows = c.rows ?? fx.y.length
      const X = numericFrame(fx.X[c.X]!.map((col) => col.slice(0, rows)))
      const data = {
        X,
        y: Float64Array.from(fx.y.slice(0, rows)),
        task,
        classes: Array.from({ length: k }, (_, i) => `c${i}`),
        ...(c.sampleWeight ? { weight: Float64Array.from(fx.sampleWeight.slice(0, rows)) } : {}),
      }
      const model = logisticRegression(keelParams(c.params)).fit(data, { rng: createRng(0) })
      expect(model.fit.converged).toBe(true)
      const l1 = c.params.penalty === 'l1' || c.params.penalty === 'elasticnet'
      // L2: both sides are converged to ~1e-10 gradients of the same objective (the fixture's
      // `kkt` field), so coefficients agree far below 1e-6 (observed ≤ 5e-8). L1/elastic net:
      // scikit-learn's saga stops on a coefficient-change tolerance (1e-12 here) and OWL-QN on a
      // 1e-10 pseudo-gradient, both at the same unique optimum (observed ≤ 2e-7). Coefficients
      // below 1e-3 are compared absolutely: a relative error of a near-zero number is noise.
      const tol = 1e-6
      for (let r = 0; r < c.coef.length; r++) {
        for (let j = 0; j < c.coef[r]!.length; j++) {
          expect(relErr(model.coef[r]![j]!, c.coef[r]![j]!)).toBeLessThan(tol)
          // Exact zeros from the L1 term are exact zeros here too.
          if (l1 && c.coef[r]![j] === 0) expect(model.coef[r]![j]).toBe(0)
        }
        expect(relErr(model.intercept[r]!, c.intercept[r]!)).toBeLessThan(tol)
      }
      const proba = model.predictProba(X.slice(0, 10))
      for (let i = 0; i < 10; i++) {
        for (let j = 0; j < k; j++) {
          // Observed ≤ 1e-9 (coefficients agree to ≤ 2e-7 relative and a probability moves by at
          // most a quarter of its margin's change); 1e-7 keeps the same margin as the coefficients.
          expect(Math.abs(proba[i * k + j]! - c.proba[i]![j]!)).toBeLessThan(1e-7)
        }
      }
    })
  }
}

describe('logistic regression matches scikit-learn (binary)', () => {
  runCases('logistic-binary.json', 'binary', 2)
})

describe('logistic regression matches scikit-learn (multinomial)', () => {
  runCases('logistic-multinomial.json', 'multiclass', 3)
})

describe('logistic regression input checks', () => {
  const rng = createRng(1)
  it('rejects categorical features with a hint to encode them', () => {
    const data = syntheticData.binary({ categorical: true })
    try {
      logisticRegression().fit(data, { rng })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_DATA')
      expect((e as Error).message).toContain('"cat"')
      expect(isKeelError(e) && e.hint).toMatch(/encode/)
    }
  })

  it('rejects NaN features naming the column, at fit and at predict', () => {
    const X = Frame.fromColumns({
      a: numericColumn([1, 2, 3, 4]),
      b: numericColumn([1, NaN, 0, 1]),
    })
    const data = {
      X,
      y: Float64Array.from([0, 1, 0, 1]),
      task: 'binary' as const,
      classes: ['n', 'y'],
    }
    expect(() => logisticRegression().fit(data, { rng })).toThrow(/"b".*row 1/)
    const ok = logisticRegression().fit(
      { ...data, X: X.withColumns({ b: numericColumn([1, 2, 0, 1]) }) },
      { rng },
    )
    expect(() => ok.predict(X)).toThrow(/"b"/)
  })

  it('rejects unknown and out-of-range hyperparameters', () => {
    for (const bad of [
      { c: 1 },
      { C: 0 },
      { C: -1 },
      { penalty: 'l3' },
      { penalty: 'elasticnet' },
      { maxIter: 0 },
    ]) {
      try {
        logisticRegression(bad)
        expect.unreachable()
      } catch (e) {
        expect(isKeelError(e) && e.code).toBe('INVALID_PARAMS')
      }
    }
  })

  it('rejects a class weight for a label that is not a class', () => {
    expect(() =>
      logisticRegression({ classWeight: { maybe: 2 } }).fit(syntheticData.binary(), { rng }),
    ).toThrow(/maybe/)
  })

  it('rejects a multiclass set where a class has no rows', () => {
    const d = syntheticData.multiclass()
    const y = d.y.map((v) => (v === 2 ? 0 : v))
    expect(() => logisticRegression().fit({ ...d, y }, { rng })).toThrow(/"c"/)
  })

  it('exposes coefficients by feature name', () => {
    const X = Frame.fromColumns({
      hour: numericColumn([1, 2, 3, 4, 5, 6]),
      junk: categoricalColumn(['a', 'b', 'a', 'b', 'a', 'b']),
    })
    const m = logisticRegression().fit(
      {
        X: X.select(['hour']),
        y: Float64Array.from([0, 0, 1, 0, 1, 1]),
        task: 'binary',
        classes: ['n', 'y'],
      },
      { rng },
    )
    expect(Object.keys(m.coefficients())).toEqual(['hour'])
    expect(m.coefficients().hour).toBeGreaterThan(0)
  })
})
