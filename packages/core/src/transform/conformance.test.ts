/**
 * The transformer conformance suite: every built-in kind, and the composites, run through the
 * invariants that make serving identical to training.
 *
 * - a row transformed alone (as a 1-row frame with its own, minimal dictionaries) gives exactly
 *   the values it gets inside the batch;
 * - serialize → JSON text → load → transform is bit-identical, and the reloaded JSON is unchanged;
 * - the same seed and data give the same fitted JSON;
 * - fitting reads only the training rows. The API takes only the training frame, and a frame
 *   sliced from a larger one holds typed-array views that cannot be read past their end, so the
 *   one way other rows can leak in is through shared categorical dictionaries, which list the
 *   categories of every row of the parent frame. The test slices a training frame out of a larger
 *   one and requires it to fit exactly like the same rows rebuilt alone (minimal dictionaries);
 * - neither fit nor transform mutates its input;
 * - input columns are matched by name: reordered and extra columns change nothing, a missing one
 *   is a SCHEMA_MISMATCH.
 */
import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isKeelError } from '../errors/index.js'
import { Frame, type Column, type ColumnKind } from '../frame/index.js'
import { createRng } from '../random/index.js'
import { columnTransformer } from './column-transformer.js'
import { hashCross, numericCross } from './cross.js'
import { discretizer } from './discretize.js'
import { frequencyEncoder } from './frequency.js'
import { featureHasher } from './hashing.js'
import { imputer } from './impute.js'
import { oneHotEncoder } from './one-hot.js'
import { ordinalEncoder } from './ordinal.js'
import { pipeline } from './pipeline.js'
import { positionalEmbedding } from './positional.js'
import { powerTransformer } from './power.js'
import type { FittedTransformer, Transformer, TransformerFitOptions } from './protocol.js'
import { loadTransformer } from './registry.js'
import { registerRowFunction, rowFunction } from './row-function.js'
import {
  log1pTransform,
  minMaxScaler,
  quantileClipper,
  robustScaler,
  standardScaler,
} from './scale.js'
import { targetEncoder } from './target-encoder.js'
import { hashingVectorizer } from './text/hashing-vectorizer.js'
import { tfidfVectorizer } from './text/tfidf.js'
import { timeFeatures } from './time-features.js'

const KINDS: Record<string, ColumnKind> = {
  num: 'numeric',
  pos: 'numeric',
  int: 'numeric',
  cat: 'categorical',
  cat2: 'categorical',
  txt: 'text',
  ts: 'timestamp',
}

const row = fc.record({
  num: fc.option(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { nil: null, freq: 6 }),
  pos: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
  int: fc.integer({ min: 0, max: 600 }),
  cat: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'é', '東京'), { nil: null, freq: 8 }),
  cat2: fc.constantFrom('x', 'y', 'z'),
  txt: fc.option(
    fc
      .array(fc.constantFrom('the', 'fox', 'Dog', 'café', 'x', 'jumps', 'ünïcode'), {
        maxLength: 6,
      })
      .map((w) => w.join(' ')),
    { nil: null, freq: 8 },
  ),
  ts: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null, freq: 8 }),
  y: fc.constantFrom(0, 1),
})

type Row = typeof row extends fc.Arbitrary<infer R> ? R : never

/** Rows where every column has at least two distinct present values and some real text. */
const rows = fc
  .array(row, { minLength: 8, maxLength: 30 })
  .filter(
    (rs) =>
      (['num', 'cat', 'ts'] as const).every(
        (k) => new Set(rs.map((r) => r[k]).filter((v) => v !== null)).size >= 2,
      ) && rs.some((r) => (r.txt ?? '').length > 2),
  )

const frameOf = (rs: readonly Row[]): Frame =>
  Frame.fromRows(
    rs.map(({ y: _y, ...r }) => r),
    KINDS,
  )

const targetOf = (rs: readonly Row[]): Float64Array => Float64Array.from(rs, (r) => r.y)

/** A column as comparable plain values: numbers (NaN kept), category labels, strings. */
const cells = (c: Column): unknown[] =>
  c.kind === 'categorical'
    ? Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]))
    : c.kind === 'text'
      ? [...c.values]
      : Array.from(c.values)

