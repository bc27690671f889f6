import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { frexp, ldexp, powScaled, twoProd, twoSum } from './float-bits.js'

describe('float bits', () => {
  fcTest.prop([fc.double({ noNaN: true, noDefaultInfinity: true })])(
    'frexp / ldexp round-trip',
    (x) => {
      const [m, e] = frexp(x)
      if (x !== 0) {
        expect(Math.abs(m)).toBeGreaterThanOrEqual(0.5)
        expect(Math.abs(m)).toBeLessThan(1)
      }
      expect(ldexp(m, e)).toBe(x)
    },
  )

  /** `x` as an exact rational `[integer mantissa, power of two]`. */
  const exact = (x: number): [bigint, number] => {
    const [m, e] = frexp(x)
    return [BigInt(m * 2 ** 53), e - 53]
  }
  /** Exact `sum of m_i * 2^e_i` compared for equality after aligning exponents. */
  const sameValue = (xs: [bigint, number][], ys: [bigint, number][]): boolean => {
    const lo = Math.min(...xs.map((x) => x[1]), ...ys.map((y) => y[1]))
    const total = (zs: [bigint, number][]): bigint =>
      zs.reduce((s, [m, e]) => s + m * 2n ** BigInt(e - lo), 0n)
    return total(xs) === total(ys)
  }
  const moderate = fc.oneof(
    fc.double({ min: 1e-100, max: 1e100, noNaN: true }),
    fc.double({ min: -1e100, max: -1e-100, noNaN: true }),
  )

  fcTest.prop([moderate, moderate])('twoSum and twoProd are error-free', (a, b) => {
    const [s, se] = twoSum(a, b)
    expect(s).toBe(a + b)
    expect(sameValue([exact(s), exact(se)], [exact(a), exact(b)])).toBe(true)
    const [p, pe] = twoProd(a, b)
    expect(p).toBe(a * b)
    const [ma, ea] = exact(a)
    const [mb, eb] = exact(b)
    expect(sameValue([exact(p), exact(pe)], [[ma * mb, ea + eb]])).toBe(true)
  })

  it('powScaled keeps full precision far below the double range', () => {
    // 0.75^100000 = 2^(100000 * log2 0.75): compare mantissa and exponent with a BigInt-free
    // identity: (0.75^1000)^100 computed chunk-wise must agree with powScaled to ~1e-13.
    const [m, e] = powScaled(0.75, 0, 100_000)
    const log2 = Math.log2(m) + e
    expect(log2).toBeCloseTo(100_000 * Math.log2(0.75), 6)
    const [m1, e1] = powScaled(0.75, 0, 1000)
    let acc = 1
    let exp = 0
    for (let i = 0; i < 100; i++) {
      const [mm, ee] = frexp(acc * m1)
      acc = mm
      exp += ee + e1
    }
    expect(e).toBe(exp)
    expect(Math.abs(m / acc - 1)).toBeLessThan(1e-13)
    // A low part is honoured: (1 + 2^-60)^(2^40) = e^(2^-20) to first order.
    const [hm, he] = powScaled(1, 2 ** -60, 2 ** 40)
    expect(ldexp(hm, he)).toBeCloseTo(Math.exp(2 ** -20), 15)
    expect(powScaled(-2, 0, 3)).toEqual([-0.5, 4])
  })
})
