/**
 * Every built-in transformer kind, and the composites, through the transformer conformance suite
 * (`conformance/conformance.ts`, shipped as `@keel/core/testing`).
 */
import { columnTransformer } from './column-transformer.js'
import {
  runTransformerConformance,
  type TransformerConformanceCase,
} from './conformance/conformance.js'
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

const cases: TransformerConformanceCase[] = [
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

runTransformerConformance(cases)
