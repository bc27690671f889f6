export {
  ZeroRule,
  ZeroRuleModel,
  zeroRule,
  zeroRuleDefinition,
  zeroRuleParams,
  loadZeroRuleModel,
  ZERO_RULE_MODEL_KIND,
  type ZeroRuleParams,
} from './zero-rule.js'
export {
  RandomBaseline,
  RandomBaselineModel,
  randomBaseline,
  randomBaselineDefinition,
  randomBaselineParams,
  loadRandomBaselineModel,
  RANDOM_BASELINE_MODEL_KIND,
  type RandomBaselineParams,
} from './random-baseline.js'
export {
  HeuristicLearner,
  HeuristicModel,
  heuristicLearner,
  heuristicDefinition,
  heuristicParams,
  loadHeuristicModel,
  registerHeuristic,
  heuristicNames,
  HEURISTIC_MODEL_KIND,
  type Heuristic,
  type HeuristicParams,
} from './heuristic.js'
