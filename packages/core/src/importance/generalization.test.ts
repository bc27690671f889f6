import { describe, expect, it } from 'vitest'
import { ksTwoSample } from '../drift/index.js'
import { Frame, categoricalColumn, numericColumn, timestampColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { featureGeneralization } from './generalization.js'

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** The book's taxi-ETA setup: retrain weekly on the last six days, predict the seventh. */
const taxi = (days: readonly number[], n: number, seed: number, coverage: number) => {
  const rng = createRng(seed)
  const day: string[] = []
  const dayNum = new Float64Array(n)
  const hour = new Float64Array(n)
  const tip = new Float64Array(n)
  const fare = new Float64Array(n)
  const at = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const d = days[rng.int(days.length)]!
    day.push(DAYS[d]!)
    dayNum[i] = d
    hour[i] = rng.int(24)
    tip[i] = rng.float() < coverage ? rng.float() * 5 : NaN
    fare[i] = 10 + 3 * rng.normal()
    at[i] = Date.UTC(2024, 0, 1 + d, hour[i]!)
  }
  return Frame.fromColumns({
    DAY_OF_THE_WEEK: categoricalColumn(day),
    day_number: numericColumn(dayNum),
    HOUR_OF_THE_DAY: numericColumn(hour),
    tip: numericColumn(tip),
    fare: numericColumn(fare),
    pickup_time: timestampColumn(at),
  })
}

describe('featureGeneralization', () => {
  const train = taxi([0, 1, 2, 3, 4, 5], 3000, 1, 0.9)
  const test = taxi([6], 600, 2, 0.2)
  const report = featureGeneralization(train, test)
  const f = (name: string) => report.features.find((x) => x.feature === name)!
  const codes = (name: string) => f(name).flags.map((x) => x.code)

  it('flags DAY_OF_THE_WEEK (never Sunday in train) and passes HOUR_OF_THE_DAY', () => {
    expect(f('DAY_OF_THE_WEEK').values!.unseenShare).toBe(1)
    expect(f('DAY_OF_THE_WEEK').values!.unseenSample).toEqual(['Sun'])
    expect(codes('DAY_OF_THE_WEEK')).toContain('unseen_values')
    // The same day as a number is discrete (7 values): checked value by value and by range.
    expect(f('day_number').values!.unseenShare).toBe(1)
    expect(codes('day_number')).toEqual(
      expect.arrayContaining(['unseen_values', 'out_of_range', 'distribution_shift']),
    )
    expect(f('HOUR_OF_THE_DAY').values!.unseenShare).toBe(0)
    expect(f('HOUR_OF_THE_DAY').numeric!.outOfRangeShare).toBe(0)
    expect(codes('HOUR_OF_THE_DAY')).toEqual([])
    expect(codes('fare')).toEqual([])
  })

  it('flags a coverage gap (90% train vs 20% test)', () => {
    expect(f('tip').coverage.train).toBeCloseTo(0.9, 1)
    expect(f('tip').coverage.test).toBeCloseTo(0.2, 1)
    expect(codes('tip')).toContain('coverage_gap')
  })

  it('flags a raw timestamp under a time split as out of range', () => {
    expect(f('pickup_time').numeric!.outOfRangeShare).toBe(1)
    expect(codes('pickup_time')).toContain('out_of_range')
  })

  it('reports the KS statistic of the two samples', () => {
    const expected = ksTwoSample(train.numeric('fare'), test.numeric('fare')).statistic
    expect(f('fare').numeric!.ks).toBe(expected)
  })

  it('matches categories by value, not by code, and flags low coverage', () => {
    const a = Frame.fromColumns({
      c: categoricalColumn(['x', 'y', 'x', 'y']),
      rare: numericColumn([1, null, null, null]),
    })
    const b = Frame.fromColumns({
      c: categoricalColumn(['y', 'x', 'z', null]),
      rare: numericColumn([null, null, null, null]),
    })
    const r = featureGeneralization(a, b, { thresholds: { unseenShare: 0.5 } })
    const c = r.features[0]!
    expect(c.values!.unseenShare).toBeCloseTo(1 / 3, 12)
    expect(c.coverage).toEqual({ train: 1, test: 0.75 })
    expect(c.flags.map((x) => x.code)).not.toContain('unseen_values')
    const rare = r.features[1]!
    expect(rare.numeric!.ks).toBeNull()
    expect(rare.flags.map((x) => x.code)).toContain('low_coverage')
  })

  it('rejects mismatched frames', () => {
    const a = Frame.fromColumns({ c: numericColumn([1]) })
    const b = Frame.fromColumns({ c: categoricalColumn(['1']) })
    expect(() => featureGeneralization(a, b)).toThrow(/numeric in train/)
    expect(() => featureGeneralization(a, b, { features: ['nope'] })).toThrow(/missing/)
  })
})
