import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { fastExp } from './fast-exp.js'

describe('fastExp', () => {
  // 2e-15 relative: the reduction and the polynomial each round a few times (≈ 4 ulp in all);
  // the gradients computed from it are stored as float32 (precision 6e-8).
  test.prop([fc.double({ min: -700, max: 700, noNaN: true })], { numRuns: 2000 })(
    'is within 2e-15 relative of Math.exp on [-700, 700]',
    (x) => {
      const want = Math.exp(x)
      expect(Math.abs(fastExp(x) - want) / want).toBeLessThan(2e-15)
    },
  )

  it('is exact at 0, keeps NaN and stays finite and positive beyond ±700', () => {
    expect(fastExp(0)).toBe(1)
    expect(fastExp(NaN)).toBeNaN()
    expect(fastExp(Infinity)).toBe(fastExp(700))
    expect(fastExp(-Infinity)).toBeGreaterThan(0)
    expect(fastExp(-Infinity)).toBeLessThan(1e-300)
    for (const x of [-1e-9, 1e-9, 0.5, -0.5, Math.LN2, 1, -1, 30, -30]) {
      expect(Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x)).toBeLessThan(2e-15)
    }
  })
})
