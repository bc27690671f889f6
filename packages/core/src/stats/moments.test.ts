import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { MomentsAccumulator } from './moments.js'

const naive = (xs: number[]): { mean: number; variance: number } => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)
  return { mean, variance }
}

describe('MomentsAccumulator', () => {
  it('counts missing and infinite values apart from the moments', () => {
    const m = new MomentsAccumulator()
    m.pushArray(Float64Array.of(1, NaN, 2, Infinity, 3, -Infinity))
    expect(m.result()).toEqual({
      count: 3,
      missing: 1,
      infinite: 2,
      min: -Infinity,
      max: Infinity,
      mean: 2,
      variance: 1,
      std: 1,
    })
  })

  it('reports nulls for an empty input and no variance for one value', () => {
    expect(new MomentsAccumulator().result()).toMatchObject({
      count: 0,
      min: null,
      mean: null,
      std: null,
    })
    const m = new MomentsAccumulator()
    m.push(5)
    expect(m.result()).toMatchObject({ count: 1, mean: 5, variance: null, min: 5, max: 5 })
  })

  it('stays accurate with a large offset (catastrophic cancellation guard)', () => {
    const m = new MomentsAccumulator()
    const xs = Float64Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 10))
    m.pushArray(xs)
    // Values 0..9 repeated: variance of the offsets is exactly 8.25 * 1000/999.
    expect(m.result().variance).toBeCloseTo((8.25 * 1000) / 999, 6)
  })

  const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
    minLength: 2,
    maxLength: 200,
  })

  test.prop([values, fc.nat()])(
    'gives the same answer for any chunking and for merges',
    (xs, cut) => {
      const k = cut % (xs.length + 1)
      const whole = new MomentsAccumulator()
      whole.pushArray(xs)
      const a = new MomentsAccumulator()
      a.pushArray(xs.slice(0, k))
      const b = new MomentsAccumulator()
      for (const x of xs.slice(k)) b.push(x)
      a.merge(b)
      const ref = naive(xs)
      const scale = Math.max(1, ...xs.map(Math.abs))
      // Different summation orders differ by rounding: relative 1e-9 of the data's scale is ample
      // for ≤ 200 values (each operation loses at most one ulp, ~1e-16).
      for (const m of [whole.result(), a.result()]) {
        expect(Math.abs(m.mean! - ref.mean)).toBeLessThanOrEqual(1e-9 * scale)
        expect(Math.abs(m.variance! - ref.variance)).toBeLessThanOrEqual(1e-9 * scale * scale)
        expect(m.min).toBe(Math.min(...xs))
        expect(m.max).toBe(Math.max(...xs))
      }
    },
  )
})
