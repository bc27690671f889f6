/**
 * Random forests and extremely randomized trees on the GBDT's tree code, one concept per file:
 *
 * - `params.ts` — the one hyperparameter declaration (both learners; `bootstrap` defaults differ);
 * - `sample.ts` — each tree's bootstrap sample and class reweighting;
 * - `criterion.ts`, `scorer.ts` — Gini / squared-error decrease written on sums, scored from
 *   histograms; `split.ts` — the best boundary (random forest) and categorical splits;
 *   `random-threshold.ts` — extra trees' random threshold per numeric feature, from the rows;
 * - `grower.ts` — depth-first or best-first growth with a fresh feature subset per node, on the
 *   GBDT's bins and histogram kernels; `sparse-histogram.ts` — histograms of small nodes that
 *   touch only their bins;
 * - `build-tree.ts`, `forest-tree.ts` — exact leaf values, the GBDT tree structure with one value
 *   per output, out-of-bag routing;
 * - `fit.ts`, `learner.ts`, `model.ts`, `model-json.ts`, `importance.ts`.
 *
 * Prediction uses the GBDT's flattened predictor and explanations its TreeSHAP. That is why this
 * folder imports `../gbdt/` (binning, histograms, tree structure, predictor, TreeSHAP and the tree
 * codec): the two learners share one tree engine rather than keep two copies of it.
 *
 * @module
 */
import { parseParams, type LearnerDefinition } from '../registry.js'
import { ForestLearner } from './learner.js'
import { ForestModel } from './model.js'
import {
  EXTRA_TREES_MODEL_KIND,
  RANDOM_FOREST_MODEL_KIND,
  stateFromJSON,
  stateFromJSONAsync,
} from './model-json.js'
import type { AsyncLoadOptions } from '../shared/load-yield.js'
import {
  extraTreesParamsSchema,
  randomForestParamsSchema,
  type ForestParamsInput,
} from './params.js'

export { ForestLearner } from './learner.js'
export { ForestModel } from './model.js'
export type { ForestState, OutOfBagScore } from './model-state.js'
export type { ForestTree } from './forest-tree.js'
export type { ForestImportanceType } from './importance.js'
export {
  randomForestParamsSchema,
  extraTreesParamsSchema,
  maxFeaturesSchema,
  type ForestParams,
  type ForestParamsInput,
  type MaxFeatures,
} from './params.js'
export {
  FOREST_PAYLOAD_VERSION,
  RANDOM_FOREST_MODEL_KIND,
  EXTRA_TREES_MODEL_KIND,
} from './model-json.js'

/** The `random-forest` learner kind for the registry. */
export const randomForestDefinition: LearnerDefinition<typeof randomForestParamsSchema> = {
  kind: RANDOM_FOREST_MODEL_KIND,
  description:
    'Random forest: bagged histogram trees, best split among random features per node, OOB score',
  params: randomForestParamsSchema,
  create: (params) => new ForestLearner('best', params),
}

/** The `extra-trees` learner kind for the registry. */
export const extraTreesDefinition: LearnerDefinition<typeof extraTreesParamsSchema> = {
  kind: EXTRA_TREES_MODEL_KIND,
  description:
    'Extremely randomized trees: histogram trees, one random threshold per candidate feature',
  params: extraTreesParamsSchema,
  create: (params) => new ForestLearner('random', params),
}

/** A random forest from loose hyperparameters (validated; unknown keys are `INVALID_PARAMS`). */
export const randomForest = (params: ForestParamsInput = {}): ForestLearner =>
  new ForestLearner('best', parseParams(RANDOM_FOREST_MODEL_KIND, randomForestParamsSchema, params))

/** Extra trees from loose hyperparameters (validated; unknown keys are `INVALID_PARAMS`). */
export const extraTrees = (params: ForestParamsInput = {}): ForestLearner =>
  new ForestLearner('random', parseParams(EXTRA_TREES_MODEL_KIND, extraTreesParamsSchema, params))

/** Load a fitted random forest from its JSON (the `random-forest` model kind). */
export const loadRandomForestModel = (json: unknown): ForestModel =>
  new ForestModel(stateFromJSON(RANDOM_FOREST_MODEL_KIND, json))

/** Load fitted extra trees from their JSON (the `extra-trees` model kind). */
export const loadExtraTreesModel = (json: unknown): ForestModel =>
  new ForestModel(stateFromJSON(EXTRA_TREES_MODEL_KIND, json))

/** {@link loadRandomForestModel} giving the thread back to the event loop while it checks trees. */
export const loadRandomForestModelAsync = async (
  json: unknown,
  options?: AsyncLoadOptions,
): Promise<ForestModel> =>
  new ForestModel(await stateFromJSONAsync(RANDOM_FOREST_MODEL_KIND, json, options))

/** {@link loadExtraTreesModel} giving the thread back to the event loop while it checks trees. */
export const loadExtraTreesModelAsync = async (
  json: unknown,
  options?: AsyncLoadOptions,
): Promise<ForestModel> =>
  new ForestModel(await stateFromJSONAsync(EXTRA_TREES_MODEL_KIND, json, options))
