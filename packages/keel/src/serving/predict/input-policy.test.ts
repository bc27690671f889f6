import { describe, expect, it } from 'vitest'
import {
  Frame,
  ModelBundle,
  pinInputFields,
  profileCategorical,
  profileNumeric,
  type BundleJSON,
  type Issue,
} from '@keel/core'
import { buildMonitoringReference } from '../../monitoring/reference.js'
import { postJson, toyServers } from '../test-support/harness.js'
import { toyBundle } from '../test-support/toy-bundle.js'
import type { PredictResponse } from './response.js'

const start = toyServers()

/**
 * The toy bundle with a monitoring reference of its training rows: hours 1…21 (mean 11), one
 * missing distance, and only three of the four airports its pinned categories list (a split keeps
 * the whole dataset's dictionary; SFO occurs only outside the training rows).
 */
const referencedBundle = (): ModelBundle => {
  const json = toyBundle().toJSON() as BundleJSON
  const reference = {
    format: 'keel.drift.reference',
    formatVersion: 1,
    features: {
      distance: profileNumeric([100, 200, NaN, 400]),
      hour: profileNumeric([1, 5, 9, 13, 17, 21]),
      origin: profileCategorical(['ATL', 'JFK', 'ORD', 'ATL', 'ORD', 'ATL']),
    },
  }
  return ModelBundle.fromJSON({ ...json, reference })
}

const startWithReference = async (
  overrides: Parameters<typeof start>[0] = {},
): Promise<Awaited<ReturnType<typeof start>>> => {
  const t = await start(overrides)
  t.source.put('flights', '3', referencedBundle())
  return t
}

const V3 = '/v1/models/flights/predict?version=3'

const predict = async (
  server: Awaited<ReturnType<typeof start>>['server'],
  path: string,
  body: unknown,
): Promise<{ status: number; body: PredictResponse & { error?: { issues: Issue[] } } }> => {
  const res = await postJson(server, path, body)
  return { status: res.status, body: (await res.json()) as never }
}

const codes = (w: readonly Issue[]): [string, readonly (string | number)[]][] =>
  w.map((i) => [i.code, i.path])

describe('missing features at serving', () => {
  it('imputes a feature training never had missing with its training mean, and says so', async () => {
    const { server, log } = await startWithReference()
    const missing = await predict(server, V3, { row: { distance: 300, origin: 'ATL' } })
    expect(missing.status).toBe(200)
    expect(codes(missing.body.warnings)).toEqual([['missing_value', ['row', 'hour']]])
    expect(missing.body.warnings[0]).toMatchObject({
      message: '"hour" is missing and was imputed with its training mean 11',
      details: { imputed: 11 },
    })
    const explicit = await predict(server, V3, { row: { distance: 300, hour: 11, origin: 'ATL' } })
    expect(missing.body.predictions[0]!.probabilities).toEqual(
      explicit.body.predictions[0]!.probabilities,
    )
    // The log keeps what the client sent, so monitoring sees the missing value.
    await server.events!.flush()
    const logged = log.all().find((e) => e.kind === 'prediction')
    expect(logged).toMatchObject({ inputs: { distance: 300, origin: 'ATL' } })
  })

  it('passes on as missing a feature that had missing values in training, with a warning', async () => {
    const { server } = await startWithReference()
    const r = await predict(server, V3, { rows: [{ distance: null, hour: 3, origin: 'JFK' }] })
    expect(r.status).toBe(200)
    expect(r.body.warnings).toMatchObject([
      {
        code: 'missing_value',
        path: ['rows', 0, 'distance'],
        message: expect.stringMatching(/had missing values here in training/),
      },
    ])
  })

  it('refuses a missing value when the bundle has no training statistic to impute it with', async () => {
    const { server } = await start()
    const r = await predict(server, '/v1/models/flights/predict', {
      row: { distance: 300, origin: 'ATL' },
    })
    expect(r.status).toBe(422)
    expect(r.body.error!.issues).toMatchObject([
      {
        code: 'missing_value',
        path: ['row', 'hour'],
        message:
          '"hour" is missing, and the bundle records no training statistic to impute it with',
      },
    ])
  })

  it('rejects every missing value under the reject policy, nullable or not, and counts them', async () => {
    const { server } = await startWithReference({ missingFeatures: 'reject' })
    const r = await predict(server, V3, {
      rows: [
        { distance: null, hour: 3, origin: 'JFK' },
        { distance: 10, origin: 3 },
      ],
    })
    expect(r.status).toBe(422)
    expect(codes(r.body.error!.issues)).toEqual([
      ['missing_value', ['rows', 0, 'distance']],
      ['missing_value', ['rows', 1, 'hour']],
      ['invalid_type', ['rows', 1, 'origin']],
    ])
    const metrics = await server.metrics.metrics()
    expect(metrics).toMatch(
      /keel_input_issues_total\{model="flights",feature="distance",issue="missing_value",action="rejected"\} 1/,
    )
  })
})

