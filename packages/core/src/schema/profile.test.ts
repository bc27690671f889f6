import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  Frame,
  booleanColumn,
  categoricalColumn,
  numericColumn,
  textColumn,
  timestampColumn,
} from '../frame/index.js'
import { createRng } from '../random/index.js'
import { FrameProfiler, profileFrame } from './profile.js'
import type { BooleanProfile, NumericProfile, StringProfile } from './profile-columns.js'
import { renderProfile } from './render-profile.js'

interface Golden {
  rows: number
  columns: Record<string, (number | string | boolean | null)[]>
  expected: Record<string, Record<string, unknown>>
}
const golden = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/data/profile-golden.json', import.meta.url),
    'utf8',
  ),
) as Golden

/** The golden data as a Frame (the same columns the CSV fixture holds). */
const goldenFrame = (): Frame => {
  const c = golden.columns
  return Frame.fromColumns({
    date: timestampColumn(c['date'] as number[]),
    delay: numericColumn(c['delay'] as (number | null)[]),
    distance: numericColumn(c['distance'] as number[]),
    origin: categoricalColumn(c['origin'] as (string | null)[]),
    late: booleanColumn(c['late'] as (boolean | null)[]),
  })
}

const byName = <T>(p: { columns: readonly unknown[] }, name: string): T =>
  (p.columns as { name: string }[]).find((c) => c.name === name) as T

describe('profileFrame', () => {
  it('matches numpy on every numeric statistic', () => {
    const p = profileFrame(goldenFrame())
    expect(p.rows).toBe(golden.rows)
    for (const name of ['date', 'delay', 'distance']) {
      const got = byName<NumericProfile>(p, name)
      const exp = golden.expected[name] as Record<string, unknown>
      expect(got.count).toBe(exp['count'])
      expect(got.missing).toBe(exp['missing'])
      expect(got.distinct).toEqual({ value: exp['distinct'], exact: true, relativeError: 0 })
      expect(got.min).toBe(exp['min'])
      expect(got.max).toBe(exp['max'])
      expect(got.zeros).toBe(exp['zeros'])
      // numpy sums pairwise, Keel with a corrected two-pass per chunk: both are within a few ulps
      // of the true value, so relative 1e-12 is far above the rounding gap and far below any bug.
      expect(Math.abs(got.mean! - (exp['mean'] as number))).toBeLessThanOrEqual(
        1e-12 * Math.abs(exp['mean'] as number),
      )
      expect(Math.abs(got.std! - (exp['std'] as number))).toBeLessThanOrEqual(
        1e-9 * (exp['std'] as number),
      )
      expect(got.quantiles).toEqual(exp['quantiles'])
      expect(got.quantilesExact).toBe(true)
      expect(got.histogram).toEqual({ ...(exp['histogram'] as object), exact: true })
    }
  })

  it('counts categories, lengths and booleans exactly', () => {
    const p = profileFrame(goldenFrame())
    const origin = byName<StringProfile>(p, 'origin')
    const exp = golden.expected['origin']!
    expect(origin.missing).toBe(exp['missing'])
    expect(origin.distinct.value).toBe(exp['distinct'])
    expect(origin.top).toEqual((exp['top'] as unknown[]).slice(0, 10))
    expect(origin.topExact).toBe(true)
    expect(origin.length).toEqual(exp['length'])
    const late = byName<BooleanProfile>(p, 'late')
    expect(late).toMatchObject(golden.expected['late']!)
    expect(late.trueRate).toBe(late.trueCount / (late.trueCount + late.falseCount))
  })

  it('gives the same profile chunk by chunk and merged from parts', () => {
    const f = goldenFrame()
    const whole = profileFrame(f)
    const streamed = new FrameProfiler()
    for (let at = 0; at < f.numRows; at += 701) streamed.push(f.slice(at, at + 701))
    const left = new FrameProfiler()
    left.push(f.slice(0, 1234))
    const right = new FrameProfiler()
    right.push(f.slice(1234))
    left.merge(right)
    for (const p of [streamed.result(), left.result()]) {
      expect(p.rows).toBe(whole.rows)
      p.columns.forEach((c, i) => {
        const w = whole.columns[i]!
        // Moments differ from the one-chunk result only by summation order (≤ 1e-9 relative).
        if (c.kind === 'numeric' || c.kind === 'timestamp') {
          const wc = w as NumericProfile
          expect(c.quantiles).toEqual(wc.quantiles)
          expect(c.histogram).toEqual(wc.histogram)
          expect(Math.abs(c.std! - wc.std!)).toBeLessThanOrEqual(1e-9 * wc.std!)
        } else expect(c).toEqual(w)
      })
    }
  })

  it('switches to sketches on long columns and says so', () => {
    const rng = createRng(1)
    const n = 20_000
    const f = Frame.fromColumns({
      x: numericColumn(Float64Array.from({ length: n }, () => rng.normal())),
    })
    const p = profileFrame(f, { quantileCapacity: 1000, distinctExactLimit: 1000 })
    const x = p.columns[0] as NumericProfile
    expect(x.quantilesExact).toBe(false)
    expect(x.quantileRankError).toBeGreaterThan(0)
    expect(x.distinct.exact).toBe(false)
    expect(x.histogram!.exact).toBe(false)
    expect(x.histogram!.counts.reduce((s, c) => s + c, 0)).toBe(n)
  })

  it('keeps infinities out of quantiles and profiles text', () => {
    const f = Frame.fromColumns({
      x: numericColumn([1, Infinity, 2, -Infinity, 3]),
      note: textColumn(['a b', null, 'cd e', 'x', 'a b']),
    })
    const p = profileFrame(f)
    const x = p.columns[0] as NumericProfile
    expect(x).toMatchObject({ infinite: 2, min: -Infinity, max: Infinity, mean: 2 })
    expect(x.quantiles.p50).toBe(2)
    expect(x.histogram!.counts.reduce((s, c) => s + c, 0)).toBe(3)
    const note = p.columns[1] as StringProfile
    expect(note).toMatchObject({ kind: 'text', missing: 1, distinct: { value: 3 } })
    expect(note.top[0]).toEqual({ value: 'a b', count: 2 })
    expect(note.length).toEqual({ min: 1, max: 4, mean: 2.75 })
  })

  it('refuses chunks with different columns', () => {
    const p = new FrameProfiler()
    p.push(Frame.fromColumns({ a: numericColumn([1]) }))
    expect(() => p.push(Frame.fromColumns({ a: categoricalColumn(['x']) }))).toThrowError(
      /different columns/,
    )
  })

  it('is plain JSON (no NaN, no functions) and renders as a table', () => {
    const p = profileFrame(goldenFrame())
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
    const text = renderProfile(p)
    expect(text.split('\n')[0]).toBe('3,000 rows, 5 columns')
    expect(text).toMatch(/^origin\s+categorical\s+\d\.\d%\s+12\s+ATL /m)
    expect(text).toMatch(
      /^date\s+timestamp\s+0%\s+[\d,]+\s+2001-01-01 \d\d:\d\d … 2001-06-\d\d \d\d:\d\d$/m,
    )
    expect(text).toMatch(/^ {2}histogram {2}-?\d.* [▁▂▃▄▅▆▇█ ]{20} /m)
    expect(text).toMatch(/^late\s+boolean\s+\d\.\d%\s+2\s+true \d+%/m)
  })
})
