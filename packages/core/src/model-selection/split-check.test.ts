import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, timestampColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { KeelError } from '../errors/index.js'
import { requireTrainAndTest } from './split-check.js'
import { splitFrame } from './split-frame.js'

const caught = (f: () => void): KeelError => {
  try {
    f()
  } catch (e) {
    if (e instanceof KeelError) return e
    throw e
  }
  throw new Error('expected a KeelError')
}

describe('requireTrainAndTest', () => {
  it('names the sizes and the fix when a time split on two instants empties test', () => {
    // Two distinct years: the 70 % cut moves past the first year's ties into the second, and
    // nothing is left after it.
    const t = [...Array<number>(8).fill(0), ...Array<number>(2).fill(Date.UTC(1971, 0, 1))]
    const f = Frame.fromColumns({ year: timestampColumn(t) })
    const s = splitFrame(f, { kind: 'time', column: 'year' }, { rng: createRng(0) })
    const e = caught(() => requireTrainAndTest(s.report))
    expect(e.code).toBe('INVALID_DATA')
    expect(e.message).toBe(
      'the time split left the test part empty (train 8, validation 2, test 0 rows)',
    )
    expect(e.details).toMatchObject({ sizes: { train: 8, validation: 2, test: 0 } })
    expect(e.hint).toContain("split: { kind: 'random' }")
    expect(e.hint).toContain('split.cutoffs')
  })

  it('accepts an empty validation part', () => {
    const f = Frame.fromColumns({ part: categoricalColumn(['train', 'test', 'train']) })
    const s = splitFrame(f, { kind: 'predefined', column: 'part' }, { rng: createRng(0) })
    expect(() => requireTrainAndTest(s.report)).not.toThrow()
  })
})
