import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn, textColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { KeelError } from '../errors/index.js'
import { splitFrame } from './split-frame.js'

describe('predefined split', () => {
  it('puts each row in the part its column names, ignoring case and spaces', () => {
    const f = Frame.fromColumns({
      part: textColumn(['train', 'test', ' Validation', 'TRAIN', 'test']),
      x: numericColumn([1, 2, 3, 4, 5]),
    })
    const s = splitFrame(f, { kind: 'predefined', column: 'part' }, { rng: createRng(0) })
    expect(Array.from(s.indices.train)).toEqual([0, 3])
    expect(Array.from(s.indices.validation)).toEqual([2])
    expect(Array.from(s.indices.test)).toEqual([1, 4])
    expect(s.report.kind).toBe('predefined')
    expect(s.report.column).toBe('part')
  })

  it('refuses rows whose value names no part, with the rows and values', () => {
    const f = Frame.fromColumns({ part: categoricalColumn(['train', 'dev', null, 'test']) })
    let error: unknown
    try {
      splitFrame(f, { kind: 'predefined', column: 'part' }, { rng: createRng(0) })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KeelError)
    const e = error as KeelError
    expect(e.code).toBe('INVALID_DATA')
    expect(e.message).toBe(
      'predefined split: 2 row(s) of "part" name no part (values "dev", (missing); rows 1, 2)',
    )
    expect(e.details).toMatchObject({ rows: [1, 2], count: 2 })
  })

  it('needs its column', () => {
    const f = Frame.fromColumns({ x: numericColumn([1]) })
    expect(() => splitFrame(f, { kind: 'predefined' }, { rng: createRng(0) })).toThrow(
      /a predefined split needs a column/,
    )
  })
})
