import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { FrequencyCounter } from './frequency.js'

describe('FrequencyCounter', () => {
  it('counts exactly while the values fit, ties ordered by value', () => {
    const f = new FrequencyCounter(10)
    for (const v of ['b', 'a', 'c', 'a', 'b', 'a']) f.add(v)
    expect(f.top(2)).toEqual({
      values: [
        { value: 'a', count: 3 },
        { value: 'b', count: 2 },
      ],
      exact: true,
      maxUndercount: 0,
    })
  })

  test.prop([
    fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 600 }),
    fc.integer({ min: 2, max: 8 }),
    fc.nat(),
  ])(
    'undercounts by at most n/(capacity+1) and keeps heavy hitters, merged or not',
    (xs, capacity, cut) => {
      const truth = new Map<string, number>()
      for (const x of xs) truth.set(String(x), (truth.get(String(x)) ?? 0) + 1)
      const k = cut % (xs.length + 1)
      const a = new FrequencyCounter(capacity)
      const b = new FrequencyCounter(capacity)
      xs.slice(0, k).forEach((x) => a.add(String(x)))
      xs.slice(k).forEach((x) => b.add(String(x)))
      a.merge(b)
      const top = a.top(1000)
      expect(top.maxUndercount).toBeLessThanOrEqual(xs.length / (capacity + 1))
      const reported = new Map(top.values.map((v) => [v.value, v.count]))
      for (const [v, c] of truth) {
        const r = reported.get(v) ?? 0
        expect(r).toBeLessThanOrEqual(c)
        expect(r).toBeGreaterThanOrEqual(c - top.maxUndercount)
        if (c > top.maxUndercount) expect(reported.has(v)).toBe(true)
      }
      expect(a.total).toBe(xs.length)
    },
  )
})
