import { describe, expect, it } from 'vitest'
import { Frame, type InputField } from '@keel/core'
import { flightsLabelArrival } from '../datasets/flights.js'
import { batchesOf, planReplay } from './plan.js'

const MINUTE = 60_000
const JUNE = Date.UTC(2001, 5, 1)

const INPUTS: InputField[] = [
  { name: 'date', kind: 'timestamp', nullable: false },
  { name: 'distance', kind: 'numeric', nullable: false },
  { name: 'origin', kind: 'categorical', nullable: false, categories: ['SFO', 'JFK'] },
]

/** `n` flights, one every 10 minutes of June 1 but listed in reverse order. */
const flights = (n: number): Frame =>
  Frame.fromRows(
    Array.from({ length: n }, (_, k) => {
      const i = n - 1 - k
      return {
        date: JUNE + i * 10 * MINUTE,
        distance: 300 + i,
        delay: i % 3 === 0 ? 40 : -5,
        late: i % 3 === 0,
        origin: i % 2 === 0 ? 'SFO' : 'JFK',
        extra: 1,
      }
    }),
    {
      date: 'timestamp',
      distance: 'numeric',
      delay: 'numeric',
      late: 'boolean',
      origin: 'categorical',
      extra: 'numeric',
    },
  )

describe('planReplay', () => {
  const all = Int32Array.from({ length: 30 }, (_, i) => i)
  const options = {
    inputs: INPUTS,
    classes: ['false', 'true'],
    time: 'date',
    label: 'late',
    labelArrival: flightsLabelArrival,
    seed: 7,
  }

  it('sends the bundle inputs only, in departure order, with each label after its flight', () => {
    const plan = planReplay(flights(30), all, options)
    expect(plan).toHaveLength(30)
    expect(plan.map((f) => f.time)).toEqual(
      Array.from({ length: 30 }, (_, i) => JUNE + i * 10 * MINUTE),
    )
    expect(plan[0]!.row).toEqual({
      date: new Date(JUNE).toISOString(),
      distance: 300,
      origin: 'SFO',
    })
    expect(plan[0]!.label).toBe('true')
    expect(plan[1]!.label).toBe('false')
    for (const f of plan) expect(f.labelTime - f.time).toBeGreaterThanOrEqual(20 * MINUTE)
  })

  it('samples without replacement, the same flights for the same seed', () => {
    const a = planReplay(flights(30), all, { ...options, sample: 12 })
    const b = planReplay(flights(30), all, { ...options, sample: 12 })
    const c = planReplay(flights(30), all, { ...options, sample: 12, seed: 8 })
    expect(a).toHaveLength(12)
    expect(new Set(a.map((f) => f.time)).size).toBe(12)
    expect(b).toEqual(a)
    expect(c.map((f) => f.time)).not.toEqual(a.map((f) => f.time))
    // Only the rows asked for.
    const firstTen = planReplay(flights(30), all.subarray(20), options)
    expect(firstTen.map((f) => f.row['distance'])).toEqual(
      Array.from({ length: 10 }, (_, i) => 309 - i).reverse(),
    )
  })

  it('names what is missing', () => {
    expect(() => planReplay(flights(3).drop(['delay']), all, options)).toThrow(/"delay"/)
    expect(() =>
      planReplay(flights(3), all, {
        ...options,
        inputs: [...INPUTS, { name: 'carrier', kind: 'categorical', nullable: false }],
      }),
    ).toThrow(/carrier/)
    expect(() => planReplay(flights(3), all, { ...options, classes: ['a', 'b', 'c'] })).toThrow(
      /binary/,
    )
  })
})

describe('batchesOf', () => {
  it('keeps the order and leaves the rest in a short last batch', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(batchesOf([], 3)).toEqual([])
    expect(() => batchesOf([1], 0)).toThrow(/positive/)
  })
})
