import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { Frame } from './frame.js'
import { categoricalColumn, numericColumn, textColumn, timestampColumn } from './column.js'
import { isKeelError } from '../errors/index.js'

const sample = (): Frame =>
  Frame.fromColumns({
    distance: numericColumn([300, 1200, null, 50]),
    origin: categoricalColumn(['SFO', 'JFK', null, 'SFO']),
    note: textColumn(['a', null, 'c', 'd']),
    at: timestampColumn([0, 1000, 2000, null]),
  })

describe('Frame', () => {
  it('keeps one missing representation per kind', () => {
    const f = sample()
    expect(f.numRows).toBe(4)
    expect(Number.isNaN(f.numeric('distance')[2])).toBe(true)
    expect(f.categorical('origin').codes[2]).toBe(-1)
    expect(f.row(2)).toEqual({ distance: null, origin: null, note: 'c', at: 2000 })
    expect(f.row(3)).toEqual({ distance: 50, origin: 'SFO', note: 'd', at: null })
  })

  it('rejects columns of different lengths with a structured error', () => {
    try {
      Frame.fromColumns({ a: numericColumn([1, 2]), b: numericColumn([1]) })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_DATA')
      expect(isKeelError(e) && e.path).toEqual(['b'])
    }
  })

  it('names a missing column', () => {
    expect(() => sample().column('nope')).toThrowError(/missing column "nope"/)
  })

  it('takes, filters and slices without touching the source', () => {
    const f = sample()
    const before = Array.from(f.numeric('distance'))
    const t = f.take([3, 0])
    expect(t.toRows()).toEqual([f.row(3), f.row(0)])
    expect(f.filter([1, 0, 0, 1]).numRows).toBe(2)
    expect(f.slice(1, 3).toRows()).toEqual([f.row(1), f.row(2)])
    expect(Array.from(f.numeric('distance'))).toEqual(before)
  })

  it('concatenates frames and merges categorical dictionaries', () => {
    const a = Frame.fromColumns({ o: categoricalColumn(['x', 'y']) })
    const b = Frame.fromColumns({ o: categoricalColumn(['z', 'x', null]) })
    const c = Frame.concat([a, b])
    expect(c.toRows().map((r) => r['o'])).toEqual(['x', 'y', 'z', 'x', null])
    expect(c.categorical('o').dictionary).toEqual(['x', 'y', 'z'])
  })

  it('builds from rows and reports a wrong type with its row', () => {
    const f = Frame.fromRows([
      { a: 1, b: 'u' },
      { a: null, b: 'v' },
    ])
    expect(f.kindOf('a')).toBe('numeric')
    expect(f.kindOf('b')).toBe('categorical')
    expect(() => Frame.fromRows([{ a: 1 }, { a: 'x' }])).toThrowError(/column "a" row 1/)
  })

  test.prop([fc.array(fc.option(fc.double({ noNaN: true }), { nil: null }), { maxLength: 50 })])(
    'round-trips numeric rows',
    (values) => {
      const f = Frame.fromRows(
        values.map((v) => ({ v })),
        { v: 'numeric' },
      )
      expect(f.toRows().map((r) => r['v'])).toEqual(values.map((v) => (v === null ? null : v)))
    },
  )
})
