import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isSortableId, newSortableId, sortableIdTime } from './ids.js'

describe('sortable ids', () => {
  it('are UUIDv7 strings carrying their creation time', () => {
    const id = newSortableId(1_750_000_000_123)
    expect(isSortableId(id)).toBe(true)
    expect(sortableIdTime(id)).toBeGreaterThanOrEqual(1_750_000_000_123)
    expect(isSortableId('not-an-id')).toBe(false)
  })

  it('sort in creation order, also many within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newSortableId(2_000_000_000_000))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test.prop([fc.array(fc.integer({ min: 0, max: 2 ** 47 }), { minLength: 2, maxLength: 50 })])(
    'never go backwards, even when the clock does',
    (times) => {
      const ids = times.map((t) => newSortableId(t))
      expect([...ids].sort()).toEqual(ids)
      expect(ids.every(isSortableId)).toBe(true)
    },
  )
})
