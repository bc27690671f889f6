import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { isKeelError } from '../errors/index.js'
import {
  compareNumericSamples,
  compareNumericSorted,
  compareNumericToPrepared,
  prepareNumericReference,
} from './compare-numeric.js'
import { sortSample } from './sort.js'

const sample = fc.array(
  fc.oneof(
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.integer({ min: -5, max: 5 }),
    fc.constant(NaN),
  ),
  { minLength: 1, maxLength: 300 },
)

describe('prepared numeric references', () => {
  test.prop([sample, sample, fc.integer({ min: 2, max: 20 })])(
    'give exactly the raw-sample statistics, however many windows reuse them',
    (ref, cur, bins) => {
      const valid = (xs: number[]) => xs.some((x) => !Number.isNaN(x))
      fc.pre(valid(ref) && valid(cur))
      const raw = compareNumericSamples(ref, cur, { bins })
      const prepared = prepareNumericReference(ref, { bins })
      expect(compareNumericToPrepared(prepared, cur)).toEqual(raw)
      expect(compareNumericToPrepared(prepared, cur)).toEqual(raw) // reusable, never mutated
      const r = sortSample(ref)
      const c = sortSample(cur)
      expect(
        compareNumericSorted(r.values, c.values, {
          bins,
          missing: { reference: r.missing, current: c.missing },
        }),
      ).toEqual(raw)
    },
  )

  test('refuse infinite values and bad bin counts as before', () => {
    const bad = (f: () => unknown, code: string) => {
      try {
        f()
      } catch (e) {
        expect(isKeelError(e) && e.code).toBe(code)
        return
      }
      throw new Error('expected a KeelError')
    }
    bad(() => prepareNumericReference([1, Infinity]), 'INVALID_DATA')
    bad(
      () => compareNumericToPrepared(prepareNumericReference([1, 2]), [-Infinity]),
      'INVALID_DATA',
    )
    bad(() => prepareNumericReference([1, 2], { bins: 1 }), 'INVALID_ARGUMENT')
  })
})
