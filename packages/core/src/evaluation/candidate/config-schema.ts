import { z } from 'zod'
import { metricByName } from '../../metrics/index.js'
import { validateGateSpec, type GateSpec } from '../gate.js'
import type { Frame, Row } from '../../frame/index.js'
import type { Rng } from '../../random/index.js'

/**
 * The `evaluation` section of `keel.config.ts`: which metrics, how thresholds and calibration are
 * chosen on validation, the slices, behavioural tests, fairness and backtest to run, and the gate
 * that blesses or refuses a candidate. Every part has a default, so `evaluation: {}` (or no section
 * at all) runs a complete evaluation with a gate that blesses everything.
 */

const fn = <T extends (...args: never[]) => unknown>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `${what} must be a function` })

const probability = z.number().min(0).max(1)
const cell = z.union([z.string(), z.number(), z.boolean(), z.null()])

/** How the binary decision threshold is chosen on the validation split. */
export const thresholdStrategySchema = z.union([
  z.literal('max_f1').describe('the threshold with the best F1 on validation'),
  z.literal('none').describe('keep 0.5'),
  z.object({ fixed: probability }).strict().describe('a threshold chosen by hand'),
  z.object({ fbeta: z.number().positive() }).strict().describe('the best F-beta on validation'),
  z
    .object({ recallAtLeast: probability })
    .strict()
    .describe('the most precise threshold whose validation recall is at least this'),
  z
    .object({ precisionAtLeast: probability })
    .strict()
    .describe('the highest-recall threshold whose validation precision is at least this'),
  z
    .object({
      cost: z.tuple([
        z.tuple([z.number().finite(), z.number().finite()]),
        z.tuple([z.number().finite(), z.number().finite()]),
      ]),
    })
    .strict()
    .describe('lowest expected cost; cost[actual][predicted], e.g. [[0, 1], [5, 0]]'),
])

const sliceName = z.string().min(1).max(200)

/** A declared slice: values of a column, a numeric range, a predicate, or one slice per value. */
export const sliceSpecSchema = z.union([
  z
    .object({ name: sliceName.optional(), column: z.string().min(1), values: z.array(cell).min(1) })
    .strict(),
  z
    .object({
      name: sliceName.optional(),
      column: z.string().min(1),
      range: z
        .object({
          min: z.number().optional(),
          max: z.number().optional(),
          includeMax: z.boolean().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ name: sliceName, where: fn<(row: Row) => boolean>('slice where') }).strict(),
  z
    .object({ column: z.string().min(1) })
    .strict()
    .describe(
      'one slice per value of a categorical column (a partition; also used for Simpson checks)',
    ),
])

const testBase = {
  name: z.string().min(1).max(200),
  tolerance: z.number().min(0),
  minPassRate: probability.optional(),
  rows: z.number().int().positive().optional(),
  /** A failing blocking test refuses the candidate at the gate (default true). */
  blocking: z.boolean().default(true),
  /** Multiclass only: the class whose probability the test watches (default: the first class). */
  class: z.string().optional(),
}

/** A behavioural test (perturbation, invariance or directional expectation). */
export const behaviouralTestSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('perturbation'),
      ...testBase,
      numeric: z.array(z.string()).optional(),
      noise: z.number().positive().optional(),
      categorical: z.array(z.string()).optional(),
      swapProbability: probability.optional(),
      transform: fn<(X: Frame, rng: Rng) => Frame>('perturbation transform').optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('invariance'),
      ...testBase,
      feature: z.string().min(1),
      values: z.array(cell).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('directional'),
      ...testBase,
      feature: z.string().min(1),
      delta: z.number().finite(),
      expect: z.enum(['increase', 'decrease']),
    })
    .strict(),
])

/** The gate, as `evaluateGate` reads it (see `GateSpec` in `@keel/core`). */
export const gateSpecSchema = z
  .object({
    minimum: z.record(z.string(), z.number().finite()).optional(),
    minimumOnInterval: z.boolean().optional(),
    maxRegression: z
      .record(
        z.string(),
        z.union([
          z.number().min(0),
          z
            .object({
              delta: z.number().min(0),
              require: z.enum(['non-inferiority', 'no-significant-regression']).optional(),
            })
            .strict(),
        ]),
      )
      .optional(),
    beatBaselines: z
      .record(z.string(), z.number().finite())
      .optional()
      .describe(
        'metric → margin by which the candidate must beat every baseline (paired interval, lower end)',
      ),
    behavioural: z.record(z.string(), probability).optional(),
    maxEce: probability.optional(),
    sliceFloors: z
      .array(
        z
          .object({ slice: z.string().min(1), metric: z.string().min(1), min: z.number().finite() })
          .strict(),
      )
      .optional(),
    leakage: z
      .enum(['fail', 'warn', 'ignore'])
      .optional()
      .describe(
        "'fail': a failing leakage report refuses the candidate; 'warn' (default): shown beside the verdict, not blocking; 'ignore'",
      ),
  })
  .strict()

