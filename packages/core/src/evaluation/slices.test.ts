import { describe, expect, it } from 'vitest'
import { Frame, booleanColumn, categoricalColumn, numericColumn } from '../frame/index.js'
import type { PredictionSet } from '../metrics/index.js'
import { createRng } from '../random/index.js'
import { adjustPValues } from './multiple-testing.js'
import { checkSimpsonsParadox } from './simpson.js'
import { discoverWeakSlices } from './slice-discovery.js'
import {
  evaluateSlices,
  sliceByRange,
  sliceByValues,
  sliceFromMask,
  sliceIntersection,
  slicesByColumn,
  sliceWhere,
} from './slices.js'

// Tolerances: unless a comment says otherwise, `toBeCloseTo(x, 12–15)` compares against values
// computed by hand or by a brute-force form of the same arithmetic, which agree up to floating-point
// rounding (~1e-15 relative); 12+ digits leaves room for summation order and nothing else.

const frame = Frame.fromColumns({
  origin: categoricalColumn(['SFO', 'JFK', 'SFO', null, 'JFK', 'ORD']),
  distance: numericColumn([300, 1200, 800, 50, null, 700]),
  night: booleanColumn([true, false, false, true, true, false]),
})

describe('slice constructors', () => {
  it('select by values, ranges, predicates and intersections', () => {
    expect(Array.from(sliceByValues(frame, 'origin', 'SFO').mask)).toEqual([1, 0, 1, 0, 0, 0])
    expect(Array.from(sliceByValues(frame, 'origin', [null, 'ORD']).mask)).toEqual([
      0, 0, 0, 1, 0, 1,
    ])
    expect(sliceByValues(frame, 'origin', ['SFO', 'ORD']).name).toBe('origin in {SFO, ORD}')
    expect(Array.from(sliceByValues(frame, 'night', true).mask)).toEqual([1, 0, 0, 1, 1, 0])
    const r = sliceByRange(frame, 'distance', { min: 300, max: 800 })
    expect(r.name).toBe('distance in [300, 800)')
    expect(Array.from(r.mask)).toEqual([1, 0, 0, 0, 0, 1])
    expect(
      Array.from(sliceByRange(frame, 'distance', { min: 300, max: 800, includeMax: true }).mask),
    ).toEqual([1, 0, 1, 0, 0, 1])
    const w = sliceWhere(
      frame,
      'long night',
      (row) => row['night'] === true && (row['distance'] as number) > 100,
    )
    expect(Array.from(w.mask)).toEqual([1, 0, 0, 0, 0, 0])
    const both = sliceIntersection(
      sliceByValues(frame, 'origin', 'SFO'),
      sliceByValues(frame, 'night', false),
    )
    expect(both.name).toBe('origin = SFO & night = false')
    expect(Array.from(both.mask)).toEqual([0, 0, 1, 0, 0, 0])
    expect(slicesByColumn(frame, 'origin').map((s) => s.name)).toEqual([
      'origin = SFO',
      'origin = JFK',
      'origin = missing',
      'origin = ORD',
    ])
  })
})

describe('slice evaluation', () => {
  // The book's example: model A 98% on a 90% majority, 80% on the minority.
  const n = 1000
  const minority = Uint8Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0))
  const y = new Float64Array(n).fill(1)
  const pred = Float64Array.from({ length: n }, (_, i) =>
    minority[i] ? (Math.floor(i / 10) % 5 === 0 ? 0 : 1) : i % 50 === 1 && i < 900 ? 0 : 1,
  )
  const data: PredictionSet = { task: 'binary', y, pred }

  it('reports overall and per-slice values with differences and intervals', () => {
    const report = evaluateSlices(data, [sliceFromMask('minority', minority)], ['accuracy'], {
      bootstrap: { rng: createRng(1), resamples: 200 },
    })
    expect(report[0]!.slice).toBe('all')
    expect(report[0]!.metrics['accuracy']!.value).toBeCloseTo(0.962, 12)
    const m = report[1]!.metrics['accuracy']!
    expect(report[1]!.rows).toBe(100)
    expect(report[1]!.share).toBeCloseTo(0.1, 12)
    expect(m.value).toBeCloseTo(0.8, 12)
    expect(m.difference).toBeCloseTo(0.8 - 0.962, 12)
    expect(m.lower!).toBeLessThan(0.8)
    expect(m.upper!).toBeGreaterThan(0.8)
    // Same seed → same intervals; JSON round trip is lossless.
    const again = evaluateSlices(data, [sliceFromMask('minority', minority)], ['accuracy'], {
      bootstrap: { rng: createRng(1), resamples: 200 },
    })
    expect(again).toEqual(report)
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('gives null where the metric is undefined on a slice', () => {
    const proba = Float64Array.from({ length: 2 * n }, (_, j) => (j % 2 ? 0.7 : 0.3))
    const r = evaluateSlices(
      { task: 'binary', y, proba },
      [sliceFromMask('minority', minority)],
      ['auc'],
    )
    expect(r[1]!.metrics['roc_auc']!.value).toBeNull()
  })
})

