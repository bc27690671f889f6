import { describe, expect, it } from 'vitest'
import type { TimedRow } from '../point-in-time.js'
import { at, flightsStore, row, servedPrediction, withServed } from './test-support/fixture.js'
import { referenceLookup } from './test-support/reference-lookup.js'
import { checkWindows, declaredFeatureStore } from './windows.js'

const store = flightsStore()
const rows: Record<string, readonly TimedRow[]> = {
  delays: [row('ORD', 0, { late_rate: 0.3, flights: 12 })],
  weather: [row('ORD', 0, { temp: 10 })],
}
const served = (id: string, h: number) =>
  servedPrediction(store, rows, id, { origin: 'ORD', destination: 'ORD' }, at(h))

describe('checkWindows', () => {
  it('checks each window on its own, per logged service, and names services no longer declared', async () => {
    const lookup = referenceLookup(rows)
    const { features: _, ...plain } = served('p:0', 1)
    const gone = {
      ...served('g:0', 5),
      features: { ...served('g:0', 5).features!, service: 'old' },
    }
    const windows = await checkWindows(
      [
        [
          served('a:0', 1),
          withServed(served('b:0', 2), 'origin_flights', { value: 1, status: 'present' }),
        ],
        [plain],
        [served('c:0', 4), gone],
      ],
      { store, lookupView: lookup, sample: 100, seed: 0 },
    )
    expect(windows.map((w) => [w.window, w.reports.map((r) => r.checked), w.undeclared])).toEqual([
      [0, [2], []],
      [2, [1], ['old']],
    ])
    expect(windows[0]!.reports[0]!.perFeature[1]).toMatchObject({
      feature: 'origin_flights',
      mismatches: 1,
    })
    // Two views, two windows with predictions of the service: four lookups.
    expect(lookup.calls).toHaveLength(4)
  })
})

describe('declaredFeatureStore', () => {
  it('is null without feature services and the resolved store with them', () => {
    expect(declaredFeatureStore(undefined)).toBeNull()
    expect(declaredFeatureStore({ name: 'x', featureServices: [] })).toBeNull()
    const resolved = declaredFeatureStore({
      name: 'x',
      sources: { flights: { path: 'flights.parquet' } },
      entities: [{ name: 'airport' }],
      featureViews: [
        {
          name: 'info',
          source: 'flights',
          entity: 'airport',
          eventTime: 'ts',
          noLateness: true,
          features: [{ name: 'state', kind: 'categorical' }],
        },
      ],
      featureServices: [{ name: 's', views: [{ view: 'info' }] }],
    })
    expect([...resolved!.services.keys()]).toEqual(['s'])
    expect(resolved!.views.get('info')!.source).toEqual({
      kind: 'file',
      spec: { path: 'flights.parquet' },
    })
  })
})
