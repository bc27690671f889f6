import { readFileSync } from 'node:fs'
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { isKeelError } from '../errors/index.js'
import { ksPValue, ksTwoSample, type KsAlternative, type KsMethod } from './ks-two-sample.js'
import { kolmogorovN } from './math/kolmogorov-n.js'
import { smirnovSf } from './math/smirnov.js'

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/drift/${name}`, import.meta.url), 'utf8'),
  ) as T

/** |a - b| <= rel * |b|, with exact equality required when b is 0. */
const relErr = (a: number, b: number): number =>
  a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE)

interface KsCase {
  label: string
  a: number[]
  b: number[]
  alternative: KsAlternative
  method: KsMethod
  statistic: number
  pvalue: number
  sign: 1 | -1
}

describe('ksTwoSample against scipy.stats.ks_2samp', () => {
  const cases = fixture<KsCase[]>('ks.json')
  // 1e-9 relative is the contract with scipy. Both compute the statistic from the same integer
  // counts, and the p-value algorithms are the same; what differs is summation order and the
  // elementary functions (exp/log/pow), worth ~1e-13 — the 1e-9 leaves room, not slack for bugs.
  it.each(cases.map((c) => [`${c.label} ${c.alternative} ${c.method}`, c] as const))(
    '%s',
    (_, c) => {
      const r = ksTwoSample(c.a, c.b, { alternative: c.alternative, method: c.method })
      expect(relErr(r.statistic, c.statistic)).toBeLessThanOrEqual(1e-9)
      expect(relErr(r.pValue, c.pvalue)).toBeLessThanOrEqual(1e-9)
      expect(r.sign).toBe(c.sign)
    },
  )

  it('covers the exact, fallback and asymptotic paths', () => {
    const methods = new Set(cases.map((c) => ksTwoSample(c.a, c.b, c).method))
    expect(methods).toEqual(new Set(['exact', 'asymp']))
  })
})

describe('Kolmogorov distributions against scipy', () => {
  const grid = fixture<{
    kstwo: { n: number; x: number; sf: number; cdf: number }[]
    smirnov: { n: number; x: number; sf: number }[]
  }>('kolmogorov.json')
  // Same 1e-9 contract; the worst case measured is ~2e-12 (Durbin matrix powers at n ~ 1e5).
  it('kstwo.sf and kstwo.cdf over every regime', () => {
    for (const g of grid.kstwo) {
      expect(relErr(kolmogorovN(g.n, g.x, false), g.sf), `n=${g.n} x=${g.x}`).toBeLessThan(1e-9)
      expect(relErr(kolmogorovN(g.n, g.x, true), g.cdf), `n=${g.n} x=${g.x}`).toBeLessThan(1e-9)
    }
  })
  it('scipy.special.smirnov, including n up to 3e6', () => {
    for (const g of grid.smirnov) {
      expect(relErr(smirnovSf(g.n, g.x), g.sf), `n=${g.n} x=${g.x}`).toBeLessThan(1e-9)
    }
  })
})

describe('the KS p-value at large n against scipy', () => {
  // scripts/fixtures/drift_large_n.py: scipy.special.smirnov and kstwo.sf on a grid of n from
  // 20,001 to 1e6 and n x^2 from 0.5 to 369, and ks_2samp's p-value at 1e6 x 1e6. scipy sums the
  // Smirnov series term by term there; Keel integrates it (math/smirnov.ts). Same 1e-9 contract
  // (the worst case measured is ~8e-13); p-values below 1e-300 are subnormal on both sides, where
  // neither carries 15 digits, and are compared as absolute values to 1e-300.
  const large = fixture<{
    smirnov: { n: number; x: number; sf: number }[]
    kstwo: { n: number; x: number; sf: number }[]
    ks2samp: { n1: number; n2: number; d: number; pvalue: number }[]
  }>('kolmogorov-large-n.json')
  const close = (got: number, want: number): boolean =>
    want < 1e-300 ? Math.abs(got - want) < 1e-300 : relErr(got, want) <= 1e-9

  it('scipy.special.smirnov', () => {
    for (const g of large.smirnov) {
      expect(close(smirnovSf(g.n, g.x), g.sf), `n=${g.n} x=${g.x}`).toBe(true)
    }
  })
  it('scipy.stats.kstwo.sf', () => {
    for (const g of large.kstwo) {
      expect(close(kolmogorovN(g.n, g.x, false), g.sf), `n=${g.n} x=${g.x}`).toBe(true)
    }
  })
  it('ks_2samp at a million values a side', () => {
    for (const g of large.ks2samp) {
      const r = ksPValue(g.d, g.n1, g.n2)
      expect(r.method).toBe('asymp')
      expect(close(r.pValue, g.pvalue), `d=${g.d}`).toBe(true)
    }
  })
})

describe('ksTwoSample properties', () => {
  const sample = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 })

  fcTest.prop([sample, sample])('two-sided is symmetric in its arguments', (a, b) => {
    const x = ksTwoSample(a, b)
    const y = ksTwoSample(b, a)
    expect(y.statistic).toBe(x.statistic)
    expect(y.pValue).toBe(x.pValue)
  })

  fcTest.prop([sample, sample])('less(a, b) equals greater(b, a)', (a, b) => {
    const x = ksTwoSample(a, b, { alternative: 'less' })
    const y = ksTwoSample(b, a, { alternative: 'greater' })
    expect(y.statistic).toBe(x.statistic)
    expect(y.pValue).toBeCloseTo(x.pValue, 12)
  })

  fcTest.prop([sample, sample, fc.constantFrom<KsMethod>('auto', 'exact', 'asymp')])(
    'D in [0, 1], p in [0, 1], inputs untouched',
    (a, b, method) => {
      const copy = [...a]
      const r = ksTwoSample(a, b, { method })
      expect(r.statistic).toBeGreaterThanOrEqual(0)
      expect(r.statistic).toBeLessThanOrEqual(1)
      expect(r.pValue).toBeGreaterThanOrEqual(0)
      expect(r.pValue).toBeLessThanOrEqual(1)
      expect(a).toEqual(copy)
    },
  )

  it('identical samples give D = 0 and p = 1', () => {
    const r = ksTwoSample([3, 1, 2, 2], [2, 3, 1, 2])
    expect(r.statistic).toBe(0)
    expect(r.pValue).toBe(1)
  })

  it('rejects NaN, empty input and unsorted input claimed sorted', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f()
      } catch (e) {
        return isKeelError(e) ? e.code : 'not-keel'
      }
      return undefined
    }
    expect(code(() => ksTwoSample([1, NaN], [2]))).toBe('INVALID_DATA')
    expect(code(() => ksTwoSample([], [2]))).toBe('INVALID_DATA')
    expect(code(() => ksTwoSample([2, 1], [2], { sorted: true }))).toBe('INVALID_ARGUMENT')
  })
})