/** The whole `evaluation` section. */
export const evaluationConfigSchema = z
  .object({
    metrics: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('metrics to report (default per task)'),
    primary: z
      .string()
      .min(1)
      .optional()
      .describe('the metric that picks the best candidate (default: the first)'),
    bootstrap: z
      .object({
        resamples: z.number().int().min(50).max(100_000).default(500),
        level: z.number().min(0.5).max(0.999).default(0.95),
        method: z.enum(['percentile', 'bca']).default('percentile'),
        stratify: z
          .boolean()
          .default(false)
          .describe(
            'resample within each class (fixes class counts, so intervals are narrower than a plain bootstrap); default false',
          ),
      })
      .strict()
      .default({ resamples: 500, level: 0.95, method: 'percentile', stratify: false }),
    threshold: z
      .object({ strategy: thresholdStrategySchema.default('max_f1') })
      .strict()
      .default({ strategy: 'max_f1' }),
    calibration: z
      .object({
        method: z
          .enum(['auto', 'platt', 'isotonic', 'none'])
          .default('auto')
          .describe("'auto': Platt scaling when it lowers cross-fitted validation log loss"),
        bins: z.number().int().min(2).max(100).default(10),
        binning: z.enum(['uniform', 'quantile']).default('uniform'),
        minBinRows: z
          .number()
          .int()
          .min(1)
          .default(10)
          .describe(
            'bins with fewer test rows are shown with their counts but left out of the MCE',
          ),
      })
      .strict()
      .default({ method: 'auto', bins: 10, binning: 'uniform', minBinRows: 10 }),
    deferBelow: probability
      .nullable()
      .default(null)
      .describe('confidence below which predictions are deferred'),
    slices: z.array(sliceSpecSchema).default([]),
    sliceMetrics: z
      .array(z.string().min(1))
      .optional()
      .describe('metrics per slice (default: the primary)'),
    discovery: z
      .object({
        enabled: z.boolean().default(true),
        metric: z
          .string()
          .min(1)
          .optional()
          .describe('default: the primary when it is per-row, else log loss / MAE'),
        minSupport: z.number().positive().default(0.05),
        maxResults: z.number().int().positive().max(100).default(10),
        columns: z.array(z.string()).optional(),
        pairs: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true, minSupport: 0.05, maxResults: 10, pairs: true }),
    behavioural: z.array(behaviouralTestSchema).default([]),
    fairness: z
      .object({
        attribute: z.string().min(1),
        method: z.enum(['between_groups', 'to_overall']).default('between_groups'),
      })
      .strict()
      .optional(),
    errorAnalysis: z
      .object({
        enabled: z.boolean().default(true),
        clusters: z.number().int().min(1).max(20).default(4),
      })
      .strict()
      .default({ enabled: true, clusters: 4 }),
    backtest: z
      .object({
        enabled: z.boolean().default(true),
        column: z
          .string()
          .min(1)
          .optional()
          .describe('timestamp column (default: the split or timestamp column)'),
        period: z
          .enum(['day', 'week', 'month', 'year'])
          .optional()
          .describe("default: chosen from the timestamps' granularity and span"),
        window: z.number().int().positive().default(1),
        mode: z.enum(['sliding', 'expanding']).default('sliding'),
      })
      .strict()
      .default({ enabled: true, window: 1, mode: 'sliding' }),
    champion: z
      .object({ alias: z.string().min(1).default('production') })
      .strict()
      .default({ alias: 'production' })
      .describe('the registry alias of the model a candidate is compared with'),
    gate: gateSpecSchema.default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const metric = (name: string, path: (string | number)[]): void => {
      try {
        metricByName(name)
      } catch {
        ctx.addIssue({ code: 'custom', path, message: `unknown metric "${name}"` })
      }
    }
    cfg.metrics?.forEach((m, i) => metric(m, ['metrics', i]))
    if (cfg.primary !== undefined) metric(cfg.primary, ['primary'])
    cfg.sliceMetrics?.forEach((m, i) => metric(m, ['sliceMetrics', i]))
    if (cfg.discovery.metric !== undefined) metric(cfg.discovery.metric, ['discovery', 'metric'])
    for (const issue of validateGateSpec(cfg.gate as GateSpec).issues) {
      ctx.addIssue({ code: 'custom', path: ['gate', ...issue.path], message: issue.message })
    }
    const seen = new Set<string>()
    cfg.behavioural.forEach((t, i) => {
      if (seen.has(t.name))
        ctx.addIssue({
          code: 'custom',
          path: ['behavioural', i, 'name'],
          message: `duplicate test name "${t.name}"`,
        })
      seen.add(t.name)
    })
  })

/** The `evaluation` section as written in the config. */
export type EvaluationConfigInput = z.input<typeof evaluationConfigSchema>
/** The `evaluation` section with defaults applied. */
export type EvaluationConfig = z.output<typeof evaluationConfigSchema>
/** A declared slice. */
export type SliceSpec = z.output<typeof sliceSpecSchema>
/** A behavioural test as declared. */
export type BehaviouralTestConfig = z.output<typeof behaviouralTestSchema>
/** A threshold strategy as declared. */
export type ThresholdStrategy = z.output<typeof thresholdStrategySchema>