describe('values outside what training saw', () => {
  it('warns for numbers outside the training range and counts them', async () => {
    const { server } = await startWithReference()
    const r = await predict(server, V3, {
      rows: [
        { distance: 5000, hour: 23, origin: 'ATL' },
        { distance: 30, hour: -1, origin: 'ATL' },
      ],
    })
    expect(r.status).toBe(200)
    expect(r.body.warnings).toEqual([
      {
        code: 'out_of_range',
        path: ['rows', 0, 'distance'],
        message: '5000 is outside the training range [30, 4000] of "distance"',
        details: { value: 5000, range: [30, 4000] },
      },
      {
        code: 'out_of_range',
        path: ['rows', 1, 'hour'],
        message: '-1 is outside the training range [0, 23] of "hour"',
        details: { value: -1, range: [0, 23] },
      },
    ])
    expect(await server.metrics.metrics()).toMatch(
      /keel_input_issues_total\{model="flights",feature="hour",issue="out_of_range",action="warned"\} 1/,
    )
  })

  it('warns for a category absent from the training rows though the pinned dictionary lists it', async () => {
    const { server } = await startWithReference()
    const r = await predict(server, V3, {
      rows: [
        { distance: 300, hour: 3, origin: 'SFO' },
        { distance: 300, hour: 3, origin: 'LAX' },
        { distance: 300, hour: 3, origin: 'ORD' },
      ],
    })
    expect(r.status).toBe(200)
    expect(codes(r.body.warnings)).toEqual([
      ['unseen_category', ['rows', 0, 'origin']],
      ['unseen_category', ['rows', 1, 'origin']],
    ])
    // Without a reference the pinned categories are all there is: SFO is known, LAX is not.
    const old = await predict(server, '/v1/models/flights/predict', {
      rows: [
        { distance: 300, hour: 3, origin: 'SFO' },
        { distance: 300, hour: 3, origin: 'LAX' },
      ],
    })
    expect(codes(old.body.warnings)).toEqual([['unseen_category', ['rows', 1, 'origin']]])
  })
})

describe('unseen categories on a bundle pinned as training pins it', () => {
  it('warns for a category of the dataset that no training row has', async () => {
    // The whole dataset has five airports; the train split (first four rows) has three. A split
    // keeps the column's dictionary, so the pinned categories list all five, while the
    // monitoring reference, profiled on the train rows, lists three.
    const all = Frame.fromRows(
      ['ATL', 'JFK', 'ORD', 'ATL', 'SFO', 'LAX'].map((origin, i) => ({
        distance: 100 * (i + 1),
        hour: i,
        origin,
      })),
      { distance: 'numeric', hour: 'numeric', origin: 'categorical' },
    )
    const train = all.take([0, 1, 2, 3])
    const inputs = pinInputFields(train, ['distance', 'hour', 'origin'])
    expect(inputs[2]!.categories).toEqual(['ATL', 'JFK', 'ORD', 'SFO', 'LAX'])
    const json = toyBundle().toJSON() as BundleJSON
    const bundle = ModelBundle.fromJSON({
      ...json,
      inputs,
      reference: buildMonitoringReference(train, { features: ['distance', 'hour', 'origin'] }),
    })
    const { server, source } = await start()
    source.put('flights', '4', bundle)
    const r = await predict(server, '/v1/models/flights/predict?version=4', {
      rows: [
        { distance: 200, hour: 1, origin: 'SFO' },
        { distance: 200, hour: 1, origin: 'JFK' },
      ],
    })
    expect(r.status).toBe(200)
    expect(r.body.warnings).toEqual([
      {
        code: 'unseen_category',
        path: ['rows', 0, 'origin'],
        message: '"SFO" was not seen in training for "origin"',
      },
    ])
  })
})