/** Bitwise equality of two frames (names, kinds, values with Object.is). */
const expectSameFrame = (a: Frame, b: Frame, where: string): void => {
  expect(a.columnNames, where).toEqual(b.columnNames)
  for (const n of a.columnNames) {
    expect(a.kindOf(n), `${where}: ${n}`).toBe(b.kindOf(n))
    const x = cells(a.column(n))
    const y = cells(b.column(n))
    expect(x.length, `${where}: ${n}`).toBe(y.length)
    x.forEach((v, i) =>
      expect(Object.is(v, y[i]), `${where}: ${n}[${i}] ${String(v)} vs ${String(y[i])}`).toBe(true),
    )
  }
}

const snapshot = (f: Frame): unknown =>
  f.entries().map(([n, c]) => [n, cells(c), c.kind === 'categorical' ? [...c.dictionary] : null])

registerRowFunction({
  name: 'conformance/ratio',
  outputs: [
    { name: 'ratio', kind: 'numeric' },
    { name: 'big', kind: 'categorical', categories: ['no', 'yes'] },
  ],
  fn: (r) => ({
    ratio: r.num === null ? null : (r.num as number) / (r.pos as number),
    big: (r.pos as number) > 100 ? 'yes' : 'no',
  }),
})

interface Case {
  readonly name: string
  readonly columns: readonly string[]
  readonly make: () => Transformer
  readonly target?: boolean
}

const cases: Case[] = [
  {
    name: 'imputer',
    columns: ['num', 'cat', 'txt'],
    make: () => imputer({ strategy: 'median', indicator: true }),
  },
  { name: 'standard-scaler', columns: ['num', 'pos'], make: () => standardScaler() },
  {
    name: 'min-max-scaler',
    columns: ['num', 'pos'],
    make: () => minMaxScaler({ range: [-1, 1], clip: true }),
  },
  { name: 'robust-scaler', columns: ['num', 'pos'], make: () => robustScaler() },
  { name: 'log1p', columns: ['pos'], make: () => log1pTransform() },
  {
    name: 'quantile-clipper',
    columns: ['num'],
    make: () => quantileClipper({ lower: 0.1, upper: 0.9 }),
  },
  { name: 'power yeo-johnson', columns: ['num'], make: () => powerTransformer() },
  { name: 'power box-cox', columns: ['pos'], make: () => powerTransformer({ method: 'box-cox' }) },
  {
    name: 'discretizer',
    columns: ['num', 'pos'],
    make: () => discretizer({ bins: 4, output: 'categorical' }),
  },
  {
    name: 'one-hot-encoder',
    columns: ['cat', 'cat2'],
    make: () => oneHotEncoder({ minFrequency: 2 }),
  },
  {
    name: 'ordinal-encoder',
    columns: ['cat'],
    make: () => ordinalEncoder({ output: 'categorical' }),
  },
  { name: 'frequency-encoder', columns: ['cat', 'txt'], make: () => frequencyEncoder() },
  {
    name: 'target-encoder',
    columns: ['cat', 'cat2'],
    make: () => targetEncoder({ folds: 3 }),
    target: true,
  },
  { name: 'feature-hasher', columns: ['cat', 'cat2'], make: () => featureHasher({ buckets: 64 }) },
  {
    name: 'feature-hasher dense',
    columns: ['cat', 'num'],
    make: () => featureHasher({ buckets: 16, output: 'dense' }),
  },
  { name: 'hash-cross', columns: ['cat', 'cat2'], make: () => hashCross({ buckets: 2 ** 18 }) },
  {
    name: 'numeric-cross',
    columns: ['num', 'pos'],
    make: () => numericCross({ keepInputs: true }),
  },
  {
    name: 'time-features',
    columns: ['ts'],
    make: () => timeFeatures({ parts: ['hour', 'month'], cyclic: ['dayOfWeek', 'dayOfMonth'] }),
  },
  { name: 'positional-embedding', columns: ['int'], make: () => positionalEmbedding({ dim: 6 }) },
  {
    name: 'hashing-vectorizer',
    columns: ['txt'],
    make: () => hashingVectorizer({ nFeatures: 32, ngramRange: [1, 2] }),
  },
  {
    name: 'tfidf-vectorizer',
    columns: ['txt'],
    make: () => tfidfVectorizer({ sublinearTf: true }),
  },
  {
    name: 'row-function',
    columns: ['num', 'pos'],
    make: () => rowFunction({ fn: 'conformance/ratio' }),
  },
  {
    name: 'pipeline',
    columns: ['num', 'pos'],
    make: () => pipeline([imputer(), powerTransformer(), standardScaler()]),
  },
  {
    name: 'column-transformer',
    columns: ['num', 'pos', 'cat', 'cat2', 'ts', 'txt'],
    target: true,
    make: () =>
      columnTransformer(
        [
          {
            transformer: timeFeatures({ parts: ['dayOfWeek'], cyclic: ['hour'] }),
            columns: ['ts'],
          },
          { transformer: log1pTransform(), columns: ['pos'] },
          { name: 'route', transformer: hashCross({ buckets: 1024 }), columns: ['cat', 'cat2'] },
          { transformer: targetEncoder(), columns: ['cat'] },
          {
            transformer: pipeline([imputer(), standardScaler()]),
            columns: { kinds: ['numeric'], exclude: ['pos'] },
          },
        ],
        { remainder: 'passthrough', prefix: true },
      ),
  },
]

