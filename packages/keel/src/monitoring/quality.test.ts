import { describe, expect, it } from 'vitest'
import type { InputField, RowCheck } from '@keel/core'
import type { PredictionEvent } from '../stores/events/index.js'
import { loggedInputs, UNDECLARED_FIELDS } from './input-frame.js'
import { windowQuality } from './quality.js'

const FIELDS: InputField[] = [
  { name: 'distance', kind: 'numeric', nullable: true, range: [100, 2000] },
  { name: 'origin', kind: 'categorical', nullable: false, categories: ['ATL', 'SFO'] },
  { name: 'date', kind: 'timestamp', nullable: false, range: [0, 1e9] },
  { name: 'hub', kind: 'boolean', nullable: true },
]

const prediction = (i: number, inputs: Record<string, unknown>): PredictionEvent => ({
  kind: 'prediction',
  id: `r${i}:0`,
  requestId: `r${i}`,
  time: i,
  model: 'm',
  version: '1',
  inputs,
  output: { prediction: 'late', defer: false },
})

const ROWS: Record<string, unknown>[] = [
  { distance: 500, origin: 'ATL', date: '2001-01-01T10:00:00Z', hub: true },
  { distance: 50, origin: 'SFO', date: 5, hub: false }, // below the training range
  { distance: 2500, origin: 'ORD', date: 6 }, // above the range, unseen category, hub missing
  { distance: null, origin: 'ORD', date: 7, hub: 'yes' }, // missing, unseen, wrong type
  { distance: 'far', date: 'not a date', hub: true, seat: '12A' }, // wrong type x2, origin missing, extra field
  { distance: 1500, origin: 42, date: 8, hub: null, seat: '3C', meal: 'veg' }, // wrong type, extras
]

describe('windowQuality', () => {
  const inputs = loggedInputs(
    ROWS.map((r, i) => prediction(i, r)),
    FIELDS,
  )
  const checks: RowCheck[] = [
    {
      name: 'short hops only from ATL',
      columns: ['distance', 'origin'],
      check: (r) => r['origin'] !== 'ATL' || (r['distance'] as number) < 1000 || 'too far',
    },
    {
      name: 'throws',
      columns: ['distance'],
      check: (r) => {
        if (r['distance'] === null) throw new Error('no distance')
        return true
      },
    },
    { name: 'needs the label', columns: ['late'], check: () => true },
  ]
  const q = windowQuality(3, inputs, FIELDS, checks)
  const field = (name: string) => q.fields.find((f) => f.field === name)!

  it('counts schema violations by kind and rows', () => {
    expect(q.window).toBe(3)
    expect(q.rows).toBe(6)
    // invalid: distance 'far', hub 'yes', date 'not a date', origin 42; missing required: origin row 4.
    expect(q.schemaViolations.byCode).toEqual({ missing_value: 1, invalid_type: 4 })
    expect(q.schemaViolations.rows).toBe(3)
    expect(q.schemaViolations.rate).toBe(3 / 6)
    expect(q.unknownFields).toEqual([
      { name: 'seat', rows: 2 },
      { name: 'meal', rows: 1 },
    ])
  })

  it('measures missing rates, the training range and unseen categories', () => {
    expect(field('distance')).toMatchObject({ missing: 1, missingRate: 1 / 6, invalid: 1 })
    // Valid distances: 500, 50, 2500, 1500 → one below, one above.
    expect(field('distance').outOfRange).toEqual({
      range: [100, 2000],
      below: 1,
      above: 1,
      rate: 2 / 4,
    })
    expect(field('origin')).toMatchObject({ missing: 1, invalid: 1 })
    // Valid origins: ATL, SFO, ORD, ORD.
    expect(field('origin').unseen).toEqual({
      count: 2,
      rate: 2 / 4,
      top: [{ value: 'ORD', count: 2 }],
    })
    expect(field('hub')).toMatchObject({ missing: 2, invalid: 1 })
    expect(field('hub').outOfRange).toBeUndefined()
    // The ISO date parsed to epoch ms lies above the (tiny) training range.
    // A time after training is the passage of time: reported, not counted as a problem.
    expect(field('date').outOfRange).toMatchObject({ below: 0, above: 1, rate: 0 })
  })

  it('runs the declared cross-field checks on model inputs and says which it skipped', () => {
    expect(q.checks).toEqual([
      { name: 'short hops only from ATL', failed: 0, errors: 0, rate: 0, examples: [] },
      // Rows 3 and 4 have no usable distance (null, and 'far' became missing).
      {
        name: 'throws',
        failed: 0,
        errors: 2,
        rate: 2 / 6,
        examples: ['row 3: threw no distance', 'row 4: threw no distance'],
      },
    ])
    expect(q.skippedChecks).toEqual([
      { name: 'needs the label', reason: 'reads late, which the model does not take as input' },
    ])
  })

  it('rebuilds the inputs as the pinned kinds, bad cells missing', () => {
    expect(Array.from(inputs.frame.numeric('distance'))).toEqual([500, 50, 2500, NaN, NaN, 1500])
    expect(inputs.frame.kindOf('date')).toBe('timestamp')
    expect(inputs.frame.numeric('date')[0]).toBe(Date.parse('2001-01-01T10:00:00Z'))
  })

  it('reports an empty window without dividing by zero', () => {
    const empty = windowQuality(0, loggedInputs([], FIELDS), FIELDS, checks)
    expect(empty.schemaViolations.rate).toBe(0)
    expect(empty.fields.every((f) => f.missingRate === 0 && f.outOfRange === undefined)).toBe(true)
    expect(empty.checks).toEqual([])
  })
})

describe('loggedInputs of events the server trimmed before logging', () => {
  const ok = { distance: 500, origin: 'ATL', date: 5, hub: true }
  const events: PredictionEvent[] = [
    prediction(0, ok),
    // The request carried two undeclared fields; the server logged only their count.
    { ...prediction(1, ok), droppedFields: 2 },
    // Inputs over the size bound were replaced by an empty object and a marker.
    { ...prediction(2, {}), inputsTruncated: { bytes: 70_000, fields: 4 } },
  ]
  const inputs = loggedInputs(events, FIELDS)
  const q = windowQuality(0, inputs, FIELDS, [])

  it('counts rows whose undeclared fields were dropped, under one name', () => {
    expect(q.unknownFields).toEqual([{ name: UNDECLARED_FIELDS, rows: 1 }])
  })

  it('counts truncated rows apart, not as missing values or schema violations', () => {
    expect(q.truncatedRows).toBe(1)
    expect(q.schemaViolations.rows).toBe(0)
    expect(q.schemaViolations.byCode).toEqual({ missing_value: 0, invalid_type: 0 })
    expect(inputs.frame.numRows).toBe(3)
  })
})
