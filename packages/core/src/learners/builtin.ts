import {
  heuristicDefinition,
  loadHeuristicModel,
  loadRandomBaselineModel,
  loadZeroRuleModel,
  randomBaselineDefinition,
  zeroRuleDefinition,
  HEURISTIC_MODEL_KIND,
  RANDOM_BASELINE_MODEL_KIND,
  ZERO_RULE_MODEL_KIND,
} from './baseline/index.js'
import { gbdtDefinition, loadGbdtModel, loadGbdtModelAsync } from './gbdt/index.js'
import {
  extraTreesDefinition,
  loadExtraTreesModel,
  loadExtraTreesModelAsync,
  loadRandomForestModel,
  loadRandomForestModelAsync,
  randomForestDefinition,
  EXTRA_TREES_MODEL_KIND,
  RANDOM_FOREST_MODEL_KIND,
} from './forest/index.js'
import {
  elasticNetDefinition,
  lassoDefinition,
  linearRegressionDefinition,
  loadLinearModel,
  loadSgdLinearModel,
  logisticRegressionDefinition,
  ridgeDefinition,
  sgdLinearDefinition,
  LINEAR_MODEL_KIND,
  SGD_LINEAR_MODEL_KIND,
} from './linear/index.js'
import {
  baggingDefinition,
  loadBaggingModel,
  loadStackingModel,
  loadVotingModel,
  stackingDefinition,
  votingDefinition,
  BAGGING_MODEL_KIND,
  STACKING_MODEL_KIND,
  VOTING_MODEL_KIND,
} from './ensemble/index.js'
import { knnDefinition, loadKnnModel, KNN_MODEL_KIND } from './neighbors/index.js'
import {
  loadNaiveBayesModel,
  naiveBayesDefinition,
  NAIVE_BAYES_MODEL_KIND,
} from './naive-bayes/index.js'
import {
  registerLearner,
  registerModelKind,
  type AsyncModelLoader,
  type LearnerDefinition,
} from './registry.js'
import type { FittedModel, ModelJSON } from './protocol.js'

/**
 * Register every learner and fitted-model kind that ships with Keel. Called once by the core entry;
 * explicit (rather than a side effect of importing each module) so bundlers cannot drop it and a
 * reader sees the whole catalogue in one place.
 */
export const registerBuiltinLearners = (): void => {
  const definitions: LearnerDefinition[] = [
    gbdtDefinition,
    randomForestDefinition,
    extraTreesDefinition,
    logisticRegressionDefinition,
    linearRegressionDefinition,
    ridgeDefinition,
    lassoDefinition,
    elasticNetDefinition,
    sgdLinearDefinition,
    zeroRuleDefinition,
    randomBaselineDefinition,
    heuristicDefinition,
    knnDefinition,
    naiveBayesDefinition,
    baggingDefinition,
    votingDefinition,
    stackingDefinition,
  ] as unknown as LearnerDefinition[]
  for (const d of definitions) registerLearner(d)
  const loaders: [string, (json: ModelJSON) => FittedModel][] = [
    ['gbdt', loadGbdtModel],
    [RANDOM_FOREST_MODEL_KIND, loadRandomForestModel],
    [EXTRA_TREES_MODEL_KIND, loadExtraTreesModel],
    [LINEAR_MODEL_KIND, loadLinearModel],
    [SGD_LINEAR_MODEL_KIND, loadSgdLinearModel],
    [ZERO_RULE_MODEL_KIND, loadZeroRuleModel],
    [RANDOM_BASELINE_MODEL_KIND, loadRandomBaselineModel],
    [HEURISTIC_MODEL_KIND, loadHeuristicModel],
    [KNN_MODEL_KIND, loadKnnModel],
    [NAIVE_BAYES_MODEL_KIND, loadNaiveBayesModel],
    [BAGGING_MODEL_KIND, loadBaggingModel],
    [VOTING_MODEL_KIND, loadVotingModel],
    [STACKING_MODEL_KIND, loadStackingModel],
  ]
  // The tree ensembles can be megabytes of trees; they also load giving the thread back.
  const asyncLoaders = new Map<string, AsyncModelLoader>([
    ['gbdt', loadGbdtModelAsync],
    [RANDOM_FOREST_MODEL_KIND, loadRandomForestModelAsync],
    [EXTRA_TREES_MODEL_KIND, loadExtraTreesModelAsync],
  ])
  for (const [kind, load] of loaders) registerModelKind(kind, load, asyncLoaders.get(kind))
}
