import { z } from 'zod'

/** Objectives the GBDT optimises; `auto` picks log loss, softmax or squared error from the task. */
export const GBDT_OBJECTIVES = [
  'auto',
  'logloss',
  'focal',
  'softmax',
  'squared',
  'absolute',
  'huber',
] as const

/** Validation metrics early stopping can watch. */
export const GBDT_METRICS = [
  'logloss',
  'auc',
  'error',
  'mlogloss',
  'merror',
  'rmse',
  'mae',
] as const

const fraction = z.number().gt(0).lte(1)

/**
 * The one declaration of the GBDT's hyperparameters: validation, defaults and docs come from here.
 * Names and defaults follow XGBoost's `hist` booster where it has the same knob, so a model tuned
 * there transfers; `gain` is XGBoost's (twice the reduction of the second-order loss).
 */
export const gbdtParamsSchema = z
  .object({
    nEstimators: z.number().int().min(1).max(100_000).default(100).describe('boosting rounds'),
    learningRate: z.number().gt(0).lte(1).default(0.1).describe('shrinkage applied to each tree'),
    maxDepth: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(6)
      .describe('maximum tree depth; 0 = unlimited (then maxLeaves must be set)'),
    maxLeaves: z
      .number()
      .int()
      .min(0)
      .max(65_536)
      .default(0)
      .describe('maximum leaves per tree, grown best-first; 0 = unlimited (bounded by maxDepth)'),
    minSamplesLeaf: z.number().int().min(1).default(1).describe('minimum rows in a leaf'),
    minHessianLeaf: z
      .number()
      .min(0)
      .default(1)
      .describe('minimum hessian sum in a leaf (XGBoost min_child_weight)'),
    lambda: z.number().min(0).default(1).describe('L2 regularisation of leaf values'),
    alpha: z.number().min(0).default(0).describe('L1 regularisation of leaf values'),
    minSplitGain: z.number().min(0).default(0).describe('minimum gain to split (XGBoost gamma)'),
    subsample: fraction.default(1).describe('fraction of rows drawn for each tree'),
    colsampleByTree: fraction.default(1).describe('fraction of features drawn for each tree'),
    colsampleByNode: fraction.default(1).describe('fraction of the tree features tried per split'),
    maxBins: z.number().int().min(2).max(255).default(255).describe('histogram bins per feature'),
    binSampleSize: z
      .number()
      .int()
      .min(1000)
      .default(200_000)
      .describe('rows (seeded sample) used to place numeric bin edges'),
    objective: z.enum(GBDT_OBJECTIVES).default('auto').describe('loss to minimise'),
    huberDelta: z.number().gt(0).default(1).describe('scale of the pseudo-Huber loss'),
    focalGamma: z.number().min(0).default(2).describe('focusing parameter of the focal loss'),
    classWeight: z
      .union([z.literal('balanced'), z.record(z.string(), z.number().min(0))])
      .optional()
      .describe("per-class weight by class name, or 'balanced' (n / (K · count))"),
    costMatrix: z
      .array(z.array(z.number().min(0)))
      .optional()
      .describe(
        'cost[true][predicted]; a row of class i is weighted by its total misclassification cost',
      ),
    monotone: z
      .record(z.string(), z.union([z.literal(-1), z.literal(0), z.literal(1)]))
      .optional()
      .describe('monotone constraint per numeric feature name: +1 increasing, -1 decreasing'),
    catSmooth: z
      .number()
      .min(0)
      .default(10)
      .describe('added to the hessian when ordering categories by gradient ratio'),
    earlyStoppingRounds: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('stop when the validation metric has not improved for this many rounds'),
    threads: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(1)
      .describe(
        'training threads (worker_threads, Node only: import @keel/core/node); the model is ' +
          'bit-identical for every value',
      ),
    earlyStoppingMetric: z
      .enum(GBDT_METRICS)
      .optional()
      .describe('validation metric; default logloss, mlogloss or rmse by task'),
  })
  .strict()
  .refine((p) => p.maxDepth > 0 || p.maxLeaves > 0, {
    message: 'maxDepth and maxLeaves cannot both be unlimited (0)',
    path: ['maxLeaves'],
  })
  .refine((p) => p.maxLeaves === 0 || p.maxLeaves >= 2, {
    message: 'maxLeaves must be 0 (unlimited) or at least 2',
    path: ['maxLeaves'],
  })

/** Parsed GBDT hyperparameters (defaults filled in). */
export type GbdtParams = z.output<typeof gbdtParamsSchema>

/** GBDT hyperparameters as a caller writes them (everything optional). */
export type GbdtParamsInput = z.input<typeof gbdtParamsSchema>
