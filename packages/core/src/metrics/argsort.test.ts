import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { argsortDescending } from './argsort.js'

/** The definition: decreasing score, ties by increasing index. */
const reference = (s: number[]): number[] =>
  s.map((_, i) => i).sort((a, b) => s[b]! - s[a]! || a - b)

describe('argsortDescending', () => {
  // Above the radix threshold (4096), with many ties, signs, zeros of both signs and extremes.
  const values = fc.oneof(
    fc.integer({ min: -50, max: 50 }).map((v) => v / 7),
    fc.constantFrom(
      0,
      -0,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      -Infinity,
      Infinity,
    ),
    fc.double({ noNaN: true }),
  )
  test.prop([fc.array(values, { minLength: 4096, maxLength: 5000 })], { numRuns: 8 })(
    'the radix path orders like the comparator definition (stable among ties)',
    (s) => {
      const got = Array.from(argsortDescending(s))
      const want = reference(s)
      // −0 and +0 compare equal (so either order is a valid sort) but have different bits: the
      // radix path puts +0 first. Compare scores with −0 folded to +0, then the tie order.
      const fold = (i: number): number => s[i]! + 0
      expect(got.map(fold)).toEqual(want.map(fold))
      for (let r = 1; r < got.length; r++) {
        if (Object.is(s[got[r]!], s[got[r - 1]!])) expect(got[r]!).toBeGreaterThan(got[r - 1]!)
      }
    },
  )

  test.prop([fc.array(values, { maxLength: 100 })])('small inputs use the comparator', (s) => {
    expect(Array.from(argsortDescending(s))).toEqual(reference(s))
  })
})
