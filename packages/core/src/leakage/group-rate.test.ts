import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn, timestampColumn } from '../frame/index.js'
import { leakyGroupRate, pointInTimeGroupRate } from './group-rate.js'

const H = 3_600_000
const DAY = 24 * H
const T0 = Date.UTC(2001, 0, 1)

const table = (rows: readonly { g: string | null; t: number; y: number | null }[]): Frame =>
  Frame.fromColumns({
    origin: categoricalColumn(rows.map((r) => r.g)),
    date: timestampColumn(rows.map((r) => r.t)),
    late: numericColumn(rows.map((r) => r.y)),
  })

describe('leakyGroupRate', () => {
  const f = table([
    { g: 'SFO', t: T0 + 10 * H, y: 1 },
    { g: 'SFO', t: T0 + 8 * H, y: 0 },
    { g: 'JFK', t: T0 + 9 * H, y: 1 },
    { g: 'SFO', t: T0 + 12 * H, y: 1 },
    { g: 'SFO', t: T0 + 40 * DAY, y: 0 }, // February: another period
    { g: null, t: T0, y: 1 },
  ])

  it('averages the label over the whole period, the row itself and later rows included', () => {
    const r = leakyGroupRate(f, { group: 'origin', label: 'late', time: 'date' })
    expect(Array.from(r.rate.values)).toEqual([2 / 3, 2 / 3, 1, 2 / 3, 0, NaN])
    expect(Array.from(r.count.values)).toEqual([3, 3, 1, 3, 1, NaN])
    // Known only when the period's last label is known: after most rows' departure.
    expect(r.availableAt.values[1]).toBe(T0 + 12 * H)
    expect(r.availableAt.kind).toBe('timestamp')
  })

  it('can cover a day or all rows, and shifts availability by the label delay', () => {
    const all = leakyGroupRate(f, {
      group: 'origin',
      label: 'late',
      time: 'date',
      period: 'all',
      labelDelayMs: H,
    })
    expect(all.rate.values[0]).toBe(0.5)
    expect(all.availableAt.values[0]).toBe(T0 + 40 * DAY + H)
    const day = leakyGroupRate(f, {
      group: 'origin',
      label: 'late',
      time: 'date',
      period: 'utc-day',
    })
    expect(day.rate.values[4]).toBe(0)
  })
})

describe('pointInTimeGroupRate', () => {
  it('uses only labels known strictly before the row, within the window', () => {
    const f = table([
      { g: 'SFO', t: T0, y: 1 },
      { g: 'SFO', t: T0 + 1 * H, y: 0 },
      { g: 'SFO', t: T0 + 1 * H, y: 1 }, // same instant as the previous row: not before it
      { g: 'SFO', t: T0 + 4 * H, y: null }, // unlabelled: counts nowhere
      { g: 'SFO', t: T0 + 5 * H, y: 0 },
      { g: 'SFO', t: T0 + 9 * DAY, y: 1 }, // everything else is out of the 7-day window
    ])
    const r = pointInTimeGroupRate(f, { group: 'origin', label: 'late', time: 'date' })
    expect(Array.from(r.rate.values)).toEqual([NaN, 1, 1, 2 / 3, 2 / 3, NaN])
    expect(Array.from(r.count.values)).toEqual([0, 1, 1, 3, 3, 0])
    expect(r.availableAt.values[4]).toBe(T0 + 4 * H)
    expect(r.availableAt.values[0]).toBe(T0)
    // With a 2-hour label delay, the 1 h rows only see labels older than 2 h (none).
    const delayed = pointInTimeGroupRate(f, {
      group: 'origin',
      label: 'late',
      time: 'date',
      labelDelayMs: 2 * H,
    })
    expect(Array.from(delayed.rate.values)).toEqual([NaN, NaN, NaN, 2 / 3, 2 / 3, NaN])
  })

  it('reads a categorical label through its positive value and rejects bad options', () => {
    const f = Frame.fromColumns({
      origin: categoricalColumn(['a', 'a', 'a']),
      date: timestampColumn([T0, T0 + H, T0 + 2 * H]),
      status: categoricalColumn(['late', 'on time', 'late']),
    })
    const r = pointInTimeGroupRate(f, {
      group: 'origin',
      label: 'status',
      time: 'date',
      positive: 'late',
    })
    expect(Array.from(r.rate.values)).toEqual([NaN, 1, 0.5])
    expect(() =>
      pointInTimeGroupRate(f, { group: 'origin', label: 'status', time: 'date' }),
    ).toThrow(/positive/)
    expect(() =>
      pointInTimeGroupRate(f, {
        group: 'origin',
        label: 'status',
        time: 'date',
        positive: 'late',
        windowMs: 0,
      }),
    ).toThrow(/windowMs/)
  })

  const rowsArb = fc.array(
    fc.record({
      g: fc.constantFrom('a', 'b', 'c'),
      t: fc.integer({ min: 0, max: 200 }).map((m) => T0 + m * H),
      y: fc.option(fc.constantFrom(0, 1), { nil: null }),
    }),
    { minLength: 1, maxLength: 60 },
  )

  test.prop([rowsArb, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 30 })])(
    'equals a brute-force point-in-time mean and is never known after the row',
    (rows, windowH, delayH) => {
      const f = table(rows)
      const r = pointInTimeGroupRate(f, {
        group: 'origin',
        label: 'late',
        time: 'date',
        windowMs: windowH * H,
        labelDelayMs: delayH * H,
      })
      rows.forEach((row, i) => {
        const used = rows.filter(
          (o) =>
            o.g === row.g && o.y !== null && o.t + delayH * H < row.t && o.t >= row.t - windowH * H,
        )
        const mean = used.length > 0 ? used.reduce((s, o) => s + o.y!, 0) / used.length : NaN
        expect(r.rate.values[i]).toBe(mean)
        expect(r.availableAt.values[i]!).toBeLessThanOrEqual(row.t)
      })
    },
  )

  test.prop([rowsArb])('the leaky rate equals the brute-force period mean', (rows) => {
    const r = leakyGroupRate(table(rows), {
      group: 'origin',
      label: 'late',
      time: 'date',
      period: 'utc-day',
    })
    rows.forEach((row, i) => {
      const day = Math.floor(row.t / DAY)
      const used = rows.filter(
        (o) => o.g === row.g && o.y !== null && Math.floor(o.t / DAY) === day,
      )
      const mean = used.length > 0 ? used.reduce((s, o) => s + o.y!, 0) / used.length : NaN
      // Summation order differs from the brute force: allow rounding, keep NaN exact.
      if (Number.isNaN(mean)) expect(r.rate.values[i]).toBeNaN()
      else expect(r.rate.values[i]).toBeCloseTo(mean, 12)
    })
  })
})
