import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createRng } from '../random/index.js'
import { histogramFromSketch } from './histogram.js'
import { QUANTILE_SKETCH_RANK_ERROR, QuantileSketch, sampleRankError } from './quantile-sketch.js'

interface NumericGolden {
  quantiles: Record<string, number>
  histogram: { edges: number[]; counts: number[] }
}
const golden = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/data/profile-golden.json', import.meta.url),
    'utf8',
  ),
) as { columns: Record<string, (number | null)[]>; expected: Record<string, NumericGolden> }
const QS = { p1: 0.01, p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 }

/** Normalized distance between the requested rank and the true rank range of `v` in `sorted`. */
const rankError = (sorted: Float64Array, v: number, q: number): number => {
  const n = sorted.length
  const bound = (strict: boolean): number => {
    let lo = 0
    let hi = n
    while (lo < hi) {
      const m = (lo + hi) >>> 1
      if (strict ? sorted[m]! < v : sorted[m]! <= v) lo = m + 1
      else hi = m
    }
    return lo
  }
  const below = bound(true)
  const upto = bound(false)
  const target = q * n
  return target < below ? (below - target) / n : target > upto ? (target - upto) / n : 0
}

describe('QuantileSketch', () => {
  for (const column of ['delay', 'distance', 'date']) {
    it(`matches numpy.quantile and numpy.histogram exactly in exact mode (${column})`, () => {
      const s = new QuantileSketch()
      s.pushArray(golden.columns[column]!.map((v) => v ?? NaN))
      expect(s.isExact).toBe(true)
      const exp = golden.expected[column]!
      // Exact mode reproduces numpy's linear interpolation (same lerp, same end-point switch)
      // bit for bit, and JSON round-trips doubles exactly: no tolerance needed.
      for (const [k, q] of Object.entries(QS)) {
        expect(s.quantile(q)).toBe(exp.quantiles[k]!)
      }
      const h = histogramFromSketch(s, 20)!
      expect(h.edges).toEqual(exp.histogram.edges)
      expect(h.counts).toEqual(exp.histogram.counts)
      expect(h.exact).toBe(true)
    })
  }

  it('keeps the documented rank error once sampling, across seeds and orderings', () => {
    const n = 60_000
    for (let seed = 0; seed < 12; seed++) {
      const rng = createRng(100 + seed)
      const order = seed % 4
      const data = Float64Array.from({ length: n }, (_, i) =>
        order === 0
          ? i
          : order === 1
            ? n - i
            : order === 2
              ? Math.floor(rng.float() * 50)
              : rng.normal(),
      )
      const s = new QuantileSketch({ capacity: 4096, rng: createRng(seed) })
      for (let at = 0; at < n; at += 7_777) s.pushArray(data.subarray(at, at + 7_777))
      expect(s.isExact).toBe(false)
      // DKW bound for 4 096 samples: ε = sqrt(ln(2000) / 8192) ≈ 3.05%, failing with p ≤ 0.1%.
      expect(s.rankError).toBeCloseTo(sampleRankError(4096), 12)
      const sorted = data.slice().sort()
      for (const q of Object.values(QS)) {
        expect(rankError(sorted, s.quantile(q)!, q)).toBeLessThanOrEqual(s.rankError)
      }
    }
    expect(QUANTILE_SKETCH_RANK_ERROR).toBeCloseTo(0.0076, 4)
  })

  it('samples the same values however the stream is chunked', () => {
    const rng = createRng(5)
    const data = Float64Array.from({ length: 30_000 }, () => rng.normal())
    const run = (chunk: number): (number | null)[] => {
      const s = new QuantileSketch({ capacity: 1000, rng: createRng(1) })
      for (let at = 0; at < data.length; at += chunk) s.pushArray(data.subarray(at, at + chunk))
      return s.quantiles([0.1, 0.5, 0.9])
    }
    expect(run(1)).toEqual(run(30_000))
    expect(run(999)).toEqual(run(4096))
  })

  it('merges exact and sampled sketches within the bound, with exact extremes', () => {
    const rng = createRng(9)
    const parts = [20_000, 300, 20_000, 50].map((len) =>
      Float64Array.from({ length: len }, () => rng.normal() * 10),
    )
    const merged = new QuantileSketch({ capacity: 4096 })
    for (const p of parts) {
      const s = new QuantileSketch({ capacity: 4096, rng: createRng(p.length) })
      s.pushArray(p)
      merged.merge(s)
    }
    const all = Float64Array.from(parts.flatMap((p) => Array.from(p)))
    const sorted = all.slice().sort()
    expect(merged.count).toBe(all.length)
    expect(merged.min).toBe(sorted[0])
    expect(merged.max).toBe(sorted[sorted.length - 1])
    for (const q of Object.values(QS)) {
      expect(rankError(sorted, merged.quantile(q)!, q)).toBeLessThanOrEqual(merged.rankError)
    }
    const exact = new QuantileSketch()
    exact.pushArray([1, 2])
    const other = new QuantileSketch()
    other.pushArray([3, 4, NaN])
    exact.merge(other)
    expect(exact.isExact).toBe(true)
    expect(exact.quantile(0.5)).toBe(2.5)
    expect(() => exact.merge(new QuantileSketch({ capacity: 32 }))).toThrowError(/capacity/)
  })

  it('is deterministic for a seed and ignores NaN', () => {
    const data = Float64Array.from({ length: 50_000 }, (_, i) =>
      i % 97 === 0 ? NaN : Math.sin(i) * 100,
    )
    const run = (): (number | null)[] => {
      const s = new QuantileSketch({ capacity: 100, rng: createRng(3) })
      s.pushArray(data)
      return s.quantiles([0.1, 0.5, 0.9])
    }
    expect(run()).toEqual(run())
    const s = new QuantileSketch()
    s.pushArray(Float64Array.of(NaN, NaN))
    s.push(NaN)
    expect(s.count).toBe(0)
    expect(s.quantile(0.5)).toBeNull()
    expect(histogramFromSketch(s)).toBeNull()
  })

  it('rejects a quantile outside [0, 1]', () => {
    expect(() => new QuantileSketch().quantile(1.5)).toThrowError(/quantile must be in \[0, 1\]/)
  })

  it('bins a constant column like numpy (±0.5 around the value)', () => {
    const s = new QuantileSketch()
    s.pushArray([4, 4, 4])
    const h = histogramFromSketch(s, 2)!
    expect(h.edges).toEqual([3.5, 4, 4.5])
    expect(h.counts).toEqual([0, 3])
  })
})
