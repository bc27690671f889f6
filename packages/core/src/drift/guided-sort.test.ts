import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { sortGuide, sortGuided, sortGuidedTransient } from './guided-sort.js'
import { sortSample } from './sort.js'

/** Element-wise equality as numbers (a sort cannot tell -0 from +0, so neither do we). */
const sameValues = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

const value = fc.oneof(
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 16, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, 5e-324) },
)

describe('sortGuided', () => {
  test.prop([
    fc.array(value, { minLength: 0, maxLength: 400, size: 'max' }),
    fc.array(value, { minLength: 0, maxLength: 1500, size: 'max' }),
  ])('returns exactly what sortSample returns, whatever the reference', (ref, input) => {
    const sortedRef = sortSample(ref.filter((x) => Number.isFinite(x))).values
    const expected = sortSample(input)
    const got = sortGuided(input, sortGuide(sortedRef))
    expect(got.missing).toBe(expected.missing)
    expect(sameValues(got.values, expected.values)).toBe(true)
  })

  test.prop([fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: -4, max: 4, noNaN: true })])(
    'sorts a drifted, skewed window of a skewed reference',
    (seed, shift) => {
      let s = seed
      const rand = (): number =>
        ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32
      const ref = Float64Array.from({ length: 3000 }, () => Math.exp(3 * rand()))
      const cur = Float64Array.from({ length: 5000 }, (_, i) =>
        i % 97 === 0 ? NaN : Math.exp(3 * rand() + shift),
      )
      const got = sortGuided(cur, sortGuide(sortSample(ref).values))
      const expected = sortSample(cur)
      expect(got.missing).toBe(expected.missing)
      expect(sameValues(got.values, expected.values)).toBe(true)
    },
  )

  it('handles a window piled up on one value and a reference with no spread', () => {
    const ties = new Float64Array(2000).fill(7)
    ties[5] = 3
    const guide = sortGuide(Float64Array.from({ length: 5000 }, (_, i) => i / 5000))
    expect(sameValues(sortGuided(ties, guide).values, sortSample(ties).values)).toBe(true)
    expect(guide).not.toBeNull()
    expect(sortGuide(new Float64Array([2, 2, 2]))).toBeNull()
    expect(sortGuide(Float64Array.from({ length: 9000 }, (_, i) => Math.floor(i / 180)))).toBeNull() // discrete
    expect(sortGuide(new Float64Array([-1e308, 1e308]))).toBeNull() // the range overflows
    expect(sortGuided(ties, null).values).toEqual(sortSample(ties).values)
  })

  it('leaves its input untouched', () => {
    const input = [
      3,
      NaN,
      1,
      2,
      -Infinity,
      ...Array.from({ length: 300 }, (_, i) => (i * 37) % 101),
    ]
    const copy = [...input]
    sortGuided(input, sortGuide(Float64Array.from({ length: 5000 }, (_, i) => i / 50)))
    expect(input).toEqual(copy)
  })
})

describe('sortGuidedTransient', () => {
  test.prop([fc.array(value, { minLength: 100, maxLength: 1500, size: 'max' })])(
    'gives the same values as sortGuided, in a buffer reused by the next call',
    (input) => {
      const guide = sortGuide(Float64Array.from({ length: 5000 }, (_, i) => -50 + i / 50))
      const expected = sortGuided(input, guide)
      const got = sortGuidedTransient(input, guide)
      expect(got.missing).toBe(expected.missing)
      expect(sameValues(got.values, expected.values)).toBe(true)
    },
  )
})
