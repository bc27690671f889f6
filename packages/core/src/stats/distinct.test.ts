import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { DistinctCounter } from './distinct.js'
import { HyperLogLog } from './hyperloglog.js'

describe('DistinctCounter', () => {
  test.prop([
    fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ noNaN: true })), {
      maxLength: 300,
    }),
  ])('is exact below the limit and treats -0 as 0', (xs) => {
    const d = new DistinctCounter()
    d.addNumbers(xs)
    d.addNumber(NaN)
    const expected = new Set(xs.map((x) => (x === 0 ? 0 : x))).size
    expect(d.result()).toEqual({ value: expected, exact: true, relativeError: 0 })
  })

  it('switches to HyperLogLog past the limit and stays within 3 standard errors', () => {
    for (const n of [5_000, 200_000]) {
      const d = new DistinctCounter({ exactLimit: 1_000 })
      for (let i = 0; i < n; i++) d.addNumber(i * 0.5)
      const r = d.result()
      expect(r.exact).toBe(false)
      // 3 × 0.81% relative standard error (precision 14): fails by chance < 0.3% of seeds.
      expect(Math.abs(r.value - n) / n).toBeLessThanOrEqual(3 * r.relativeError)
    }
    const s = new DistinctCounter({ exactLimit: 100 })
    for (let i = 0; i < 50_000; i++) s.addString(`user-${i % 30_000}`)
    expect(Math.abs(s.result().value - 30_000) / 30_000).toBeLessThanOrEqual(3 * 0.0081)
  })

  it('merges exact and sketched counters as a union', () => {
    const a = new DistinctCounter({ exactLimit: 500 })
    const b = new DistinctCounter({ exactLimit: 500 })
    for (let i = 0; i < 300; i++) a.addString(`k${i}`)
    for (let i = 200; i < 400; i++) b.addString(`k${i}`)
    a.merge(b)
    expect(a.result()).toMatchObject({ value: 400, exact: true })
    const big = new DistinctCounter({ exactLimit: 500 })
    for (let i = 0; i < 20_000; i++) big.addString(`k${i}`)
    a.merge(big)
    expect(a.result().exact).toBe(false)
    expect(Math.abs(a.result().value - 20_000) / 20_000).toBeLessThanOrEqual(3 * 0.0081)
  })
})

describe('HyperLogLog', () => {
  it('estimates small cardinalities nearly exactly (linear-counting regime)', () => {
    const h = new HyperLogLog()
    for (let i = 0; i < 100; i++) h.addNumber(i)
    // With 16 384 registers and 100 values, collisions are rare: the estimate is within 2%.
    expect(Math.abs(h.estimate() - 100)).toBeLessThanOrEqual(2)
    expect(new HyperLogLog().estimate()).toBe(0)
  })

  it('refuses to merge sketches of different precision', () => {
    expect(() => new HyperLogLog(12).merge(new HyperLogLog(14))).toThrowError(/precision/)
    expect(() => new HyperLogLog(30)).toThrowError(/precision must be/)
  })
})
