import { readFileSync } from 'node:fs'
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { isKeelError } from '../errors/index.js'
import { categoricalColumn, Frame, numericColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { compareCategoricalToProfile } from './compare-categorical.js'
import { compareNumericSamples, compareNumericToProfile } from './compare-numeric.js'
import {
  buildReferenceProfile,
  parseReferenceProfile,
  profileCategorical,
  profileNumeric,
  safeParseReferenceProfile,
} from './profile.js'
import { DRIFT_REPORT_NOTE, driftReport } from './report.js'

const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/drift/${name}`, import.meta.url), 'utf8'),
  ) as T
const relErr = (a: number, b: number): number =>
  a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE)

const normals = (seed: number, n: number, mean = 0, sd = 1): Float64Array => {
  const rng = createRng(seed)
  return Float64Array.from({ length: n }, () => mean + sd * rng.normal())
}

describe('reference profiles', () => {
  it('an exact profile, stored as JSON and loaded back, gives scipy ks_2samp results', () => {
    const ks = fixture<
      {
        label: string
        alternative: string
        a: number[]
        b: number[]
        statistic: number
        pvalue: number
      }[]
    >('ks.json').filter((c) => c.alternative === 'two-sided' && c.label.startsWith('exact-'))
    expect(ks.length).toBeGreaterThan(2)
    for (const c of ks) {
      const stored = JSON.parse(
        JSON.stringify(
          buildReferenceProfile(Frame.fromColumns({ x: numericColumn(c.a) }), { sketchSize: 5000 }),
        ),
      ) as unknown
      const profile = parseReferenceProfile(stored).features.x!
      if (profile.kind !== 'numeric') throw new Error('expected a numeric profile')
      expect(profile.exact).toBe(true)
      const d = compareNumericToProfile(profile, c.b)
      expect(d.ks.approximate).toBe(false)
      // Same 1e-9 contract as the raw-sample KS tests (see ks-two-sample.test.ts).
      expect(relErr(d.ks.statistic, c.statistic)).toBeLessThan(1e-9)
      expect(relErr(d.ks.pValue, c.pvalue)).toBeLessThan(1e-9)
    }
  })

  it('an exact profile reproduces every raw-sample statistic', () => {
    const ref = normals(1, 800)
    const cur = normals(2, 600, 0.3, 1.2)
    const raw = compareNumericSamples(ref, cur)
    const viaProfile = compareNumericToProfile(profileNumeric(ref, { sketchSize: 1000 }), cur)
    expect(viaProfile.ks).toEqual(raw.ks)
    expect(viaProfile.psi).toBe(raw.psi)
    expect(viaProfile.jensenShannon).toBe(raw.jensenShannon)
    expect(viaProfile.wasserstein).toBeCloseTo(raw.wasserstein, 12)
    expect(relErr(viaProfile.wassersteinNormalized, raw.wassersteinNormalized)).toBeLessThan(1e-12)
  })

  it('a sketched profile stays within the sketch error of the exact statistics', () => {
    const ref = normals(3, 50_000)
    const cur = normals(4, 20_000, 0.1)
    const raw = compareNumericSamples(ref, cur)
    const p = profileNumeric(ref, { sketchSize: 1000 })
    expect(p.exact).toBe(false)
    expect(p.sketch).toHaveLength(1000)
    expect(JSON.stringify(p).length).toBeLessThan(30_000)
    const d = compareNumericToProfile(p, cur)
    expect(d.ks.approximate).toBe(true)
    // The sketch's ECDF is within ~1/(k-1) of the reference's, so D moves by at most about that.
    expect(Math.abs(d.ks.statistic - raw.ks.statistic)).toBeLessThan(1.5 / 999)
    expect(Math.abs(d.wasserstein - raw.wasserstein)).toBeLessThan(0.01)
    expect(d.psi).toBe(raw.psi) // bins and counts are stored exactly
  })

  it('counts missing values and rejects infinities', () => {
    const p = profileNumeric([1, NaN, 2, 3, NaN])
    expect(p.count).toBe(3)
    expect(p.missing).toBe(2)
    const d = compareNumericToProfile(p, [NaN, 2, 2.5])
    expect(d.missingRate).toEqual({ reference: 0.4, current: 1 / 3 })
    expect(() => profileNumeric([1, Infinity])).toThrow(/infinite/)
  })

  it('validation of stored JSON returns issues as data', () => {
    const good = buildReferenceProfile(
      Frame.fromColumns({
        x: numericColumn([1, 2, 3, 4]),
        c: categoricalColumn(['a', 'b', 'a', null]),
      }),
    )
    expect(safeParseReferenceProfile(JSON.parse(JSON.stringify(good))).ok).toBe(true)
    const bad = JSON.parse(JSON.stringify(good)) as {
      features: { x: { binCounts: number[]; edges: number[] } }
    }
    bad.features.x.binCounts.push(1)
    bad.features.x.edges.reverse()
    const r = safeParseReferenceProfile(bad)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map((i) => i.path.join('.'))).toContain('features.x.binCounts')
    try {
      parseReferenceProfile({ format: 'other' })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('UNSUPPORTED_FORMAT')
    }
  })

  fcTest.prop([
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
  ])('bins partition the sample and edges strictly increase', (xs) => {
    const p = profileNumeric(xs, { bins: 7 })
    expect(p.binCounts.reduce((s, v) => s + v, 0)).toBe(xs.length)
    for (let i = 1; i < p.edges.length; i++) expect(p.edges[i]!).toBeGreaterThan(p.edges[i - 1]!)
    expect(p.binCounts).toHaveLength(p.edges.length + 1)
  })
})

describe('categorical comparison', () => {
  it('aligns categories by name and reports unseen ones', () => {
    const p = profileCategorical(['a', 'a', 'b', 'c', null])
    const d = compareCategoricalToProfile(p, ['a', 'b', 'b', 'z', 'z', null])
    expect(d.categories).toEqual(['a', 'b', 'c', 'z'])
    expect(d.counts).toEqual({ reference: [2, 1, 1, 0], current: [1, 2, 0, 2] })
    expect(d.unseen).toEqual({ categories: ['z'], share: 0.4 })
    expect(d.chiSquare.dof).toBe(3)
    expect(d.cramersV).toBeGreaterThan(0)
  })
})

describe('driftReport', () => {
  const rng = createRng(9)
  const n = 4000
  const cats = (shift: number): string[] =>
    Array.from({ length: n }, () => {
      const u = rng.float()
      return u < 0.5 - shift ? 'AA' : u < 0.8 ? 'BB' : 'CC'
    })
  const train = Frame.fromColumns({
    stable: numericColumn(normals(10, n)),
    shifted: numericColumn(normals(11, n)),
    tiny: numericColumn(normals(12, n)),
    carrier: categoricalColumn(cats(0)),
  })
  const window = Frame.fromColumns({
    stable: numericColumn(normals(20, n)),
    shifted: numericColumn(normals(21, n, 0.8)),
    tiny: numericColumn(normals(22, n, 0.06)),
    carrier: categoricalColumn(cats(0.3)),
  })
  const reference = buildReferenceProfile(train)

  it('flags real shifts, not trivia, and explains why', () => {
    const r = driftReport(reference, window)
    expect(r.driftedFeatures).toEqual(['shifted', 'carrier'])
    expect(r.note).toBe(DRIFT_REPORT_NOTE)
    const tiny = r.features.find((f) => f.feature === 'tiny')!
    // A 0.06 sd shift at n = 4000 is statistically detectable but below the effect threshold.
    expect(tiny.effect.value).toBeLessThan(0.1)
    expect(tiny.drifted).toBe(false)
  })

  it('corrects for testing many features', () => {
    const none = driftReport(reference, window, { correction: 'none' })
    const bon = driftReport(reference, window, { correction: 'bonferroni' })
    none.features.forEach((f, i) => {
      expect(bon.features[i]!.adjustedPValue).toBeGreaterThanOrEqual(f.adjustedPValue)
    })
  })

  it('is deterministic and leaves the frames untouched', () => {
    const before = Array.from(window.numeric('shifted'))
    expect(driftReport(reference, window)).toEqual(driftReport(reference, window))
    expect(Array.from(window.numeric('shifted'))).toEqual(before)
  })

  it('skips features it cannot test instead of failing the report', () => {
    const partial = Frame.fromColumns({
      stable: numericColumn(new Float64Array(500).fill(NaN)),
      shifted: numericColumn(normals(30, 500, 1)),
    })
    const r = driftReport(reference, partial)
    expect(r.features.map((f) => f.feature)).toEqual(['shifted'])
    expect(r.skipped.map((s) => s.feature).sort()).toEqual(['carrier', 'stable', 'tiny'])
  })

  it('rejects an effect metric that does not apply', () => {
    expect(() =>
      driftReport(reference, window, {
        categoricalEffect: { metric: 'ks_statistic', threshold: 0.1 },
      }),
    ).toThrow(/does not apply/)
  })
})
