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
  /** `rows` timestamps spread evenly over `days` from 2001-01-01. */
  const spread = (days: number, rows: number): Float64Array =>
    Float64Array.from({ length: rows }, (_, i) => Date.UTC(2001, 0, 1) + (i / rows) * days * DAY)

  it('is the finest period whose windows hold enough rows', () => {
    expect(autoPeriod(spread(90, 100_000))).toBe('day')
    expect(autoPeriod(spread(90, 2_000))).toBe('week')
    expect(autoPeriod(spread(24, 225))).toBe('week')
    expect(autoPeriod(spread(400, 500))).toBe('month')
  })

  it('follows the data’s granularity: yearly data is backtested by year, never by empty months', () => {
    // Cars: model years 1970–1982 as timestamps (1 January each); a test split of two years.
    const years = (from: number, to: number, perYear: number): Float64Array =>
      Float64Array.from({ length: (to - from + 1) * perYear }, (_, i) =>
        Date.UTC(from + Math.floor(i / perYear), 0, 1),
      )
    expect(autoPeriod(years(1981, 1982, 40))).toBe('year')
    expect(autoPeriod(years(1970, 1982, 30))).toBe('year')
  })
})

describe('backtest windows', () => {
  it('leave empty windows out and fit no trend through fewer than four', async () => {
    const { metricsOverTime, MIN_TREND_WINDOWS } = await import('../backtest.js')
    // Two years of rows, monthly windows: 23 of 25 months are empty.
    const t = Float64Array.from({ length: 80 }, (_, i) => Date.UTC(i < 40 ? 1981 : 1983, 0, 1))
    const y = Float64Array.from({ length: 80 }, (_, i) => i % 2)
    const pred = Float64Array.from({ length: 80 }, (_, i) => (i % 3 === 0 ? 1 : 0))
    const table = metricsOverTime(t, { task: 'binary', y, pred }, ['accuracy'], {
      period: 'month',
    })
    expect(table.windows.map((w) => w.rows)).toEqual([40, 40])
    expect(table.emptyWindows).toBe(23)
    expect(MIN_TREND_WINDOWS).toBe(4)
    expect(table.trend['accuracy']!.slopePerWindow).toBeNull()
  })
})
