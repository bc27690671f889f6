import { z } from 'zod'
import { durationSchema } from '../util/duration.js'

export { durationSchema }

/** How the log is cut into windows: by time (calendar-free fixed widths) or every n predictions. */
export const windowSpecSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('time'), size: durationSchema }).strict(),
  z.object({ by: z.literal('count'), size: z.number().int().positive() }).strict(),
])

const effectRuleSchema = z
  .object({
    metric: z.enum([
      'psi',
      'jensen_shannon',
      'wasserstein_normalized',
      'ks_statistic',
      'cramers_v',
    ]),
    threshold: z.number().positive(),
  })
  .strict()

const boundSchema = z
  .object({
    min: z.number().optional().describe('Alert when the window estimate falls below this'),
    max: z.number().optional().describe('Alert when the window estimate rises above this'),
  })
  .strict()

const webhookSchema = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'only http:// and https:// webhooks are allowed'),
    timeoutMs: z.number().int().positive().default(5000),
    retries: z.number().int().min(0).max(10).default(3),
    backoffMs: z.number().int().min(0).default(250),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()

/**
 * The online/offline consistency check of the served feature values, run per window when the
 * project declares feature services and the run is given the offline lookup.
 */
export const featureConsistencySchema = z
  .object({
    maxMismatchRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe(
        'Alert (feature_skew) when a feature mismatches in more than this share of predictions',
      ),
    sample: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Predictions compared at most per window and feature service'),
    seed: z.number().int().nonnegative().default(0),
    relativeTolerance: z
      .number()
      .nonnegative()
      .optional()
      .describe('Numbers within this relative difference agree (default: exact equality)'),
  })
  .strict()

/**
 * Monitoring settings and alert thresholds, as declared under `monitoring` in `keel.config.ts`.
 * Every field has a default, so `{}` is a working configuration: drift with corrected tests plus
 * an effect size, data quality against the bundle's pinned inputs, label coverage, the task's
 * metrics from delayed labels with bootstrap intervals, and the streaming detectors.
 *
 * @example
 * monitoring: {
 *   window: { by: 'time', size: '7d' },
 *   drift: { psi: 0.2 },
 *   performance: { roc_auc: { min: 0.6 } },
 *   quality: { missingRate: 0.1 },
 *   coverage: { min: 0.5 },
 *   alerts: { webhook: { url: 'https://hooks.example.com/keel' } },
 * }
 */
export const monitoringConfigSchema = z
  .object({
    window: windowSpecSchema.default({ by: 'time', size: '1d' }),
    minRows: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe(
        'Windows with fewer predictions skip the statistical tests (reported, not alerted)',
      ),
    drift: z
      .object({
        alpha: z.number().gt(0).lt(1).default(0.05),
        correction: z.enum(['none', 'bonferroni', 'fdr_bh']).default('fdr_bh'),
        psi: z
          .number()
          .positive()
          .optional()
          .describe('Decide drift on PSI >= this for every feature (instead of the effect rules)'),
        numericEffect: effectRuleSchema
          .optional()
          .describe('Default: Wasserstein / reference std >= 0.1'),
        categoricalEffect: effectRuleSchema
          .optional()
          .describe('Default: Jensen–Shannon distance >= 0.1'),
        adversarialAuc: z
          .number()
          .min(0.5)
          .max(1)
          .default(0.7)
          .describe('Multivariate drift when the adversarial classifier reaches this ROC AUC'),
        adversarialRows: z
          .number()
          .int()
          .positive()
          .default(5000)
          .describe('Rows per side the adversarial classifier samples at most'),
      })
      .strict()
      .default({ alpha: 0.05, correction: 'fdr_bh', adversarialAuc: 0.7, adversarialRows: 5000 }),
    metrics: z
      .array(z.string().min(1))
      .optional()
      .describe("Metrics per window (default: the task's usual ones plus every one with a bound)"),
    performance: z
      .record(z.string(), boundSchema)
      .default({})
      .describe('Alert bounds per metric, e.g. { roc_auc: { min: 0.6 } }'),
    minLabels: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Windows with fewer labelled predictions report no metrics'),
    bootstrap: z
      .object({
        resamples: z.number().int().min(2).default(200),
        level: z.number().gt(0).lt(1).default(0.95),
        seed: z.number().int().nonnegative().default(0),
      })
      .strict()
      .default({ resamples: 200, level: 0.95, seed: 0 }),
    quality: z
      .object({
        missingRate: z.number().min(0).max(1).default(0.1),
        outOfRangeRate: z.number().min(0).max(1).default(0.05),
        unseenRate: z.number().min(0).max(1).default(0.05),
        schemaViolationRate: z.number().min(0).max(1).default(0.01),
        checkFailureRate: z.number().min(0).max(1).default(0.01),
      })
      .strict()
      .default({
        missingRate: 0.1,
        outOfRangeRate: 0.05,
        unseenRate: 0.05,
        schemaViolationRate: 0.01,
        checkFailureRate: 0.01,
      }),
    coverage: z
      .object({
        min: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('Alert when label coverage is below this'),
        settle: durationSchema
          .optional()
          .describe(
            'Windows that ended less than this long ago are not checked (labels still due)',
          ),
      })
      .strict()
      .default({}),
    detectors: z
      .object({
        enabled: z.boolean().default(true),
        adwinDelta: z.number().gt(0).lt(1).default(0.002),
        pageHinkleyThreshold: z
          .number()
          .positive()
          .default(50)
          .describe('In standard deviations of the prediction stream (it is standardized)'),
        pageHinkleyDelta: z
          .number()
          .nonnegative()
          .default(0.1)
          .describe(
            'Shift tolerated without alarm, in standard deviations of the prediction stream',
          ),
        ddmWarmStart: z
          .number()
          .int()
          .nonnegative()
          .default(100)
          .describe(
            'Labelled predictions DDM sees before it may fire (its early minimum is noisy)',
          ),
        ddmDriftThreshold: z.number().positive().default(3),
        ddmWarningThreshold: z.number().positive().default(2),
      })
      .strict()
      .default({
        enabled: true,
        adwinDelta: 0.002,
        pageHinkleyThreshold: 50,
        pageHinkleyDelta: 0.1,
        ddmWarmStart: 100,
        ddmDriftThreshold: 3,
        ddmWarningThreshold: 2,
      }),
    featureConsistency: featureConsistencySchema
      .optional()
      .describe('Online/offline feature consistency (default settings when absent)'),
    alerts: z
      .object({
        log: z.boolean().default(true).describe('Log each new alert (pino, level warn)'),
        webhook: webhookSchema.optional().describe('POST each new alert as JSON'),
      })
      .strict()
      .default({ log: true }),
  })
  .strict()

/** Monitoring settings as written in the config (before defaults). */
export type MonitoringConfigInput = z.input<typeof monitoringConfigSchema>
/** Monitoring settings with defaults applied. */
export type MonitoringConfig = z.output<typeof monitoringConfigSchema>
/** A window specification with defaults applied. */
export type WindowSpec = z.output<typeof windowSpecSchema>
/** Feature consistency settings with defaults applied. */
export type FeatureConsistencyConfig = z.output<typeof featureConsistencySchema>
/** Where alerts go when they fire for the first time. */
export type WebhookConfig = z.output<typeof webhookSchema>
