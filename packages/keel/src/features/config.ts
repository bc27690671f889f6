import { z } from 'zod'
import { sourceSpecSchema } from '../data/source.js'
import { durationSchema } from '../util/duration.js'

// The feature store's section of `keel.config.ts`: entities, feature views, on-demand features and
// feature services. Plain data, with TypeScript where code is needed (on-demand features).

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const name = (what: string) =>
  z.string().regex(NAME, `${what} names are 1-64 letters, digits or "_", not starting with a digit`)

/** An entity: what feature values are about (an airport, a user), found by one join key. */
export const entitySchema = z
  .object({
    name: name('entity'),
    joinKey: z
      .string()
      .min(1)
      .describe('The column that holds the key, in sources and in entity rows (default: the name)')
      .optional(),
    valueType: z
      .enum(['string', 'number'])
      .default('string')
      .describe('Keys are compared as text (default) or as numbers'),
    description: z.string().optional(),
  })
  .strict()

/** One feature read as is from a view's source column. */
export const viewFeatureSchema = z
  .object({
    name: name('feature'),
    kind: z.enum(['numeric', 'categorical', 'boolean']),
    column: z.string().min(1).optional().describe('Source column (default: the name)'),
    description: z.string().optional(),
  })
  .strict()

/**
 * A windowed aggregation over an event source: at time t, over the rows whose event time is in
 * `(t − window, t]` and whose known time is ≤ t (the window closes at known time).
 */
export const aggregationSchema = z
  .object({
    name: name('feature'),
    fn: z.enum(['count', 'sum', 'mean', 'rate']).describe('rate is count per hour'),
    column: z
      .string()
      .min(1)
      .optional()
      .describe('Numeric or boolean column aggregated (not needed for count and rate)'),
    window: durationSchema,
    description: z.string().optional(),
  })
  .strict()

/**
 * Where a view's rows come from: a project source by name, a file or PostgreSQL source spelled
 * out, a DuckDB query (over files), or values pushed to the store (`POST /v1/features/push`).
 */
export const viewSourceSchema = z.union([
  z.string().min(1).describe('A source named in `sources`'),
  sourceSpecSchema,
  z.object({ duckdb: z.string().min(1).describe('A DuckDB SELECT over files') }).strict(),
  z.object({ push: z.literal(true) }).strict(),
])

/** A feature view: features of one entity, from one source, with their times and TTL. */
export const featureViewSchema = z
  .object({
    name: name('feature view'),
    description: z.string().optional(),
    source: viewSourceSchema,
    entity: z.string().min(1).describe('The entity the rows are about'),
    keyColumn: z
      .string()
      .min(1)
      .optional()
      .describe("Source column holding the entity key (default: the entity's join key)"),
    eventTime: z.string().min(1).describe('Column: when the value happened'),
    knownTime: z
      .string()
      .min(1)
      .optional()
      .describe('Column: when the value became available (required unless noLateness)'),
    noLateness: z
      .boolean()
      .optional()
      .describe('The source has no late rows: a value is known at its event time'),
    ttl: durationSchema
      .optional()
      .describe('A value older than this (request time − event time) is not served as present'),
    features: z.array(viewFeatureSchema).default([]),
    aggregations: z.array(aggregationSchema).default([]),
    publishEvery: durationSchema
      .optional()
      .describe(
        'Windowed views: publish the aggregates on this cadence (e.g. 1h) instead of at every change; the value at t is the aggregate at the last multiple of it, known from that moment',
      ),
  })
  .strict()

/** What to do with a feature value of each status, at training and at serving time. */
export const missingPolicySchema = z.union([
  z.literal('missing').describe('predict with the value missing (the model imputes)'),
  z.literal('reject').describe('answer 422 naming the feature and its status'),
  z
    .object({ default: z.union([z.number(), z.string(), z.boolean()]) })
    .strict()
    .describe('use this value instead'),
])

/** Per status: `null` (the source holds null), `not_found` (no value), `outside_ttl` (too old). */
export const statusPolicySchema = z
  .object({
    null: missingPolicySchema.default('missing'),
    not_found: missingPolicySchema.default('missing'),
    outside_ttl: missingPolicySchema.default('missing'),
  })
  .strict()

/** An on-demand feature: a function of the request row and the fetched features. */
export const onDemandSchema = z
  .object({
    name: name('feature'),
    kind: z.enum(['numeric', 'categorical', 'boolean']),
    compute: z.custom<(row: Readonly<Record<string, unknown>>) => unknown>(
      (v) => typeof v === 'function',
      { message: 'compute must be a function of the row' },
    ),
    description: z.string().optional(),
  })
  .strict()

/** One view in a service: which of its features, looked up by which request column. */
export const serviceViewSchema = z
  .object({
    view: z.string().min(1),
    features: z
      .array(z.string().min(1))
      .optional()
      .describe("The view's features to take (default: all)"),
    key: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Entity-row column holding the key (default: the entity's join key); how one entity serves two roles, e.g. origin and destination",
      ),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_]*$/)
      .optional()
      .describe('Prepended to the feature names (needed when a view is used twice)'),
  })
  .strict()

/** A feature service: the set of features a model trains on and serves with. */
export const featureServiceSchema = z
  .object({
    name: name('feature service'),
    description: z.string().optional(),
    views: z.array(serviceViewSchema).min(1),
    onDemand: z.array(z.string().min(1)).default([]),
    onStatus: statusPolicySchema.prefault({}),
  })
  .strict()

/** The feature-store part of a project. */
export const featureStoreConfigShape = {
  entities: z.array(entitySchema).default([]),
  featureViews: z.array(featureViewSchema).default([]),
  onDemand: z.array(onDemandSchema).default([]),
  featureServices: z.array(featureServiceSchema).default([]),
}

export const featureStoreConfigSchema = z.object(featureStoreConfigShape).strict()

export type EntityConfig = z.output<typeof entitySchema>
export type FeatureViewConfig = z.output<typeof featureViewSchema>
export type FeatureViewInput = z.input<typeof featureViewSchema>
export type ViewFeatureConfig = z.output<typeof viewFeatureSchema>
export type AggregationConfig = z.output<typeof aggregationSchema>
export type ViewSourceConfig = z.output<typeof viewSourceSchema>
export type OnDemandConfig = z.output<typeof onDemandSchema>
export type FeatureServiceConfig = z.output<typeof featureServiceSchema>
export type MissingPolicy = z.output<typeof missingPolicySchema>
export type StatusPolicy = z.output<typeof statusPolicySchema>
export type FeatureStoreConfig = z.output<typeof featureStoreConfigSchema>
