import { runLearnerConformance } from '../conformance/conformance.js'
import { syntheticData } from '../conformance/datasets.js'
import { runDefinitionConformance } from '../conformance/definition-conformance.js'
import { registerModelKind } from '../registry.js'
import {
  extraTrees,
  extraTreesDefinition,
  loadExtraTreesModel,
  loadRandomForestModel,
  randomForest,
  randomForestDefinition,
  EXTRA_TREES_MODEL_KIND,
  RANDOM_FOREST_MODEL_KIND,
} from './index.js'

registerModelKind(RANDOM_FOREST_MODEL_KIND, loadRandomForestModel)
registerModelKind(EXTRA_TREES_MODEL_KIND, loadExtraTreesModel)

const bootstrap = 'bootstrap samples are drawn by row; a duplicated row shifts every later draw'

runLearnerConformance({
  name: 'random-forest (binary, categorical, weighted, OOB)',
  make: () => randomForest({ nTrees: 12, oobScore: true }),
  data: () => syntheticData.binary({ categorical: true, weighted: true }),
  skip: { weights: bootstrap },
})
runLearnerConformance({
  name: 'random-forest (multiclass, no bootstrap)',
  make: () => randomForest({ nTrees: 6, bootstrap: false, maxFeatures: 2 }),
  data: () => syntheticData.multiclass({ categorical: true }),
})
runLearnerConformance({
  name: 'random-forest (regression, best-first, maxDepth)',
  make: () =>
    randomForest({ nTrees: 8, bootstrap: false, maxLeaves: 10, maxDepth: 4, maxFeatures: 0.7 }),
  data: () => syntheticData.regression({ weighted: true }),
})
runLearnerConformance({
  name: 'random-forest (regression, bootstrap, balanced leaves)',
  make: () => randomForest({ nTrees: 8, minSamplesLeaf: 3, maxSamples: 0.7, oobScore: true }),
  data: () => syntheticData.regression({ categorical: true }),
  skip: { weights: bootstrap },
})
runLearnerConformance({
  name: 'extra-trees (binary, balanced classes)',
  make: () => extraTrees({ nTrees: 10, classWeight: 'balanced' }),
  data: () => syntheticData.binary({ categorical: true }),
})
runLearnerConformance({
  name: 'extra-trees (multiclass, weighted)',
  make: () => extraTrees({ nTrees: 10, maxFeatures: 'all' }),
  data: () => syntheticData.multiclass({ weighted: true }),
})
runLearnerConformance({
  name: 'extra-trees (regression, bootstrap, OOB)',
  make: () => extraTrees({ nTrees: 10, bootstrap: true, oobScore: true }),
  data: () => syntheticData.regression({ categorical: true }),
  skip: { weights: bootstrap },
})

for (const definition of [randomForestDefinition, extraTreesDefinition]) {
  runDefinitionConformance({
    definition,
    invalidParams: [
      { nTrees: 0 },
      { maxFeatures: 1.5 },
      { maxFeatures: 0 },
      { maxFeatures: 'half' },
      { maxSamples: 0 },
      { maxLeaves: 1 },
      { minSamplesSplit: 1 },
      { bootstrap: false, oobScore: true },
      { classWeight: 'weighted' },
      { maxBins: 256 },
    ],
  })
}
