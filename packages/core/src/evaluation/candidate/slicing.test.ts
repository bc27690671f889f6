import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { Frame, categoricalColumn, numericColumn } from '../../frame/index.js'
import { candidateConditions } from '../conditions.js'
import { isKeelError } from '../../errors/index.js'
import { autoPeriod } from './diagnostics.js'
import { declaredSlices, maskFromConditions } from './slicing.js'
import { evaluationConfigSchema } from './config-schema.js'

const DAY = 86_400_000

describe('slices', () => {
  test.prop([
    fc.array(
      fc.record({
        v: fc.option(fc.double({ min: -50, max: 50, noNaN: true }), { nil: null }),
        c: fc.constantFrom('a', 'b', 'c', null),
      }),
      {
        minLength: 1,
        maxLength: 60,
      },
    ),
  ])('rebuild exactly the mask of every candidate condition', (rows) => {
    const frame = Frame.fromColumns({
      v: numericColumn(rows.map((r) => r.v)),
      c: categoricalColumn(rows.map((r) => r.c)),
    })
    for (const cond of candidateConditions(frame)) {
      expect(Array.from(maskFromConditions(frame, [cond.condition]))).toEqual(Array.from(cond.mask))
    }
  })

  it('build declared slices and name partitions', () => {
    const frame = Frame.fromColumns({
      v: numericColumn([1, 5, 9]),
      c: categoricalColumn(['x', 'y', 'x']),
    })
    const specs = evaluationConfigSchema.parse({
      slices: [
        { column: 'c' },
        { column: 'v', range: { min: 2 } },
        { name: 'odd', where: (r: { v: number }) => r.v % 2 === 1 },
      ],
    }).slices
    const { slices, partitions } = declaredSlices(frame, specs)
    expect(slices.map((s) => [s.name, Array.from(s.mask)])).toEqual([
      ['c = x', [1, 0, 1]],
      ['c = y', [0, 1, 0]],
      ['v ≥ 2', [0, 1, 1]],
      ['odd', [1, 1, 1]],
    ])
    expect(partitions.map((p) => p.column)).toEqual(['c'])
    const numeric = evaluationConfigSchema.parse({ slices: [{ column: 'v' }] }).slices
    expect(() => declaredSlices(frame, numeric)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    const throwing = evaluationConfigSchema.parse({
      slices: [
        {
          name: 'bad',
          where: () => {
            throw new Error('boom')
          },
        },
      ],
    }).slices
    try {
      declaredSlices(frame, throwing)
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_CONFIG')
    }
  })
})

describe('backtest period', () => {
  it('is the finest period whose windows hold enough rows', () => {
    expect(autoPeriod(90 * DAY, 100_000)).toBe('day')
    expect(autoPeriod(90 * DAY, 2_000)).toBe('week')
    expect(autoPeriod(24 * DAY, 225)).toBe('week')
    expect(autoPeriod(400 * DAY, 500)).toBe('month')
  })
})
