import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import {
  runBehaviouralTest,
  runBehaviouralTests,
  type BehaviouralPredictFn,
} from './behavioural.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

const rng = createRng(8)
const n = 300
const X = Frame.fromColumns({
  distance: numericColumn(Float64Array.from({ length: n }, () => 100 + 2000 * rng.float())),
  hour: numericColumn(
    Float64Array.from({ length: n }, (_, i) => (i % 10 === 0 ? NaN : rng.int(24))),
  ),
  carrier: categoricalColumn(Array.from({ length: n }, () => ['AA', 'UA', 'DL'][rng.int(3)]!)),
})

/** A model: late probability rises with hour, slightly with distance, and (unfairly) for carrier UA. */
const model: BehaviouralPredictFn = (f) => {
  const d = f.numeric('distance')
  const h = f.numeric('hour')
  const c = f.categorical('carrier')
  return Float64Array.from({ length: f.numRows }, (_, i) => {
    const hour = Number.isNaN(h[i]!) ? 12 : h[i]!
    const ua = c.dictionary[c.codes[i]!] === 'UA' ? 0.2 : 0
    return Math.min(1, 0.05 + hour / 40 + d[i]! / 1e5 + ua)
  })
}

describe('behavioural tests', () => {
  it('perturbation: small noise on distance stays within tolerance', () => {
    const r = runBehaviouralTest(
      model,
      X,
      { kind: 'perturbation', name: 'noise', numeric: ['distance'], noise: 0.1, tolerance: 0.01 },
      { rng: createRng(1) },
    )
    // 0.1 std of distance (≈ 58) moves the prediction by ≈ 6e-4: every case passes.
    expect(r).toMatchObject({ cases: n, passed: n, passRate: 1, pass: true, failures: [] })
    expect(r.maxChange).toBeGreaterThan(0)
  })

  it('perturbation: carrier swaps fail where UA is involved, with failing rows reported', () => {
    const r = runBehaviouralTest(
      model,
      X,
      {
        kind: 'perturbation',
        name: 'swap',
        categorical: ['carrier'],
        tolerance: 0.05,
        minPassRate: 0.9,
      },
      { rng: createRng(1), maxFailures: 3 },
    )
    expect(r.pass).toBe(false)
    expect(r.passRate).toBeGreaterThan(0.2)
    expect(r.passRate).toBeLessThan(0.8)
    expect(r.failures).toHaveLength(3)
    for (const f of r.failures) expect(Math.abs(f.after - f.before)).toBeCloseTo(0.2, 12)
  })

  it('invariance: every carrier value is tried on every row with a different value', () => {
    const r = runBehaviouralTest(
      model,
      X,
      { kind: 'invariance', name: 'carrier', feature: 'carrier', tolerance: 1e-9 },
      { rng: createRng(1) },
    )
    // Each row gets the two carriers it does not have.
    expect(r.cases).toBe(2 * n)
    const ua = Array.from(X.categorical('carrier').codes).filter(
      (c) => X.categorical('carrier').dictionary[c] === 'UA',
    ).length
    // Only changes to or from UA move the prediction: UA rows fail twice, others once.
    expect(r.cases - r.passed).toBe(2 * ua + (n - ua))
    expect(r.failures.every((f) => f.value !== undefined)).toBe(true)
  })

  it('directional: later hours must not lower the prediction; missing rows are skipped', () => {
    const ok = runBehaviouralTest(
      model,
      X,
      {
        kind: 'directional',
        name: 'hour up',
        feature: 'hour',
        delta: 2,
        expect: 'increase',
        tolerance: 0,
      },
      { rng: createRng(1) },
    )
    expect(ok).toMatchObject({ cases: n - n / 10, pass: true })
    const wrong = runBehaviouralTest(
      model,
      X,
      {
        kind: 'directional',
        name: 'hour down',
        feature: 'hour',
        delta: 2,
        expect: 'decrease',
        tolerance: 0,
      },
      { rng: createRng(1) },
    )
    expect(wrong.passRate).toBe(0)
    expect(wrong.failures[0]!.after).toBeGreaterThan(wrong.failures[0]!.before)
  })

  it('samples rows reproducibly and runs a suite with independent streams', () => {
    const specs = [
      {
        kind: 'perturbation',
        name: 'noise',
        numeric: ['distance'],
        noise: 3,
        tolerance: 0.005,
        rows: 50,
      },
      { kind: 'invariance', name: 'carrier', feature: 'carrier', tolerance: 0.1 },
    ] as const
    const a = runBehaviouralTests(model, X, specs, { rng: createRng(3) })
    const b = runBehaviouralTests(model, X, [...specs].reverse(), { rng: createRng(3) })
    expect(a.results[0]).toEqual(b.results[1])
    expect(a.results[0]!.cases).toBe(50)
    expect(JSON.parse(JSON.stringify(a))).toEqual(a)
    expect(() =>
      runBehaviouralTests(model, X, [specs[0], specs[0]], { rng: createRng(3) }),
    ).toThrow(/duplicate/)
  })

  it('accepts a custom transform and checks the prediction length', () => {
    const r = runBehaviouralTest(
      model,
      X,
      {
        kind: 'perturbation',
        name: 'night',
        tolerance: 0.3,
        transform: (f) =>
          f.withColumns({ hour: numericColumn(new Float64Array(f.numRows).fill(23)) }),
      },
      { rng: createRng(1) },
    )
    expect(r.pass).toBe(false)
    expect(() =>
      runBehaviouralTest(
        () => new Float64Array(1),
        X,
        { kind: 'perturbation', name: 'x', tolerance: 0 },
        { rng: createRng(1) },
      ),
    ).toThrow(/returned 1 values/)
  })
})
