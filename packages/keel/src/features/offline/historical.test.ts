// A small service: one airport view used twice (origin and destination, with prefixes), a carrier
// view with a categorical and a boolean feature, an on-demand feature over both airports, and a
// default for values not found.
import { categoricalColumn, Frame, numericColumn, timestampColumn } from '@keel/core'
import { describe, expect, it } from 'vitest'
import { STATUS_CODE } from '../api.js'
import { resolveFeatureStore } from '../definitions.js'
import { getHistoricalFeatures } from './historical.js'

const store = resolveFeatureStore({
  entities: [
    { name: 'airport', joinKey: 'code', valueType: 'string' },
    { name: 'carrier', valueType: 'string' },
  ],
  featureViews: [
    {
      name: 'airport_delay',
      source: {
        duckdb: `SELECT * FROM (VALUES
          ('ATL', 100, 110, 0.2), ('SFO', 100, 100, 0.5), ('ATL', 200, 300, 0.4), ('SFO', 150, 400, 0.9)
        ) AS t(code, e, kt, late_rate)`,
      },
      entity: 'airport',
      eventTime: 'e',
      knownTime: 'kt',
      ttl: '1000ms',
      features: [{ name: 'late_rate', kind: 'numeric' }],
      aggregations: [],
    },
    {
      name: 'carrier_info',
      source: {
        duckdb: `SELECT * FROM (VALUES ('DL', 0, 'legacy', true), ('WN', 0, 'low-cost', NULL)) AS t(carrier, e, segment, hub)`,
      },
      entity: 'carrier',
      eventTime: 'e',
      noLateness: true,
      features: [
        { name: 'segment', kind: 'categorical' },
        { name: 'hub', kind: 'boolean' },
      ],
      aggregations: [],
    },
  ],
  onDemand: [
    {
      name: 'late_gap',
      kind: 'numeric',
      compute: (r) =>
        typeof r['origin_late_rate'] === 'number' && typeof r['dest_late_rate'] === 'number'
          ? r['origin_late_rate'] - r['dest_late_rate']
          : null,
    },
  ],
  featureServices: [
    {
      name: 'delays',
      views: [
        { view: 'airport_delay', key: 'origin', prefix: 'origin_' },
        { view: 'airport_delay', key: 'dest', prefix: 'dest_' },
        { view: 'carrier_info' },
      ],
      onDemand: ['late_gap'],
      onStatus: { null: 'missing', not_found: { default: -1 }, outside_ttl: 'missing' },
    },
  ],
})

const rows = Frame.fromColumns({
  origin: categoricalColumn(['ATL', 'ATL', 'SFO', 'ATL', 'XXX', 'ATL']),
  dest: categoricalColumn(['SFO', 'SFO', 'ATL', 'SFO', 'SFO', 'SFO']),
  carrier: categoricalColumn(['DL', 'WN', 'DL', 'DL', 'DL', 'WN']),
  at: timestampColumn([105, 250, 350, 350, 350, 5000]),
  label: numericColumn([1, 0, 1, 0, 1, 1]),
})

describe('getHistoricalFeatures', () => {
  it('joins every view as of known time, with prefixes, policies and on-demand features', async () => {
    const got = await getHistoricalFeatures(store, rows, { service: 'delays', timeColumn: 'at' })
    const f = got.frame
    expect(f.columnNames).toEqual([
      'origin',
      'dest',
      'carrier',
      'at',
      'label',
      'origin_late_rate',
      'dest_late_rate',
      'segment',
      'hub',
      'late_gap',
    ])
    // Row 0 (t=105): ATL's first value is known at 110, so not found (-1 by policy); SFO 0.5.
    // Row 1 (t=250): ATL 0.2 (the 200 row is known at 300); SFO's 150 row is known at 400.
    // Row 2 (t=350): SFO 0.5 as origin, ATL 0.4 as destination. Row 4: XXX is never found.
    // Row 5 (t=5000): past the 1000 ms TTL of both airports: missing, status outside_ttl.
    const nan = NaN
    expect([...f.numeric('origin_late_rate')]).toEqual([-1, 0.2, 0.5, 0.4, -1, nan])
    expect([...f.numeric('dest_late_rate')]).toEqual([0.5, 0.5, 0.4, 0.5, 0.5, nan])
    expect([...got.status['origin_late_rate']!]).toEqual([
      STATUS_CODE.not_found,
      STATUS_CODE.present,
      STATUS_CODE.present,
      STATUS_CODE.present,
      STATUS_CODE.not_found,
      STATUS_CODE.outside_ttl,
    ])
    expect(f.row(1)['segment']).toBe('low-cost')
    expect(f.kindOf('hub')).toBe('boolean')
    expect([...f.numeric('hub')]).toEqual([1, nan, 1, 1, 1, nan])
    expect(got.status['hub']![1]).toBe(STATUS_CODE.null)
    // The on-demand feature sees the values after policies (row 0: -1 - 0.5).
    const gap = [...f.numeric('late_gap')].map((x) =>
      Number.isNaN(x) ? x : Math.round(x * 10) / 10,
    )
    expect(gap).toEqual([-1.5, -0.3, 0.1, -0.1, -1.5, nan])
    expect(got.status['late_gap']![5]).toBe(STATUS_CODE.null)
    expect([...got.knownTime['origin_airport_delay']!]).toEqual([nan, 110, 100, 300, nan, 300])
    expect([...got.knownTime['carrier_info']!]).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('answers duplicate entity rows each', async () => {
    const twice = Frame.concat([rows.slice(2, 3), rows.slice(2, 3)])
    const got = await getHistoricalFeatures(store, twice, { service: 'delays', timeColumn: 'at' })
    expect([...got.frame.numeric('origin_late_rate')]).toEqual([0.5, 0.5])
  })

  it('a missing key column is INVALID_ARGUMENT naming it', async () => {
    await expect(
      getHistoricalFeatures(store, rows.drop(['dest']), { service: 'delays', timeColumn: 'at' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: ['dest'] })
    await expect(
      getHistoricalFeatures(store, rows, { service: 'delays', timeColumn: 'when' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: ['when'] })
  })
})
