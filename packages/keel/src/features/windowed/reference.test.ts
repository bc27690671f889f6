import { KeelError } from '@keel/core'
import { describe, expect, it } from 'vitest'
import { resolveFeatureStore } from '../definitions.js'
import { windowedChangesReference, windowedValuesAt } from './reference.js'
import { windowedAggregates } from './plan.js'
import { mixedView, row, windowedView } from './windowed.test-util.js'

const count10 = windowedView([{ name: 'n', fn: 'count', window: '10ms' }])

/** (instant, value of feature `n`) pairs of one key's change points. */
const steps = (rows: Parameters<typeof windowedChangesReference>[1], key = 'a') =>
  windowedChangesReference(count10, rows)
    .filter((c) => c.key === key)
    .map((c) => [c.eventTime, c.values['n']])

describe('windowedChangesReference', () => {
  it('enters a row at max(event, known) and drops it at event + window', () => {
    expect(steps([row('a', 0, 4)])).toEqual([
      [4, 1],
      [10, 0],
    ])
  })

  it('never counts a row known only after it left the window', () => {
    expect(steps([row('a', 0, 10), row('a', 0, 25)])).toEqual([])
    expect(steps([row('a', 0, 10), row('a', 5, 9)])).toEqual([
      [9, 1],
      [15, 0],
    ])
  })

  it('enters a row known before its event at its event time', () => {
    expect(steps([row('a', 10, 2)])).toEqual([
      [10, 1],
      [20, 0],
    ])
  })

  it('emits an instant where one row leaves and another enters, with no net change', () => {
    expect(steps([row('a', 0, 0), row('a', 10, 10), row('a', 10, 12)])).toEqual([
      [0, 1],
      [10, 1],
      [12, 2],
      [20, 0],
    ])
  })

  it('counts rows with equal event times once each, and keeps keys apart', () => {
    const rows = [row('a', 3, 3), row('a', 3, 3), row('b', 3, 5)]
    expect(steps(rows)).toEqual([
      [3, 2],
      [13, 0],
    ])
    expect(steps(rows, 'b')).toEqual([
      [5, 1],
      [13, 0],
    ])
  })

  it('skips nulls in sums and means, reads booleans as 0/1, and empties to 0 / null', () => {
    const view = windowedView([
      { name: 'n', fn: 'count', window: '10ms' },
      { name: 's', fn: 'sum', column: 'delay', window: '10ms' },
      { name: 'm', fn: 'mean', column: 'delay', window: '10ms' },
      { name: 'late', fn: 'mean', column: 'late', window: '10ms' },
      { name: 'r', fn: 'rate', window: '10ms' },
    ])
    const changes = windowedChangesReference(view, [
      row('a', 0, 0, { delay: null, late: true }),
      row('a', 2, 2, { delay: 3, late: false }),
      row('a', 4, 4, { delay: 5, late: null }),
    ])
    const hourly = 3_600_000 / 10
    expect(changes.map((c) => [c.eventTime, c.values])).toEqual([
      [0, { n: 1, s: 0, m: null, late: 1, r: hourly }],
      [2, { n: 2, s: 3, m: 3, late: 0.5, r: 2 * hourly }],
      [4, { n: 3, s: 8, m: 4, late: 0.5, r: 3 * hourly }],
      [10, { n: 2, s: 8, m: 4, late: 0, r: 2 * hourly }],
      [12, { n: 1, s: 5, m: 5, late: null, r: hourly }],
      [14, { n: 0, s: 0, m: null, late: null, r: 0 }],
    ])
  })

  it('takes the union of the instants of several windows', () => {
    const view = windowedView([
      { name: 'short', fn: 'count', window: '10ms' },
      { name: 'long', fn: 'count', window: '30ms' },
    ])
    // Known at 15: too late for the 10 ms window, within the 30 ms one.
    const changes = windowedChangesReference(view, [row('a', 0, 0), row('a', 1, 15)])
    expect(changes.map((c) => [c.eventTime, c.values['short'], c.values['long']])).toEqual([
      [0, 1, 1],
      [10, 0, 1],
      [15, 0, 2],
      [30, 0, 1],
      [31, 0, 0],
    ])
  })

  it('ranks change points by key (UTF-8 bytes), then instant, from 0', () => {
    const changes = windowedChangesReference(count10, [
      row('é', 0, 0),
      row('b', 5, 5),
      row('a', 7, 7),
      row(null, 1, 1),
    ])
    expect(changes.map((c) => [c.key, c.eventTime, c.knownTime, c.order])).toEqual([
      ['a', 7, 7, 0],
      ['a', 17, 17, 1],
      ['b', 5, 5, 2],
      ['b', 15, 15, 3],
      ['é', 0, 0, 4],
      ['é', 10, 10, 5],
    ])
  })

  it('rejects text in a summed column with INVALID_DATA naming the column', () => {
    const view = windowedView([{ name: 's', fn: 'sum', column: 'delay', window: '10ms' }])
    const error = (() => {
      try {
        windowedValuesAt(view, [row('a', 0, 0, { delay: 'x' })], 'a', 0)
      } catch (e) {
        return e
      }
    })() as KeelError
    expect(error).toBeInstanceOf(KeelError)
    expect(error.code).toBe('INVALID_DATA')
    expect(error.path).toEqual(['delay'])
  })
})

describe('windowedAggregates', () => {
  it('lists each aggregate with its column and window', () => {
    expect(windowedAggregates(mixedView()).slice(0, 3)).toEqual([
      { name: 'n_10', fn: 'count', column: null, windowMs: 10 },
      { name: 'r_30', fn: 'rate', column: null, windowMs: 30 },
      { name: 'delay_sum_30', fn: 'sum', column: 'delay', windowMs: 30 },
    ])
  })

  it('rejects a view without aggregations and a feature named like a change-point column', () => {
    const plain = resolveFeatureStore({
      entities: [{ name: 'airport', valueType: 'string' }],
      featureViews: [
        {
          name: 'p',
          source: { duckdb: 'SELECT 1' },
          entity: 'airport',
          eventTime: 't',
          noLateness: true,
          features: [{ name: 'x', kind: 'numeric' }],
          aggregations: [],
        },
      ],
    }).views.get('p')!
    expect(() => windowedAggregates(plain)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(() =>
      windowedAggregates(windowedView([{ name: 'ord', fn: 'count', window: '1h' }])),
    ).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }))
  })
})
