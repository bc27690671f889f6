import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { Frame, categoricalColumn, numericColumn, textColumn } from '../frame/index.js'
import { duplicateRowGroups, hashRows } from './row-hash.js'

describe('duplicateRowGroups', () => {
  test.prop([
    fc.array(
      fc.tuple(
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
        fc.constantFrom('a', 'b', null),
        fc.constantFrom('x', 'y'),
      ),
      { maxLength: 60 },
    ),
  ])('finds exactly the groups of identical rows', (rows) => {
    const f = Frame.fromColumns({
      n: numericColumn(rows.map((r) => r[0])),
      c: categoricalColumn(rows.map((r) => r[1])),
      t: textColumn(rows.map((r) => r[2])),
    })
    const byValue = new Map<string, number[]>()
    rows.forEach((r, i) => {
      const k = JSON.stringify(r)
      byValue.set(k, [...(byValue.get(k) ?? []), i])
    })
    const expected = [...byValue.values()].filter((g) => g.length > 1).sort((a, b) => a[0]! - b[0]!)
    expect(duplicateRowGroups(f, ['n', 'c', 't'])).toEqual(expected)
  })

  it('hashes by value: dictionaries, -0 and chunking do not matter', () => {
    const a = Frame.fromColumns({ c: categoricalColumn(['x', 'y']), n: numericColumn([0, NaN]) })
    const b = Frame.fromColumns({
      c: categoricalColumn(['x', 'y'], ['y', 'x']),
      n: numericColumn([-0, NaN]),
    })
    expect(Array.from(hashRows(a, ['c', 'n']))).toEqual(Array.from(hashRows(b, ['c', 'n'])))
    expect(hashRows(a, ['c', 'n'])[0]).not.toBe(hashRows(a, ['c', 'n'])[1])
  })
})
