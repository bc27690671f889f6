import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { categoricalColumn } from '../frame/index.js'
import { encodeOverCategories } from './category-index.js'

/** What the encoder replaces: merge unseen values after the training dictionary, then encode. */
const reference = (values: (string | null)[], categories: string[]) => {
  const dict = [...categories]
  for (const v of values) if (v !== null && !dict.includes(v)) dict.push(v)
  return categoricalColumn(values, dict)
}

describe('encodeOverCategories', () => {
  const categories = ['SFO', 'JFK', 'ORD', 'LAX']
  const value = fc.option(fc.constantFrom('SFO', 'JFK', 'ORD', 'LAX', 'BOS', 'SEA', ''), {
    nil: null,
  })

  test.prop([fc.array(value, { maxLength: 20 })])(
    'gives the codes and dictionary of categoricalColumn over the merged dictionary',
    (values) => {
      const got = encodeOverCategories(values, categories)
      const want = reference(values, categories)
      expect([...got.codes]).toEqual([...want.codes])
      expect(got.dictionary).toEqual(want.dictionary)
      expect(Object.isFrozen(got) && Object.isFrozen(got.dictionary)).toBe(true)
    },
  )

  test('shares one frozen dictionary across calls while every value is known', () => {
    const a = encodeOverCategories(['JFK', null], categories)
    const b = encodeOverCategories(['LAX'], categories)
    expect(a.dictionary).toBe(b.dictionary)
    expect(a.dictionary).not.toBe(categories)
    expect(encodeOverCategories(['BOS'], categories).dictionary).toEqual([...categories, 'BOS'])
    expect(categories).toEqual(['SFO', 'JFK', 'ORD', 'LAX']) // the pinned list is never touched
  })
})
