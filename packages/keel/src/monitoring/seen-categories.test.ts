import { describe, expect, it } from 'vitest'
import { ModelBundle, type CategoricalDrift } from '@keel/core'
import { createMemoryEventLog } from '../stores/events/index.js'
import { monitorWindows } from './monitor-windows.js'
import { monitoredTraffic, T0, DAY, trainMonitoredBundle } from '../testing/monitor-fixture.js'

/**
 * A bundle whose input schema lists categories the training rows never had, as a schema pinned
 * from the whole dataset's dictionary does (cars: 73 of the 82 names in the test rows are not in
 * training, yet all 82 are in the dictionary).
 */
const bundleWithWideSchema = (): ModelBundle => {
  const json = trainMonitoredBundle().toJSON()
  return ModelBundle.fromJSON({
    ...json,
    inputs: json.inputs.map((f) =>
      f.name === 'cat' ? { ...f, categories: ['a', 'b', 'c', 'd', 'e'] } : f,
    ),
  })
}

describe('unseen categories', () => {
  it('are judged against the training rows, the same in the quality and drift sections', async () => {
    const bundle = bundleWithWideSchema()
    // 100 of 400 rows carry 'd' (in the dictionary, not in the training rows), 40 carry 'zz'
    // (in neither): 140 / 400 are unseen in training.
    const events = monitoredTraffic(bundle, {
      days: 1,
      corrupt: (_, i, inputs) => {
        if (i % 4 === 0) inputs['cat'] = 'd'
        else if (i % 10 === 1) inputs['cat'] = 'zz'
      },
    })
    const log = createMemoryEventLog()
    await log.append(events)
    const r = await monitorWindows({
      eventLog: log,
      bundle,
      model: 'toy',
      asOf: T0 + DAY,
      config: { bootstrap: { resamples: 20 } },
    })
    const quality = r.quality[0]!.fields.find((f) => f.field === 'cat')!.unseen!
    expect(quality.count).toBe(140)
    expect(quality.rate).toBe(140 / 400)
    expect(quality.top).toEqual([
      { value: 'd', count: 100 },
      { value: 'zz', count: 40 },
    ])
    const drift = r.drift.windows[0]!.report!.features.find((f) => f.feature === 'cat')!
    const statistics = drift.statistics as CategoricalDrift
    expect(statistics.unseen.share).toBe(quality.rate)
    expect([...statistics.unseen.categories].sort()).toEqual(['d', 'zz'])
    expect(r.notes.join('\n')).not.toMatch(/judged against the input schema/)
  })

  it('fall back to the input schema, said in a note, when the bundle has no training profile', async () => {
    const json = bundleWithWideSchema().toJSON()
    const bundle = ModelBundle.fromJSON({ ...json, reference: null })
    const events = monitoredTraffic(bundle, {
      days: 1,
      corrupt: (_, i, inputs) => {
        if (i % 10 === 1) inputs['cat'] = 'zz'
      },
    })
    const log = createMemoryEventLog()
    await log.append(events)
    const r = await monitorWindows({
      eventLog: log,
      bundle,
      model: 'toy',
      asOf: T0 + DAY,
      config: { bootstrap: { resamples: 20 } },
    })
    expect(r.quality[0]!.fields.find((f) => f.field === 'cat')!.unseen!.rate).toBe(40 / 400)
    expect(r.notes.join('\n')).toMatch(/no categories for cat: .*judged against the input schema/)
  })
})
