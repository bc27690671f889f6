import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import type { PredictionEvent } from '../stores/events/index.js'
import { parseDuration, sliceWindows } from './windows.js'

const DAY = 86_400_000

const event = (i: number, time: number): PredictionEvent => ({
  kind: 'prediction',
  id: `r${i}:0`,
  requestId: `r${i}`,
  time,
  model: 'm',
  version: i % 3 === 0 ? '2' : '1',
  inputs: {},
  output: { prediction: 'yes', defer: false },
})

describe('parseDuration', () => {
  it('reads the usual units and rejects the rest', () => {
    expect(
      ['250ms', '30s', '30m', '6h', '1d', '7d', '2w', '1.5h'].map((d) => parseDuration(d)),
    ).toEqual([250, 30_000, 1_800_000, 21_600_000, DAY, 7 * DAY, 14 * DAY, 5_400_000])
    expect(parseDuration(1234)).toBe(1234)
    for (const bad of ['', '7', 'd', '-1d', '0d', '1y', 'soon']) {
      expect(() => parseDuration(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      )
    }
    expect(() => parseDuration(0)).toThrow()
  })
})

const sortedTimes = fc
  .array(fc.integer({ min: 0, max: 30 * DAY }), { maxLength: 200 })
  .map((ts) => ts.sort((a, b) => a - b))

describe('sliceWindows', () => {
  test.prop([sortedTimes, fc.constantFrom('6h', '1d', '7d')])(
    'time windows partition the events, are aligned to the epoch and contiguous',
    (times, size) => {
      const events = times.map((t, i) => event(i, t))
      const slices = sliceWindows(events, { by: 'time', size }, { asOf: 40 * DAY })
      const ms = parseDuration(size)
      expect(slices.flatMap((s) => s.events)).toEqual(events)
      slices.forEach((s, k) => {
        expect(s.window.index).toBe(k)
        expect(s.window.start % ms).toBe(0)
        expect(s.window.end - s.window.start).toBe(ms)
        if (k > 0) expect(s.window.start).toBe(slices[k - 1]!.window.end)
        for (const e of s.events)
          expect(e.time >= s.window.start && e.time < s.window.end).toBe(true)
        expect(s.window.predictions).toBe(s.events.length)
        expect(Object.values(s.window.versions).reduce((a, b) => a + b, 0)).toBe(s.events.length)
        expect(s.window.key).toBe(new Date(s.window.start).toISOString())
      })
    },
  )

  test.prop([sortedTimes, fc.integer({ min: 1, max: 50 })])(
    'count windows hold `size` events each, the last one possibly fewer',
    (times, size) => {
      const events = times.map((t, i) => event(i, t))
      const slices = sliceWindows(events, { by: 'count', size }, { asOf: 40 * DAY })
      expect(slices.flatMap((s) => s.events)).toEqual(events)
      slices.forEach((s, k) => {
        const last = k === slices.length - 1
        expect(s.events.length === size || (last && s.events.length < size)).toBe(true)
        expect(s.window.partial).toBe(s.events.length < size)
        expect(s.window.key).toBe(`count:${size}:${s.events[0]!.id}`)
      })
    },
  )

  it('keeps empty windows between busy ones and marks unfinished windows partial', () => {
    const events = [event(0, 0), event(1, 2 * DAY + 5)]
    const slices = sliceWindows(events, { by: 'time', size: '1d' }, { asOf: 2 * DAY + 10 })
    expect(slices.map((s) => [s.window.predictions, s.window.partial])).toEqual([
      [1, false],
      [0, false],
      [1, true],
    ])
    // A range starting mid-window: the first window is cut by `from`.
    const cut = sliceWindows(
      [event(0, DAY + 100)],
      { by: 'time', size: '1d' },
      { from: DAY + 50, asOf: 5 * DAY },
    )
    expect(cut.map((s) => [s.window.start, s.window.partial])).toEqual([[DAY, true]])
  })
})
