import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { buildReferenceProfile, Frame, type BundlePredictions } from '@keel/core'
import type { PredictionEvent } from '../stores/events/index.js'
import { encodeLabel, eventOutput } from './event-values.js'
import { buildMonitoringReference, outputValues, parseMonitoringReference } from './reference.js'

const frame = Frame.fromRows(
  [
    { a: 1, c: 'x' },
    { a: 2, c: 'y' },
    { a: 3, c: 'x' },
  ],
  { a: 'numeric', c: 'categorical' },
)

const binary: BundlePredictions = {
  n: 2,
  task: 'binary',
  classes: ['no', 'yes'],
  prediction: ['no', 'yes'],
  proba: Float64Array.from([0.8, 0.2, 0.3, 0.7]),
  raw: new Float64Array(2),
  confidence: Float64Array.from([0.8, 0.7]),
  defer: new Uint8Array(2),
}

describe('buildMonitoringReference / parseMonitoringReference', () => {
  it('profiles inputs, output and labels, and survives a JSON round trip', () => {
    const ref = buildMonitoringReference(frame, { predictions: binary, labels: ['no', 'yes'] })
    expect(ref.output).toMatchObject({ kind: 'numeric', count: 2, sketch: [0.2, 0.7] })
    expect(ref.label).toEqual({
      kind: 'categorical',
      count: 2,
      missing: 0,
      categories: ['no', 'yes'],
      counts: [1, 1],
    })
    const parsed = parseMonitoringReference(JSON.parse(JSON.stringify(ref)))
    expect(parsed.issues).toEqual([])
    expect(parsed.features!.features['a']).toEqual(ref.features['a'])
    expect(parsed.output).toEqual(ref.output)
    expect(parsed.label).toEqual(ref.label)
  })

  it('reads a plain keel.drift.reference (no output or labels) and a missing one', () => {
    const plain = parseMonitoringReference(buildReferenceProfile(frame))
    expect([plain.features !== null, plain.output, plain.label, plain.issues]).toEqual([
      true,
      null,
      null,
      [],
    ])
    expect(parseMonitoringReference(null)).toEqual({
      features: null,
      output: null,
      label: null,
      issues: [],
    })
  })

  it('reports a damaged part as issues instead of failing', () => {
    const ref = { ...buildReferenceProfile(frame), output: { kind: 'numeric', count: -1 } }
    const parsed = parseMonitoringReference(ref)
    expect(parsed.features).not.toBeNull()
    expect(parsed.output).toBeNull()
    expect(parsed.issues.length).toBeGreaterThan(0)
    expect(parsed.issues.every((i) => i.path[0] === 'output')).toBe(true)
    expect(parseMonitoringReference({ format: 'other' }).features).toBeNull()
  })

  it('tracks the positive-class probability, the predicted class, or the value', () => {
    expect(outputValues(binary)).toEqual([0.2, 0.7])
    expect(outputValues({ ...binary, task: 'multiclass', prediction: ['a', 'b'] })).toEqual([
      'a',
      'b',
    ])
    expect(outputValues({ ...binary, task: 'regression', prediction: [1.5, 2] })).toEqual([1.5, 2])
  })
})

const INFO = { task: 'binary' as const, classes: ['on_time', 'late'] }

describe('encodeLabel', () => {
  it('maps class names, booleans and 0/1 for binary tasks', () => {
    expect(
      ['late', 'on_time', true, false, 1, 0, 'LATE', 2, 'x'].map((l) => encodeLabel(l, INFO)),
    ).toEqual([1, 0, 1, 0, 1, 0, null, null, null])
    expect(encodeLabel(1, { task: 'binary', classes: ['0', '1'] })).toBe(1)
    expect(encodeLabel('b', { task: 'multiclass', classes: ['a', 'b', 'c'] })).toBe(1)
    expect(encodeLabel(true, { task: 'multiclass', classes: ['a', 'b', 'c'] })).toBeNull()
  })

  test.prop([fc.oneof(fc.double(), fc.string(), fc.boolean())])(
    'reads regression labels as finite numbers or nothing',
    (v) => {
      const out = encodeLabel(v, { task: 'regression', classes: undefined })
      expect(out === null || Number.isFinite(out)).toBe(true)
    },
  )
})

describe('eventOutput', () => {
  const e = (output: PredictionEvent['output']): PredictionEvent => ({
    kind: 'prediction',
    id: 'r:0',
    requestId: 'r',
    time: 0,
    model: 'm',
    version: '1',
    inputs: {},
    output,
  })
  it('reads the tracked output, or null when the event lacks it', () => {
    expect(
      eventOutput(
        e({ prediction: 'late', probabilities: { on_time: 0.4, late: 0.6 }, defer: false }),
        INFO,
      ),
    ).toBe(0.6)
    expect(eventOutput(e({ prediction: 'late', defer: false }), INFO)).toBeNull()
    expect(
      eventOutput(e({ prediction: 3.5, defer: false }), { task: 'regression', classes: undefined }),
    ).toBe(3.5)
    expect(
      eventOutput(e({ prediction: 'b', defer: false }), {
        task: 'multiclass',
        classes: ['a', 'b'],
      }),
    ).toBe('b')
  })
})
