/**
 * The flagship Keel example: will this US flight arrive more than 15 minutes late?
 *
 * Data: 3M flights, January–June 2001, from the `vega-datasets` package. Run from this folder:
 *
 *   npx keel data profile      # what the data looks like
 *   npx keel data validate     # check it against the contract below
 *   npx keel train             # baselines, candidates, a registered bundle
 *
 * `keel demo` runs this same project from anywhere.
 */
import {
  columnTransformer,
  defineProject,
  hashCross,
  log1pTransform,
  prepareFlights,
  targetEncoder,
  timeFeatures,
} from 'keel'

export default defineProject({
  name: 'flights',
  description: 'Will this flight arrive more than 15 minutes late?',
  seed: 42,
  sources: {
    flights: {
      path: '../../node_modules/vega-datasets/data/flights-3m.parquet',
      format: 'parquet',
    },
  },
  dataset: {
    source: 'flights',
    // Derives `late` (delay > 15) and the departure minute, day of week and day of month, per chunk.
    prepare: prepareFlights,
    sample: 300_000,
    // One February flight records a delay of -1116 minutes: drop rows that break the contract and
    // report how many, rather than failing the run.
    onViolation: 'drop',
  },
  schema: {
    fields: [
      {
        name: 'date',
        kind: 'timestamp',
        role: 'timestamp',
        nullable: false,
        range: { min: '2001-01-01', max: '2001-07-01T00:00:00Z' },
      },
      {
        name: 'delay',
        kind: 'numeric',
        role: 'ignore',
        description: 'arrival delay in minutes (the label source)',
        nullable: false,
        range: { min: -120, max: 2000 },
      },
      { name: 'distance', kind: 'numeric', nullable: false, range: { min: 1, max: 6000 } },
      { name: 'origin', kind: 'categorical', nullable: false },
      { name: 'destination', kind: 'categorical', nullable: false },
      { name: 'late', kind: 'boolean', role: 'label', nullable: false },
      { name: 'dep_minute', kind: 'numeric', nullable: false, range: { min: 0, max: 1439 } },
      { name: 'day_of_week', kind: 'numeric', nullable: false, range: { min: 0, max: 6 } },
      { name: 'day_of_month', kind: 'numeric', nullable: false, range: { min: 1, max: 31 } },
    ],
    checks: [
      {
        name: 'origin differs from destination',
        columns: ['origin', 'destination'],
        check: (row) => row['origin'] !== row['destination'],
      },
    ],
  },
  label: { column: 'late', task: 'binary' },
  // Train on January–April, choose on May, test on June: the late rate moves from month to month.
  split: { kind: 'time', column: 'date', cutoffs: ['2001-05-01', '2001-06-01'] },
  // Fitted on the training months only; saved in every bundle and run again at serving time.
  features: columnTransformer(
    [
      {
        name: 'time',
        transformer: timeFeatures({ parts: ['dayOfWeek'], cyclic: ['minuteOfDay'] }),
        columns: ['date'],
      },
      { name: 'distance', transformer: log1pTransform(), columns: ['distance'] },
      {
        name: 'route',
        transformer: hashCross({ buckets: 4096, name: 'route' }),
        columns: ['origin', 'destination'],
      },
      { name: 'origin_rate', transformer: targetEncoder({ folds: 5 }), columns: ['origin'] },
    ],
    { remainder: 'passthrough' },
  ),
  baselines: [
    { name: 'zero-rule', kind: 'zero-rule' },
    { name: 'prior', kind: 'random-baseline', params: { strategy: 'prior' } },
    // The heuristic a person would try first: evening flights run late.
    { name: 'after-17h', predict: (row) => (row['dep_minute'] as number) >= 17 * 60 },
  ],
  candidates: [
    {
      name: 'logistic',
      kind: 'logistic-regression',
      params: { C: 1 },
      features: [
        'date__minuteOfDay_sin',
        'date__minuteOfDay_cos',
        'date__dayOfWeek',
        'distance',
        'origin',
      ],
    },
    { name: 'gbdt', kind: 'gbdt', params: { nEstimators: 100, maxDepth: 6, learningRate: 0.1 } },
  ],
})
