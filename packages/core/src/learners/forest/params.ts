import { z } from 'zod'

/**
 * How many features a split may look at: `sqrt` and `log2` of the feature count, `all`, a number
 * in (0, 1) as a fraction of the features, or a whole number ≥ 1 as a count (so `1` means one
 * feature; write `all` for every feature). Absent: `sqrt` for classification, `all` for
 * regression (scikit-learn's defaults).
 */
export const maxFeaturesSchema = z.union([
  z.enum(['sqrt', 'log2', 'all']),
  z
    .number()
    .gt(0)
    .refine((v) => v < 1 || Number.isInteger(v), {
      message: 'a number is a fraction in (0, 1) or a whole count ≥ 1',
    }),
])

/** `maxFeatures` as written in the hyperparameters. */
export type MaxFeatures = z.output<typeof maxFeaturesSchema>

/**
 * The one declaration of a tree ensemble's hyperparameters; random forest and extra trees share it
 * and differ in the default of `bootstrap` (scikit-learn's defaults: on for random forests, off
 * for extra trees).
 */
const forestParamsShape = (bootstrap: boolean) =>
  z
    .object({
      nTrees: z.number().int().min(1).max(10_000).default(100).describe('trees in the forest'),
      maxDepth: z
        .number()
        .int()
        .min(0)
        .max(512)
        .default(0)
        .describe('maximum tree depth; 0 = unlimited'),
      maxLeaves: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .default(0)
        .describe('maximum leaves per tree, grown best-first when set; 0 = unlimited'),
      minSamplesLeaf: z.number().int().min(1).default(1).describe('minimum rows in a leaf'),
      minSamplesSplit: z
        .number()
        .int()
        .min(2)
        .default(2)
        .describe('minimum rows in a node for it to be split'),
      minImpurityDecrease: z
        .number()
        .min(0)
        .default(0)
        .describe(
          'minimum weighted impurity decrease of a split, as a share of the total weight (scikit-learn min_impurity_decrease)',
        ),
      maxFeatures: maxFeaturesSchema
        .optional()
        .describe(
          "features tried per split: 'sqrt' | 'log2' | 'all' | fraction in (0, 1) | count ≥ 1; default 'sqrt' for classification, 'all' for regression",
        ),
      bootstrap: z
        .boolean()
        .default(bootstrap)
        .describe('fit each tree on a bootstrap sample (with replacement) of the rows'),
      maxSamples: z
        .number()
        .gt(0)
        .lte(1)
        .default(1)
        .describe('bootstrap sample size as a share of the training rows'),
      oobScore: z
        .boolean()
        .default(false)
        .describe(
          'score every row with the trees that did not draw it (accuracy or R²); needs bootstrap',
        ),
      classWeight: z
        .union([
          z.literal('balanced'),
          z.literal('balancedSubsample'),
          z.record(z.string(), z.number().min(0)),
        ])
        .optional()
        .describe(
          "per-class weight by class name, 'balanced' (n / (K · count)) or 'balancedSubsample' (the same on each tree's bootstrap sample)",
        ),
      maxBins: z
        .number()
        .int()
        .min(2)
        .max(255)
        .default(255)
        .describe('histogram bins per feature (quantile bins, as the GBDT)'),
    })
    .strict()
    .refine((p) => p.maxLeaves === 0 || p.maxLeaves >= 2, {
      message: 'maxLeaves must be 0 (unlimited) or at least 2',
      path: ['maxLeaves'],
    })
    .refine((p) => !p.oobScore || p.bootstrap, {
      message: 'oobScore needs bootstrap: without it no row is out of bag',
      path: ['oobScore'],
    })

/** Hyperparameters of the `random-forest` learner (bootstrap on by default). */
export const randomForestParamsSchema = forestParamsShape(true)

/** Hyperparameters of the `extra-trees` learner (bootstrap off by default). */
export const extraTreesParamsSchema = forestParamsShape(false)

/** Parsed forest hyperparameters (defaults filled in); the same shape for both learners. */
export type ForestParams = z.output<typeof randomForestParamsSchema>

/** Forest hyperparameters as a caller writes them (everything optional). */
export type ForestParamsInput = z.input<typeof randomForestParamsSchema>

/**
 * How a tree picks a split: `best` scans every bin boundary of each candidate feature (random
 * forest); `random` draws one threshold per candidate feature (extremely randomized trees).
 */
export type Splitter = 'best' | 'random'

/** Number of features to try per split for `F` features. */
export const featuresPerSplit = (
  maxFeatures: MaxFeatures | undefined,
  F: number,
  regression: boolean,
): number => {
  const m = maxFeatures ?? (regression ? 'all' : 'sqrt')
  const k =
    m === 'all'
      ? F
      : m === 'sqrt'
        ? Math.floor(Math.sqrt(F))
        : m === 'log2'
          ? Math.floor(Math.log2(F))
          : m < 1
            ? Math.floor(m * F)
            : m
  return Math.min(F, Math.max(1, k))
}
