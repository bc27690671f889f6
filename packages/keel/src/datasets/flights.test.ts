import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Frame } from '@keel/core'
import { flightLabelTime, flightsDataPath, flightsLabelArrival, prepareFlights } from './flights.js'

const MINUTE = 60_000

describe('flightsDataPath', () => {
  it('finds the parquet file inside the installed vega-datasets package', () => {
    const path = flightsDataPath()
    expect(path).toMatch(/vega-datasets[/\\]data[/\\]flights-3m\.parquet$/)
    expect(existsSync(path)).toBe(true)
  })

  it('names the package and how to install it when it is missing', () => {
    // Resolving from a folder with no node_modules above it stands for a machine without the package.
    const nowhere = createRequire(join(tmpdir(), 'keel-no-packages', 'x.js')).resolve
    const missing = (specifier: string): string => nowhere(`${specifier}-that-does-not-exist`)
    expect(() => flightsDataPath(missing)).toThrow(
      expect.objectContaining({
        code: 'MISSING_DEPENDENCY',
        hint: 'npm install vega-datasets',
        message: expect.stringContaining('"vega-datasets"'),
      }),
    )
  })

  it('lets other resolution failures through', () => {
    const broken = (): string => {
      throw new Error('disk on fire')
    }
    expect(() => flightsDataPath(broken)).toThrow('disk on fire')
  })
})

describe('prepareFlights', () => {
  it('derives the label and the calendar columns in UTC', () => {
    const raw = Frame.fromRows(
      [
        { date: Date.UTC(2001, 5, 3, 17, 45), delay: 16 },
        { date: Date.UTC(2001, 0, 1, 0, 5), delay: 15 },
        { date: null, delay: null },
      ],
      { date: 'timestamp', delay: 'numeric' },
    )
    const f = prepareFlights(raw)
    expect([0, 1, 2].map((i) => f.row(i)['late'])).toEqual([true, false, null])
    expect(Array.from(f.numeric('dep_minute'))).toEqual([17 * 60 + 45, 5, NaN])
    // 2001-06-03 was a Sunday, 2001-01-01 a Monday.
    expect(Array.from(f.numeric('day_of_week'))).toEqual([0, 1, NaN])
    expect(Array.from(f.numeric('day_of_month'))).toEqual([3, 1, NaN])
  })
})

describe('flightLabelTime', () => {
  it('lands after taxi and cruise shifted by the delay, then adds the feed lag', () => {
    // 30 min taxi + 450 mi / 7.5 mi per min = 90 min, on time, earliest feed lag (5 min).
    expect(flightLabelTime(0, 450, 0, 0)).toBe(95 * MINUTE)
    // Two hours late, latest feed lag (5 + 55 min).
    expect(flightLabelTime(0, 450, 120, 1)).toBe((90 + 120 + 60) * MINUTE)
    // A very early arrival still lands at least 15 minutes after departure.
    expect(flightLabelTime(0, 75, -500, 0)).toBe((15 + 5) * MINUTE)
  })

  it('reads distance and delay from the prepared frame as the replay label-arrival model', () => {
    const f = Frame.fromRows([{ distance: 450, delay: 120 }], {
      distance: 'numeric',
      delay: 'numeric',
    })
    expect(flightsLabelArrival.columns).toEqual(['distance', 'delay'])
    expect(flightsLabelArrival.bind(f)(0, 0, 1)).toBe((90 + 120 + 60) * MINUTE)
  })
})