describe('weak-slice discovery', () => {
  const rng = createRng(5)
  const n = 3000
  const region = Array.from({ length: n }, () => ['north', 'south', 'east', 'west'][rng.int(4)]!)
  const device = Array.from({ length: n }, () => (rng.float() < 0.3 ? 'mobile' : 'desktop'))
  const age = Float64Array.from({ length: n }, () => 18 + rng.float() * 60)
  // Errors concentrate on (south & mobile) and mildly on old users.
  const wrong = region.map((r, i) => {
    const p =
      0.08 + (r === 'south' && device[i] === 'mobile' ? 0.35 : 0) + (age[i]! > 65 ? 0.05 : 0)
    return rng.float() < p
  })
  const y = Float64Array.from({ length: n }, () => (rng.float() < 0.5 ? 1 : 0))
  const pred = Float64Array.from(y, (v, i) => (wrong[i] ? 1 - v : v))
  const f = Frame.fromColumns({
    region: categoricalColumn(region),
    device: categoricalColumn(device),
    age: numericColumn(age),
  })
  const data: PredictionSet = { task: 'binary', y, pred }

  it('finds the planted slice first, significant after Holm correction', () => {
    const r = discoverWeakSlices(f, data, 'accuracy', { minSupport: 0.02 })
    expect(r.test).toBe('welch-z')
    const top = r.slices[0]!
    expect(top.name).toMatch(/region = south/)
    expect(top.significant).toBe(true)
    const planted = r.slices.find(
      (s) =>
        s.name === 'region = south & device = mobile' ||
        s.name === 'device = mobile & region = south',
    )
    expect(planted?.significant).toBe(true)
    expect(planted!.value).toBeLessThan(0.7)
    expect(r.candidates).toBeGreaterThan(r.slices.length)
    for (const s of r.slices) {
      expect(s.gap).toBeGreaterThan(0)
      expect(s.rows).toBeGreaterThanOrEqual(60)
    }
    // Ranked by gap × share.
    for (let i = 1; i < r.slices.length; i++)
      expect(r.slices[i]!.score).toBeLessThanOrEqual(r.slices[i - 1]!.score)
  })

  it('uses a seeded bootstrap for metrics without a per-row form', () => {
    const opts = { minSupport: 0.05, pairs: false, rng: createRng(2), resamples: 100, maxTests: 5 }
    const a = discoverWeakSlices(f, data, 'f1', opts)
    const b = discoverWeakSlices(f, data, 'f1', { ...opts, rng: createRng(2) })
    expect(a.test).toBe('bootstrap')
    expect(a).toEqual(b)
    expect(a.tested).toBeLessThanOrEqual(5)
    expect(() => discoverWeakSlices(f, data, 'f1', { pairs: false })).toThrow(/rng/)
  })
})

describe('multiple-testing corrections', () => {
  it('match the textbook definitions', () => {
    const p = [0.01, 0.04, 0.03, 0.2]
    expect(adjustPValues(p, 'bonferroni')).toEqual([0.04, 0.16, 0.12, 0.8])
    // Holm: sorted 0.01·4, 0.03·3, 0.04·2, 0.2·1 with running max.
    const holm = adjustPValues(p, 'holm')
    expect(holm[0]).toBeCloseTo(0.04, 15)
    expect(holm[2]).toBeCloseTo(0.09, 15)
    expect(holm[1]).toBeCloseTo(0.09, 15)
    expect(holm[3]).toBeCloseTo(0.2, 15)
    // BH: 0.01·4/1, 0.03·4/2, 0.04·4/3, 0.2·4/4 with running min from the top.
    const bh = adjustPValues(p, 'benjamini-hochberg')
    expect(bh[0]).toBeCloseTo(0.04, 15)
    expect(bh[2]).toBeCloseTo(0.16 / 3, 15)
    expect(bh[1]).toBeCloseTo(0.16 / 3, 15)
    expect(bh[3]).toBeCloseTo(0.2, 15)
    expect(adjustPValues([0.01], 'bonferroni', 10)).toEqual([0.1])
  })
})

describe("Simpson's paradox", () => {
  /** Rows with success indicators: accuracy of "pred = 1" against y = 1 is the success rate. */
  const outcomes = (groups: [number, number][]): { data: PredictionSet; sizes: number[] } => {
    const pred: number[] = []
    for (const [ok, total] of groups) for (let i = 0; i < total; i++) pred.push(i < ok ? 1 : 0)
    return {
      data: {
        task: 'binary',
        y: new Float64Array(pred.length).fill(1),
        pred: Float64Array.from(pred),
      },
      sizes: groups.map((g) => g[1]),
    }
  }
  const masks = (sizes: number[]) =>
    sizes.map((size, g) => {
      const start = sizes.slice(0, g).reduce((s, v) => s + v, 0)
      return sliceFromMask(
        ['small stones', 'large stones'][g]!,
        Array.from({ length: sizes.reduce((s, v) => s + v, 0) }, (_, i) =>
          i >= start && i < start + size ? 1 : 0,
        ),
      )
    })

  it('flags the kidney-stone data (Charig 1986)', () => {
    const A = outcomes([
      [81, 87],
      [192, 263],
    ])
    const B = outcomes([
      [234, 270],
      [55, 80],
    ])
    const r = checkSimpsonsParadox('accuracy', A.data, B.data, {
      a: masks(A.sizes),
      b: masks(B.sizes),
    })
    expect(r.overall.a).toBeCloseTo(273 / 350, 12)
    expect(r.overall.b).toBeCloseTo(289 / 350, 12)
    expect(r.overall.winner).toBe('b')
    expect(r.slices.map((s) => s.winner)).toEqual(['a', 'a'])
    expect(r.paradox).toBe('full')
  })

  it('reports none when the overall winner also wins the slices', () => {
    const A = outcomes([
      [85, 87],
      [250, 263],
    ])
    const B = outcomes([
      [234, 270],
      [55, 80],
    ])
    const r = checkSimpsonsParadox('accuracy', A.data, B.data, {
      a: masks(A.sizes),
      b: masks(B.sizes),
    })
    expect(r.paradox).toBe('none')
    expect(r.reversals).toBe(0)
  })
})
