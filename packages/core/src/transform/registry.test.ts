import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, numericColumn, timestampColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { columnTransformer } from './column-transformer.js'
import { TRANSFORMER_FORMAT_VERSION } from './define.js'
import { pipeline } from './pipeline.js'
import {
  createTransformer,
  loadTransformer,
  registerTransformerKind,
  transformerDefinitions,
  transformerKinds,
} from './registry.js'
import { registerRowFunction, rowFunction } from './row-function.js'
import { log1pTransform, standardScaler } from './scale.js'
import { targetEncoder } from './target-encoder.js'
import { timeFeatures } from './time-features.js'
import { opts } from './test-support/helpers.js'

const frame = Frame.fromColumns({
  date: timestampColumn([
    Date.UTC(2001, 0, 1, 8),
    Date.UTC(2001, 0, 2, 17),
    Date.UTC(2001, 0, 3, 23),
    Date.UTC(2001, 0, 4, 6),
  ]),
  distance: numericColumn([300, 1200, 2500, 80]),
  origin: categoricalColumn(['SFO', 'JFK', 'SFO', 'ORD']),
  id: numericColumn([1, 2, 3, 4]),
})
const y = Float64Array.from([1, 0, 1, 0])

describe('transformer registry', () => {
  it('lists every built-in kind with a description', () => {
    expect(transformerKinds()).toEqual(
      expect.arrayContaining([
        'pipeline',
        'column-transformer',
        'target-encoder',
        'tfidf-vectorizer',
      ]),
    )
    for (const d of transformerDefinitions()) expect(d.description.length).toBeGreaterThan(10)
  })

  it('builds nested transformers from plain specs, equal to the TypeScript factories', () => {
    const spec = {
      kind: 'column-transformer',
      params: {
        transformers: [
          {
            name: 'time',
            transformer: {
              kind: 'time-features',
              params: { parts: ['dayOfWeek'], cyclic: ['hour'] },
            },
            columns: ['date'],
          },
          {
            name: 'dist',
            transformer: {
              kind: 'pipeline',
              params: {
                steps: [
                  { name: 'log', transformer: { kind: 'log1p' } },
                  { name: 'std', transformer: { kind: 'standard-scaler' } },
                ],
              },
            },
            columns: ['distance'],
          },
        ],
      },
    }
    const fromSpec = createTransformer(spec).fit(frame, opts())
    const fromCode = columnTransformer([
      {
        name: 'time',
        transformer: timeFeatures({ parts: ['dayOfWeek'], cyclic: ['hour'] }),
        columns: ['date'],
      },
      {
        name: 'dist',
        transformer: pipeline([
          { name: 'log', transformer: log1pTransform() },
          { name: 'std', transformer: standardScaler() },
        ]),
        columns: ['distance'],
      },
    ]).fit(frame, opts())
    expect(fromSpec.toJSON()).toEqual(fromCode.toJSON())
  })

  it('answers unknown kinds and bad parameters with structured errors', () => {
    expect(() => createTransformer({ kind: 'nope' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() =>
      createTransformer({ kind: 'standard-scaler', params: { withMeen: true } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }))
    expect(() => standardScaler({ missing: 'sometimes' as 'keep' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS' }),
    )
  })

  it('refuses foreign documents, newer versions, unknown kinds and malformed state', () => {
    const json = standardScaler()
      .fit(frame.select(['distance']), opts())
      .toJSON()
    expect(() => loadTransformer({ ...json, format: 'other' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
    expect(() =>
      loadTransformer({ ...json, formatVersion: TRANSFORMER_FORMAT_VERSION + 1 }),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT', path: ['formatVersion'] }))
    expect(() => loadTransformer({ ...json, kind: 'martian' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
    expect(() =>
      loadTransformer({ ...json, state: { columns: [{ center: 'x', scale: 1 }] } }),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }))
    expect(() => loadTransformer({ ...json, params: { withMean: 3 } })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
    const nested = pipeline([standardScaler()])
      .fit(frame.select(['distance']), opts())
      .toJSON()
    const broken = {
      ...nested,
      state: { steps: [{ name: 'standard-scaler', fitted: { ...json, formatVersion: 99 } }] },
    }
    expect(() => loadTransformer(broken)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
  })

  it('loads kinds registered by users', () => {
    registerTransformerKind('test/identity', (json) => ({
      kind: 'test/identity',
      inputs: json.inputs,
      outputs: json.outputs,
      transform: (f) => f,
      toJSON: () => json,
    }))
    const doc = {
      format: 'keel-transformer',
      formatVersion: 1,
      kind: 'test/identity',
      params: {},
      inputs: [],
      outputs: [],
      state: {},
    }
    expect(loadTransformer(doc).kind).toBe('test/identity')
  })

  it('refuses to load a row function that is missing or at another version', () => {
    registerRowFunction({
      name: 'test/double',
      outputs: [{ name: 'twice', kind: 'numeric' }],
      fn: (r) => ({ twice: (r.distance as number) * 2 }),
    })
    const json = rowFunction({ fn: 'test/double' })
      .fit(frame.select(['distance']), opts())
      .toJSON()
    expect(Array.from(loadTransformer(json).transform(frame).numeric('twice'))).toEqual([
      600, 2400, 5000, 160,
    ])
    registerRowFunction({
      name: 'test/double',
      version: 2,
      outputs: [{ name: 'twice', kind: 'numeric' }],
      fn: (r) => ({ twice: (r.distance as number) * 2 }),
    })
    expect(() => loadTransformer(json)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
    expect(() => loadTransformer({ ...json, params: { fn: 'test/unknown' } })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
    expect(() => rowFunction({ fn: 'test/unknown' }).fit(frame, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
  })

  it('refuses row-function results that break the declared schema', () => {
    registerRowFunction({
      name: 'test/bad',
      outputs: [{ name: 'v', kind: 'numeric' }],
      fn: (r) => ({ v: (r.distance as number) > 1000 ? NaN : 1 }),
    })
    expect(() =>
      rowFunction({ fn: 'test/bad' })
        .fit(frame.select(['distance']), opts())
        .transform(frame),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATA', path: [1] }))
  })
})

describe('composites', () => {
  it('select columns by kind and role, pin the selection, and drop the remainder by default', () => {
    const ct = columnTransformer([
      { transformer: standardScaler(), columns: { kinds: ['numeric'], exclude: ['id'] } },
    ])
    const fitted = ct.fit(frame, opts())
    expect(fitted.inputs.map((c) => c.name)).toEqual(['distance'])
    expect(fitted.transform(frame).columnNames).toEqual(['distance'])
    const byRole = columnTransformer(
      [{ transformer: standardScaler(), columns: { roles: ['feature'] } }],
      { remainder: 'passthrough' },
    )
    const r = byRole.fit(frame, { rng: createRng(1), roles: { distance: 'feature', id: 'id' } })
    expect(r.transform(frame).columnNames).toEqual(['distance', 'date', 'origin', 'id'])
  })

  it('refuses empty selections and clashing output names', () => {
    expect(() =>
      columnTransformer([{ transformer: standardScaler(), columns: { kinds: ['text'] } }]).fit(
        frame,
        opts(),
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    const clash = columnTransformer([
      { transformer: standardScaler(), columns: ['distance'] },
      { transformer: log1pTransform(), columns: ['distance'] },
    ])
    expect(() => clash.fit(frame, opts())).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    const prefixed = columnTransformer(
      [
        { transformer: standardScaler(), columns: ['distance'] },
        { transformer: log1pTransform(), columns: ['distance'] },
      ],
      { prefix: true },
    )
    expect(prefixed.fit(frame, opts()).outputs.map((o) => o.name)).toEqual([
      'standard-scaler__distance',
      'log1p__distance',
    ])
    expect(() =>
      columnTransformer([{ transformer: standardScaler(), columns: ['nope'] }]).fit(frame, opts()),
    ).toThrow(expect.objectContaining({ code: 'SCHEMA_MISMATCH' }))
  })

  it('passes out-of-fold target encodings through fitTransform, whole-data ones through transform', () => {
    const ct = pipeline([
      columnTransformer([{ transformer: targetEncoder({ folds: 2 }), columns: ['origin'] }]),
      standardScaler(),
    ])
    const { fitted, output } = ct.fitTransform(frame, { rng: createRng(5), y, task: 'binary' })
    const direct = targetEncoder({ folds: 2 }).fitTransform(frame.select(['origin']), {
      rng: createRng(5)
        .fork('pipeline/column-transformer')
        .fork('column-transformer/target-encoder'),
      y,
      task: 'binary',
    }).output
    const scaler = standardScaler().fit(direct, opts())
    expect(Array.from(output.numeric('origin'))).toEqual(
      Array.from(scaler.transform(direct).numeric('origin')),
    )
    expect(Array.from(fitted.transform(frame).numeric('origin'))).not.toEqual(
      Array.from(output.numeric('origin')),
    )
  })
})

describe('parameters are plain data', () => {
  it('refuses non-JSON arguments with INVALID_PARAMS', () => {
    expect(() => rowFunction({ fn: 'test/double', args: { when: new Date(0) } })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS', path: ['params', 'args', 'when'] }),
    )
  })
})

describe('user-defined kinds', () => {
  it('define a leaf, register it, fit, save and load it back', async () => {
    const { defineLeaf } = await import('./define.js')
    const { registerTransformer } = await import('./registry.js')
    const { z } = await import('zod')
    const clampKind = defineLeaf({
      kind: 'test/clamp-to-max',
      description: 'Clamp to the training maximum',
      params: z.strictObject({}),
      state: z.strictObject({ max: z.number() }),
      accepts: ['numeric'],
      fit: ({ columns }) => ({
        state: { max: Math.max(...(columns[0] as { values: Float64Array }).values) },
        outputs: [{ name: 'clamped', kind: 'numeric' }],
      }),
      apply: ({ state, columns }) => [
        {
          kind: 'numeric',
          values: (columns[0] as { values: Float64Array }).values.map((v) =>
            Math.min(v, state.max),
          ),
        },
      ],
    })
    registerTransformer(clampKind)
    const fitted = createTransformer({ kind: 'test/clamp-to-max' }).fit(
      frame.select(['distance']),
      opts(),
    )
    const loaded = loadTransformer(JSON.parse(JSON.stringify(fitted.toJSON())))
    const big = Frame.fromColumns({ distance: numericColumn([99_999]) })
    expect(Array.from(loaded.transform(big).numeric('clamped'))).toEqual([2500])
  })
})

describe('load-time checks', () => {
  it('refuses a document whose outputs do not match its state', () => {
    const json = standardScaler()
      .fit(frame.select(['distance']), opts())
      .toJSON()
    const tampered = { ...json, outputs: [...json.outputs, { name: 'extra', kind: 'numeric' }] }
    expect(() => loadTransformer(tampered)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    )
  })
})
