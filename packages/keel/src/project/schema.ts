import { z } from 'zod'
import { schemaContractSchema, evaluationConfigSchema } from '@keel/core'
import { sourceSpecSchema, type SourceSpec } from '../data/index.js'
// Each domain owns its config section; the project composes them (a section file imports no domain code).
import { monitoringConfigSchema } from '../monitoring/config.js'
import { featureStoreConfigShape } from '../features/config.js'

/** A value that must be a function (configs hold code where users need code). */
const fn = <T extends (...args: never[]) => unknown>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `${what} must be a function` })

/** A data source: a file read by DuckDB, or a PostgreSQL table or query. */
export const sourceSchema = sourceSpecSchema

/** The label and the task. */
export const labelSchema = z
  .object({
    column: z.string().min(1).describe('Column holding the label'),
    task: z.enum(['binary', 'multiclass', 'regression']),
    positive: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe(
        'Value of the positive class for binary tasks (default: true / 1 / the second class)',
      ),
  })
  .strict()

/** How rows are split into train / validation / test. */
export const splitSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('time'),
      column: z
        .string()
        .min(1)
        .optional()
        .describe('Timestamp column (default: the timestamp role)'),
      fractions: z
        .tuple([z.number().positive(), z.number().nonnegative(), z.number().positive()])
        .optional(),
      cutoffs: z
        .tuple([z.union([z.string(), z.number()]), z.union([z.string(), z.number()])])
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('random'),
      fractions: z
        .tuple([z.number().positive(), z.number().nonnegative(), z.number().positive()])
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('stratified'),
      fractions: z
        .tuple([z.number().positive(), z.number().nonnegative(), z.number().positive()])
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('group'),
      column: z.string().min(1),
      fractions: z
        .tuple([z.number().positive(), z.number().nonnegative(), z.number().positive()])
        .optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('predefined'),
      column: z
        .string()
        .min(1)
        .describe(
          'Column whose values name each row\'s part: train, validation or test (give it role "ignore" so no model reads it)',
        ),
    })
    .strict(),
])

/** A baseline or a candidate learner. */
export const learnerEntrySchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    kind: z.string().min(1).describe('Learner kind, e.g. gbdt, logistic-regression, zero-rule'),
    params: z.record(z.string(), z.unknown()).optional(),
    features: z
      .array(z.string())
      .optional()
      .describe('Feature columns (default: every feature-role column)'),
  })
  .strict()

/** A heuristic baseline written as a plain TypeScript function of a row. */
export const heuristicSchema = z
  .object({
    name: z.string().min(1),
    predict: fn<(row: Record<string, unknown>) => number | string | boolean>('heuristic predict'),
  })
  .strict()

/** The whole project file, `keel.config.ts`. */
export const projectSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only'),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().default(42),
    sources: z
      .record(z.string(), sourceSchema)
      .refine((s) => Object.keys(s).length > 0, 'at least one source'),
    dataset: z
      .object({
        source: z.string().optional().describe('Source to train on (default: the first)'),
        prepare: fn<(frame: never) => unknown>('dataset.prepare')
          .optional()
          .describe(
            'Derive columns from a chunk of source rows: (frame: Frame) => Frame; must be row-local',
          ),
        sample: z.number().int().positive().optional().describe('Rows to sample by default'),
        featureService: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Join this feature service to the rows point in time (as of known time) before training; the rows are the entity rows',
          ),
        onViolation: z
          .enum(['fail', 'drop'])
          .default('fail')
          .describe(
            'Rows breaking the contract: fail the run (default), or drop them and report how many',
          ),
      })
      .strict()
      .default({ onViolation: 'fail' }),
    schema: schemaContractSchema
      .optional()
      .describe('The schema contract (inferred from the data when absent)'),
    features: z
      .unknown()
      .optional()
      .describe(
        'The feature pipeline: a transformer (e.g. a Pipeline) or a transformer spec { kind, params }',
      ),
    ...featureStoreConfigShape,
    label: labelSchema,
    split: splitSchema.optional(),
    baselines: z.array(z.union([learnerEntrySchema, heuristicSchema])).default([]),
    candidates: z.array(learnerEntrySchema).default([]),
    evaluation: evaluationConfigSchema
      .prefault({})
      .describe(
        'Offline evaluation: metrics, post-processing, slices, behavioural tests, the gate',
      ),
    monitoring: monitoringConfigSchema.optional().describe('Monitoring thresholds and alert sinks'),
    leakage: z
      .object({
        availability: z
          .record(
            z.string(),
            z.union([
              z.object({ column: z.string() }).strict(),
              z.object({ offsetMs: z.number() }).strict(),
            ]),
          )
          .optional()
          .describe(
            'When each feature is known: a column of epoch-ms times, or an offset from the row time',
          ),
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    store: z
      .object({
        dir: z.string().default('.keel'),
        databaseUrl: z.string().optional(),
      })
      .strict()
      .default({ dir: '.keel' }),
  })
  .strict()

/** A project as written in `keel.config.ts` (before defaults). */
export type ProjectInput = z.input<typeof projectSchema>
/** A validated project with defaults applied. */
export type ProjectConfig = z.output<typeof projectSchema>
export type SourceConfig = SourceSpec