const fitOptions = (rs: readonly Row[], c: Case): TransformerFitOptions =>
  c.target ? { rng: createRng(11), y: targetOf(rs), task: 'binary' } : { rng: createRng(11) }

const reload = (fitted: FittedTransformer): FittedTransformer =>
  loadTransformer(JSON.parse(JSON.stringify(fitted.toJSON())))

describe.each(cases)('$name conforms', (c) => {
  test.prop([rows], { numRuns: 15 })('a row alone equals the row in the batch', (rs) => {
    const frame = frameOf(rs).select(c.columns)
    const fitted = c.make().fit(frame, fitOptions(rs, c))
    const batch = fitted.transform(frame)
    rs.forEach((r, i) => {
      const { y: _y, ...cellsOfRow } = r
      const alone = Frame.fromRows([cellsOfRow], KINDS).select(c.columns)
      expectSameFrame(fitted.transform(alone), batch.slice(i, i + 1), `row ${i}`)
    })
  })

  test.prop([rows], { numRuns: 15 })('serialize → load → transform is identical', (rs) => {
    const frame = frameOf(rs).select(c.columns)
    const fitted = c.make().fit(frame, fitOptions(rs, c))
    const loaded = reload(fitted)
    expect(loaded.toJSON()).toEqual(JSON.parse(JSON.stringify(fitted.toJSON())))
    expect(loaded.outputs).toEqual(fitted.outputs)
    expectSameFrame(loaded.transform(frame), fitted.transform(frame), 'reloaded')
  })

  test.prop([rows, fc.integer({ min: 4, max: 8 })], { numRuns: 15 })(
    'fits on the training rows only and deterministically; never mutates',
    (rs, k) => {
      const full = frameOf(rs).select(c.columns)
      const train = full.slice(0, k) // shares dictionaries that name categories of later rows
      const rebuilt = frameOf(rs.slice(0, k)).select(c.columns)
      const before = snapshot(full)
      let a: ReturnType<Transformer['fitTransform']>
      try {
        a = c.make().fitTransform(train, fitOptions(rs.slice(0, k), c))
      } catch (e) {
        // A small training slice can legitimately be unfit (all-missing, empty vocabulary): then
        // the rebuilt frame must fail the same way.
        expect(isKeelError(e)).toBe(true)
        expect(() => c.make().fitTransform(rebuilt, fitOptions(rs.slice(0, k), c))).toThrow()
        return
      }
      const b = c.make().fitTransform(rebuilt, fitOptions(rs.slice(0, k), c))
      expect(a.fitted.toJSON()).toEqual(b.fitted.toJSON())
      expectSameFrame(a.output, b.output, 'fitTransform output')
      a.fitted.transform(full)
      expect(snapshot(full)).toEqual(before)
    },
  )

  test.prop([rows], { numRuns: 10 })('matches inputs by name', (rs) => {
    const frame = frameOf(rs)
    const fitted = c.make().fit(frame.select(c.columns), fitOptions(rs, c))
    const shuffled = frame.select([...frame.columnNames].reverse())
    expectSameFrame(
      fitted.transform(shuffled),
      fitted.transform(frame.select(c.columns)),
      'reordered + extra',
    )
    try {
      fitted.transform(frame.drop([c.columns[0]!]))
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('SCHEMA_MISMATCH')
    }
  })
})
