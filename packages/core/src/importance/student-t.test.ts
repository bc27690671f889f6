import { readFileSync } from 'node:fs'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { studentTCdf, studentTQuantile } from './student-t.js'

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/importance/student-t.json', import.meta.url),
    'utf8',
  ),
) as { cases: { df: number; p: number; q: number; scipy: number }[] }

describe('studentTQuantile', () => {
  it('matches 40-digit quantiles (and scipy.stats.t.ppf to its own accuracy)', () => {
    for (const c of fixture.cases) {
      const q = studentTQuantile(c.p, c.df)
      // The series is exact; what is left is rounding in ~df/2 summed terms and in the CDF's
      // 1 − tail near p = 0.999: measured worst 3e-13 relative, so 1e-12 leaves a small margin.
      expect(Math.abs(q - c.q) / Math.abs(c.q)).toBeLessThan(1e-12)
      // scipy's stdtrit itself is only accurate to ~5e-9 relative (see the fixture script).
      expect(Math.abs(q - c.scipy) / Math.abs(c.q)).toBeLessThan(1e-8)
    }
  })

  it('is symmetric and rejects bad input', () => {
    expect(studentTQuantile(0.025, 4)).toBe(-studentTQuantile(0.975, 4))
    expect(studentTQuantile(0.5, 3)).toBe(0)
    expect(() => studentTQuantile(1, 3)).toThrow(/probability/)
    expect(() => studentTQuantile(0.9, 2.5)).toThrow(/degrees of freedom/)
  })

  test.prop([fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.01, max: 0.99, noNaN: true })])(
    'inverts the distribution function',
    (df, p) => {
      expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10)
    },
  )
})
