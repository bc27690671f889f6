import { readFileSync } from 'node:fs'
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { chiSquareHomogeneity } from './chi-square.js'
import { jensenShannonDistance, populationStabilityIndex } from './divergence.js'
import { chiSquareSf } from './math/gamma.js'
import { correctDriftPValues } from './multiple-testing.js'
import { binCountsSorted, quantileEdges } from './quantile.js'
import { sortSample } from './sort.js'
import { wassersteinDistance } from './wasserstein.js'

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/drift/${name}`, import.meta.url), 'utf8'),
  ) as T
const relErr = (a: number, b: number): number =>
  a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE)

describe('chi-square against scipy.stats', () => {
  const f = fixture<{
    contingency: {
      table: number[][]
      correction: boolean
      statistic: number
      pvalue: number
      dof: number
    }[]
    sf: { x: number; df: number; sf: number }[]
  }>('chi2.json')

  // The statistic is the same finite sum (summation order differs: ~1e-15); the survival function
  // is a different incomplete-gamma implementation from cephes' igamc, measured within 1e-13.
  it.each(f.contingency.map((c, i) => [i, c] as const))('chi2_contingency case %i', (_, c) => {
    const r = chiSquareHomogeneity(c.table, { yates: c.correction })
    expect(r.dof).toBe(c.dof)
    expect(relErr(r.statistic, c.statistic)).toBeLessThan(1e-9)
    expect(relErr(r.pValue, c.pvalue)).toBeLessThan(1e-9)
  })

  it('chi2.sf over degrees of freedom 1..999 and both tails', () => {
    for (const g of f.sf) {
      expect(relErr(chiSquareSf(g.x, g.df), g.sf), `x=${g.x} df=${g.df}`).toBeLessThan(1e-9)
    }
  })

  it("drops all-zero categories instead of failing like scipy, and reports Cramér's V", () => {
    const r = chiSquareHomogeneity([
      [10, 0, 20],
      [30, 0, 10],
    ])
    expect(r.droppedEmpty).toBe(1)
    expect(r.dof).toBe(1)
    const perfect = chiSquareHomogeneity([
      [50, 0],
      [0, 50],
    ])
    expect(perfect.cramersV).toBeCloseTo(1, 12)
  })
})

describe('distances against scipy and the PSI reference formula', () => {
  const f = fixture<{
    jensenshannon: { p: number[]; q: number[]; distance: number }[]
    wasserstein: {
      u: number[]
      v: number[]
      uWeights?: number[]
      vWeights?: number[]
      distance: number
    }[]
    psi: {
      reference: number[]
      current: number[]
      bins: number
      edges: number[]
      referenceCounts: number[]
      currentCounts: number[]
      psi: number
      js: number
    }[]
  }>('divergence.json')

  // Same formula as scipy.spatial.distance.jensenshannon; differences are summation order only.
  it('jensenShannonDistance matches jensenshannon(base=2)', () => {
    for (const c of f.jensenshannon) {
      expect(Math.abs(jensenShannonDistance(c.p, c.q) - c.distance)).toBeLessThan(1e-12)
    }
  })

  // Same merge of CDFs as scipy's _cdf_distance; numpy sums pairwise, we sum in order (~1e-15).
  it('wassersteinDistance matches wasserstein_distance, with and without weights', () => {
    for (const c of f.wasserstein) {
      const opts = c.uWeights && c.vWeights ? { uWeights: c.uWeights, vWeights: c.vWeights } : {}
      expect(relErr(wassersteinDistance(c.u, c.v, opts), c.distance)).toBeLessThan(1e-12)
    }
  })

  it('quantile edges and bin counts equal numpy, and PSI / JS follow', () => {
    for (const c of f.psi) {
      const ref = sortSample(c.reference).values
      const cur = sortSample(c.current).values
      const edges = quantileEdges(ref, c.bins)
      expect(edges).toEqual(c.edges) // np.quantile's lerp reproduced bit for bit
      const rc = binCountsSorted(ref, edges)
      const cc = binCountsSorted(cur, edges)
      expect(rc).toEqual(c.referenceCounts)
      expect(cc).toEqual(c.currentCounts)
      expect(relErr(populationStabilityIndex(rc, cc), c.psi)).toBeLessThan(1e-12)
      expect(Math.abs(jensenShannonDistance(rc, cc) - c.js)).toBeLessThan(1e-12)
    }
  })

  fcTest.prop([
    fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 12 }),
    fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 12 }),
  ])('PSI >= 0, JS in [0, 1], both symmetric and zero on identical inputs', (a, b) => {
    const n = Math.min(a.length, b.length)
    const p = a.slice(0, n)
    const q = b.slice(0, n)
    fc.pre(p.some((v) => v > 0) && q.some((v) => v > 0))
    const psi = populationStabilityIndex(p, q)
    const js = jensenShannonDistance(p, q)
    expect(psi).toBeGreaterThanOrEqual(0)
    expect(js).toBeGreaterThanOrEqual(0)
    expect(js).toBeLessThanOrEqual(1 + 1e-12)
    expect(populationStabilityIndex(q, p)).toBeCloseTo(psi, 10)
    expect(jensenShannonDistance(q, p)).toBeCloseTo(js, 12)
    expect(populationStabilityIndex(p, p)).toBe(0)
    expect(jensenShannonDistance(p, p)).toBe(0)
  })
})

describe('correctDriftPValues against statsmodels multipletests definitions', () => {
  const cases = fixture<
    {
      p: number[]
      alpha: number
      bonferroni: { adjusted: number[]; reject: boolean[] }
      fdr_bh: { adjusted: number[]; reject: boolean[] }
    }[]
  >('multiple-testing.json')
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    for (const method of ['bonferroni', 'fdr_bh'] as const) {
      const r = correctDriftPValues(c.p, method, c.alpha)
      expect(r.reject).toEqual(c[method].reject)
      r.adjusted.forEach((a, i) => expect(relErr(a, c[method].adjusted[i]!)).toBeLessThan(1e-14))
    }
  })

  fcTest.prop([
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }),
  ])('BH rejects a superset of Bonferroni and adjusted p-values are >= raw', (p) => {
    const bh = correctDriftPValues(p, 'fdr_bh')
    const bon = correctDriftPValues(p, 'bonferroni')
    p.forEach((v, i) => {
      if (bon.reject[i]) expect(bh.reject[i]).toBe(true)
      // Mathematically adjusted >= raw; in floating point p_k / (k/m) may round one ulp below
      // (a relatively larger step for subnormal p).
      expect(bh.adjusted[i]!).toBeGreaterThanOrEqual(v * (1 - 1e-15) - 1e-300)
      expect(bon.adjusted[i]!).toBeGreaterThanOrEqual(bh.adjusted[i]! * (1 - 1e-15) - 1e-300)
    })
  })
})

describe('sortSample', () => {
  fcTest.prop([
    fc.array(
      fc.oneof(
        fc.double({ noNaN: false }),
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom(0, -0, 1e-300, -1e300, 1.7e308, -1.7e308),
      ),
      { maxLength: 3000 },
    ),
  ])('orders like the native sort and counts NaN as missing', (xs) => {
    const input = Float64Array.from(xs)
    const before = input.slice()
    const s = sortSample(input)
    const expected = Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort()
    expect(s.missing).toBe(xs.length - expected.length)
    expect(Array.from(s.values, (v) => (v === 0 ? 0 : v))).toEqual(
      Array.from(expected, (v) => (v === 0 ? 0 : v)),
    )
    expect(input).toEqual(before)
  })

  it('handles skewed data large enough to recurse', () => {
    const n = 200_000
    const a = new Float64Array(n)
    let s = 7
    for (let i = 0; i < n; i++) {
      s = (s * 48271) % 2147483647
      a[i] = Math.exp(12 * (s / 2147483647)) * (i % 3 === 0 ? -1 : 1)
    }
    const got = sortSample(a).values
    const want = a.slice().sort()
    let mismatches = 0
    for (let i = 0; i < n; i++) if (got[i] !== want[i]) mismatches++
    expect(mismatches).toBe(0)
  })
})
