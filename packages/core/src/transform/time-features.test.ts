import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { Frame, numericColumn, timestampColumn } from '../frame/index.js'
import { positionalEmbedding } from './positional.js'
import { opts } from './test-support/helpers.js'
import { timeFeatures, utcFields } from './time-features.js'

// Dates from year -5000 to 9999; Date's UTC getters are the reference calendar.
const MS = fc.integer({ min: -219_000_000_000_000, max: 253_402_300_799_999 })

describe('time features (UTC)', () => {
  test.prop([MS], { numRuns: 500 })('agree with Date UTC getters', (ms) => {
    const d = new Date(ms)
    const f = utcFields(ms)
    expect(f.year).toBe(d.getUTCFullYear())
    expect(f.month).toBe(d.getUTCMonth() + 1)
    expect(f.day).toBe(d.getUTCDate())
    expect(f.hour).toBe(d.getUTCHours())
    expect(f.minuteOfDay).toBe(d.getUTCHours() * 60 + d.getUTCMinutes())
    expect(f.dayOfWeek).toBe((d.getUTCDay() + 6) % 7)
    expect(f.dayOfYear).toBe(
      Math.round(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
          Date.UTC(d.getUTCFullYear(), 0, 1)) /
          86_400_000,
      ) + 1,
    )
  })

  it('names its outputs and encodes cycles', () => {
    const t = Date.UTC(2001, 0, 1, 18, 30) // a Monday
    const f = Frame.fromColumns({ date: timestampColumn([t, null]) })
    const fitted = timeFeatures({
      parts: ['hour', 'dayOfWeek', 'month', 'dayOfMonth'],
      cyclic: ['hour'],
    }).fit(f, opts())
    const out = fitted.transform(f)
    expect(out.columnNames).toEqual([
      'date__hour',
      'date__dayOfWeek',
      'date__month',
      'date__dayOfMonth',
      'date__hour_sin',
      'date__hour_cos',
    ])
    expect(out.row(0)).toEqual({
      date__hour: 18,
      date__dayOfWeek: 0,
      date__month: 1,
      date__dayOfMonth: 1,
      date__hour_sin: Math.sin((2 * Math.PI * 18) / 24),
      date__hour_cos: Math.cos((2 * Math.PI * 18) / 24),
    })
    expect(Object.values(out.row(1)).every((v) => v === null)).toBe(true)
  })

  it('refuses missing timestamps on request and infinities always', () => {
    const f = Frame.fromColumns({ date: timestampColumn([0, null]) })
    expect(() => timeFeatures({ missing: 'error' }).fit(f, opts()).transform(f)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['date', 1] }),
    )
    const inf = Frame.fromColumns({ date: numericColumn([Infinity]) })
    expect(() => timeFeatures().fit(f, opts()).transform(inf)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    )
  })
})

describe('positional embeddings', () => {
  it('follow Vaswani: sin on even dimensions, cos on odd, wavelength base^(2k/d)', () => {
    const f = Frame.fromColumns({ pos: numericColumn([0, 1, 7, 511]) })
    const out = positionalEmbedding({ dim: 8 }).fit(f, opts()).transform(f)
    expect(out.numColumns).toBe(8)
    for (const [i, p] of [0, 1, 7, 511].entries()) {
      for (let d = 0; d < 8; d++) {
        const k = Math.floor(d / 2)
        const angle = p / Math.pow(10_000, (2 * k) / 8)
        expect(out.numeric(`pos__pe_${d}`)[i]).toBe(d % 2 === 0 ? Math.sin(angle) : Math.cos(angle))
      }
    }
  })

  it('refuses non-integer positions', () => {
    const f = Frame.fromColumns({ pos: numericColumn([1.5]) })
    expect(() => positionalEmbedding().fit(f, opts()).transform(f)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA', path: ['pos', 0] }),
    )
  })
})
