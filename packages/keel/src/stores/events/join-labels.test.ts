import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { joinLabels } from './join-labels.js'
import { createMemoryEventLog } from './memory-event-log.js'
import { labelEvent, predictionEvent } from '../conformance/event-fixtures.js'
import type { LabelEvent, PredictionEvent } from './types.js'

const H = 3_600_000

describe('joinLabels', () => {
  it('joins by prediction id and by a bare request id, and records the feedback-loop length', async () => {
    const log = createMemoryEventLog()
    await log.append([
      predictionEvent('req1', 0, 0),
      predictionEvent('req1', 1, 0),
      predictionEvent('req2', 0, 10 * H),
      labelEvent('l1', 2 * H, { predictionId: 'req1:1', label: 'on_time' }),
      labelEvent('l2', 13 * H, { predictionId: 'req2', label: 'late' }),
      labelEvent('l3', 14 * H, { predictionId: 'nope:0' }),
    ])
    const r = await joinLabels(log, { from: 0, to: 24 * H })
    expect(r.joined.map((j) => [j.prediction.id, j.label.id, j.via, j.latencyMs])).toEqual([
      ['req1:1', 'l1', 'prediction_id', 2 * H],
      ['req2:0', 'l2', 'prediction_id', 3 * H],
    ])
    expect(r.unmatched.map((l) => l.id)).toEqual(['l3'])
    expect(r.latency).toEqual({
      count: 2,
      meanMs: 2.5 * H,
      p50Ms: 2 * H,
      p90Ms: 3 * H,
      p99Ms: 3 * H,
      maxMs: 3 * H,
    })
  })

  it('joins natural labels to the latest prediction at or before the event time for the entity', async () => {
    const log = createMemoryEventLog()
    const flight = { carrier: 'AA', number: 100, date: '2001-01-03' }
    await log.append([
      predictionEvent('early', 0, 1 * H, { entity: flight }),
      predictionEvent('other-model', 0, 2 * H, { entity: flight, model: 'other' }),
      predictionEvent('on-time', 0, 3 * H, { entity: flight }),
      predictionEvent('too-late', 0, 5 * H, { entity: flight }),
      predictionEvent('other-flight', 0, 3 * H, { entity: { ...flight, number: 101 } }),
      // Key order does not matter: the entity key is canonical.
      labelEvent('arrived', 9 * H, {
        entity: { date: '2001-01-03', number: 100, carrier: 'AA' },
        eventTime: 4 * H,
        model: 'flights',
      }),
      labelEvent('before-any', 9 * H, { entity: flight, eventTime: 0 }),
    ])
    const r = await joinLabels(log, { from: 0, to: 10 * H })
    expect(r.joined.map((j) => [j.prediction.id, j.via, j.latencyMs])).toEqual([
      ['on-time:0', 'entity', 6 * H],
    ])
    expect(r.unmatched.map((l) => l.id)).toEqual(['before-any'])
  })

  it('lets a later label correct an earlier one', async () => {
    const log = createMemoryEventLog()
    await log.append([
      predictionEvent('r', 0, 0),
      labelEvent('first', 10, { predictionId: 'r:0', label: 'late' }),
      labelEvent('fix', 20, { predictionId: 'r:0', label: 'on_time' }),
    ])
    const r = await joinLabels(log, { from: 0, to: 100 })
    expect(r.joined.map((j) => j.label.id)).toEqual(['fix'])
    expect(r.superseded.map((l) => l.id)).toEqual(['first'])
  })

  it('only looks at labels in [from, to) and predictions within the lookback', async () => {
    const log = createMemoryEventLog()
    await log.append([
      predictionEvent('old', 0, 0),
      predictionEvent('new', 0, 50 * H),
      labelEvent('a', 60 * H, { predictionId: 'old:0' }),
      labelEvent('b', 60 * H, { predictionId: 'new:0' }),
      labelEvent('c', 100 * H, { predictionId: 'new:0' }),
    ])
    const r = await joinLabels(log, { from: 60 * H, to: 61 * H, lookbackMs: 24 * H })
    expect(r.joined.map((j) => j.label.id)).toEqual(['b'])
    expect(r.unmatched.map((l) => l.id)).toEqual(['a'])
  })

  it('rejects an inverted window', async () => {
    await expect(joinLabels(createMemoryEventLog(), { from: 2, to: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })

  test.prop(
    [
      fc.array(fc.record({ e: fc.nat(3), t: fc.nat(100) }), { maxLength: 30 }),
      fc.array(fc.record({ e: fc.nat(3), t: fc.nat(120) }), { maxLength: 10 }),
    ],
    { numRuns: 100 },
  )('entity joins agree with a brute-force as-of search', async (preds, labs) => {
    const log = createMemoryEventLog()
    const ps: PredictionEvent[] = preds.map(
      (p, i) => predictionEvent(`p${i}`, 0, p.t, { entity: { id: p.e } }) as PredictionEvent,
    )
    const ls: LabelEvent[] = labs.map(
      (l, i) =>
        labelEvent(`l${i}`, 1000 + i, { entity: { id: l.e }, eventTime: l.t }) as LabelEvent,
    )
    await log.append([...ps, ...ls])
    const r = await joinLabels(log, { from: 0, to: 10_000 })
    // Brute force: latest (then last-appended) prediction at or before the event time, per label;
    // the last label reaching a prediction wins.
    const expected = new Map<string, string>()
    for (const l of ls) {
      let best: PredictionEvent | undefined
      for (const p of ps)
        if (
          p.entity!['id'] === l.entity!['id'] &&
          p.time <= l.eventTime! &&
          (!best || p.time >= best.time)
        )
          best = p
      if (best) expected.set(best.id, l.id)
    }
    expect(new Map(r.joined.map((j) => [j.prediction.id, j.label.id]))).toEqual(expected)
    expect(r.joined.length + r.unmatched.length + r.superseded.length).toBe(ls.length)
  })
})
