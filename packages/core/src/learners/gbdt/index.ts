/**
 * Keel's histogram gradient-boosted decision trees, laid out by algorithm stage:
 *
 * - `binning.ts` — quantile bins (≤ 255 + a missing bin) from a seeded sample; binned data is a
 *   column-major `Uint8Array`;
 * - `histogram.ts`, `histogram-kernels.ts` — gradient/hessian/count histograms, the subtraction
 *   trick;
 * - `splitting.ts` — best split per node: L1/L2, min leaf size and hessian, gain threshold, learned
 *   missing direction, many-vs-many categorical splits, monotone constraints;
 * - `grower.ts` — best-first (leaf-wise) growth with `maxLeaves` / `maxDepth`; `partition.ts` —
 *   stable in-place row partitioning; `tree-builder.ts` — node storage, bin tables, monotone
 *   bounds; `types.ts` — the parameter and node shapes those three stages share;
 *   `training-threads.ts` — the hook through which `@keel/core/node` runs histograms and
 *   partitions on worker threads (`threads`, bit-identical to one thread);
 * - `loss/` — log loss, focal, softmax, squared, absolute (with leaf refit) and pseudo-Huber;
 *   `loss/base.ts` holds the `Loss` protocol and the weighted-statistics helpers the losses share,
 *   `loss/index.ts` picks the loss for an objective;
 * - `boosting.ts`, `fit.ts` — the boosting loop: row and column sampling, class weights and costs,
 *   early stopping, warm start;
 * - `predictor.ts` — the ensemble flattened into typed arrays for one-row and batch inference on
 *   raw values; `batch-predictor.ts` — batches walked on integer-encoded values; `shap.ts` —
 *   exact TreeSHAP; `importance.ts`; `state.ts` — the plain data of a fitted model, shared by
 *   `fit.ts`, `model.ts` and `model-json.ts`.
 *
 * Missing values (NaN, category code −1) take each split's learned default direction. A category
 * that was not seen at fit (UNSEEN_CATEGORY), or that was in the dictionary but absent from the
 * training rows, goes the way missing values go.
 *
 * @module
 */
import type { LearnerDefinition } from '../registry.js'
import { parseParams } from '../registry.js'
import { GbdtLearner } from './learner.js'
import { GbdtModel } from './model.js'
import { stateFromJSON, stateFromJSONAsync } from './model-json.js'
import type { AsyncLoadOptions } from '../shared/load-yield.js'
import { gbdtParamsSchema, type GbdtParamsInput } from './params.js'

export { GbdtLearner } from './learner.js'
export { GbdtModel } from './model.js'
export type { GbdtState } from './state.js'
export {
  gbdtParamsSchema,
  GBDT_OBJECTIVES,
  GBDT_METRICS,
  type GbdtParams,
  type GbdtParamsInput,
} from './params.js'
export { GBDT_PAYLOAD_VERSION } from './model-json.js'
export type { ImportanceType as GbdtImportanceType } from './importance.js'
export type { Tree as GbdtTree } from './tree.js'

/** The `gbdt` learner kind for the registry: its hyperparameter schema and constructor. */
export const gbdtDefinition: LearnerDefinition<typeof gbdtParamsSchema> = {
  kind: 'gbdt',
  description: 'Histogram gradient-boosted trees (XGBoost-style hist, leaf-wise growth)',
  params: gbdtParamsSchema,
  create: (params) => new GbdtLearner(params),
}

/** A GBDT learner from loose hyperparameters (validated; unknown keys are `INVALID_PARAMS`). */
export const createGbdt = (params: GbdtParamsInput = {}): GbdtLearner =>
  new GbdtLearner(parseParams('gbdt', gbdtParamsSchema, params))

/** Load a fitted GBDT from its JSON (register as the `gbdt` model kind). */
export const loadGbdtModel = (json: unknown): GbdtModel => new GbdtModel(stateFromJSON(json))

/**
 * {@link loadGbdtModel} giving the thread back to the event loop every few thousand tree nodes (a
 * server loading a large model keeps answering); the same model, value for value.
 */
export const loadGbdtModelAsync = async (
  json: unknown,
  options?: AsyncLoadOptions,
): Promise<GbdtModel> => new GbdtModel(await stateFromJSONAsync(json, options))
