import { runDefinitionConformance } from './definition-conformance.js'
import {
  elasticNetDefinition,
  lassoDefinition,
  linearRegressionDefinition,
  logisticRegressionDefinition,
  ridgeDefinition,
  sgdLinearDefinition,
} from '../linear/index.js'
import {
  heuristicDefinition,
  randomBaselineDefinition,
  registerHeuristic,
  zeroRuleDefinition,
} from '../baseline/index.js'
import { knnDefinition } from '../neighbors/index.js'
import { naiveBayesDefinition } from '../naive-bayes/index.js'
import { baggingDefinition, stackingDefinition, votingDefinition } from '../ensemble/index.js'
import { registerLearner } from '../registry.js'

registerLearner(logisticRegressionDefinition)
registerHeuristic('always-yes', () => true)

runDefinitionConformance({
  definition: logisticRegressionDefinition,
  invalidParams: [
    { C: 0 },
    { penalty: 'elasticnet' },
    { l1Ratio: 1.5 },
    { tol: -1 },
    { classWeight: { a: -1 } },
  ],
})
runDefinitionConformance({
  definition: linearRegressionDefinition,
  invalidParams: [{ maxIter: 0 }],
})
runDefinitionConformance({ definition: ridgeDefinition, invalidParams: [{ alpha: -1 }] })
runDefinitionConformance({ definition: lassoDefinition, invalidParams: [{ alpha: Infinity }] })
runDefinitionConformance({ definition: elasticNetDefinition, invalidParams: [{ l1Ratio: -0.1 }] })
runDefinitionConformance({
  definition: sgdLinearDefinition,
  invalidParams: [{ optimizer: 'rmsprop' }, { batchSize: 0 }, { learningRate: 0 }],
})
runDefinitionConformance({
  definition: zeroRuleDefinition,
  invalidParams: [{ regression: 'mode' }],
})
runDefinitionConformance({
  definition: randomBaselineDefinition,
  invalidParams: [{ strategy: 'x' }],
})
runDefinitionConformance({
  definition: heuristicDefinition,
  minimalParams: { name: 'always-yes' },
  invalidParams: [{ name: '' }, { name: 'has space' }],
})
runDefinitionConformance({
  definition: knnDefinition,
  invalidParams: [{ k: 0 }, { weights: 'gaussian' }],
})
runDefinitionConformance({
  definition: naiveBayesDefinition,
  invalidParams: [{ varSmoothing: 0 }, { alpha: -1 }],
})
const member = { kind: 'logistic-regression' }
runDefinitionConformance({
  definition: baggingDefinition,
  minimalParams: { base: member },
  invalidParams: [{ nEstimators: 0 }, { maxSamples: 0 }, { base: { kind: 'x', extra: 1 } }],
})
runDefinitionConformance({
  definition: votingDefinition,
  minimalParams: { members: [member] },
  invalidParams: [{ members: [] }, { voting: 'majority' }],
})
runDefinitionConformance({
  definition: stackingDefinition,
  minimalParams: { members: [member] },
  invalidParams: [{ folds: 1 }],
})
