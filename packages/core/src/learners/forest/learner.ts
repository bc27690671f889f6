import type { FitOptions, Learner, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { FOREST_CAPABILITIES, fitForest } from './fit.js'
import { EXTRA_TREES_MODEL_KIND, RANDOM_FOREST_MODEL_KIND } from './model-json.js'
import { ForestModel } from './model.js'
import type { ForestParams, Splitter } from './params.js'

/**
 * A forest of histogram trees (one class for both learners; the splitter tells them apart).
 *
 * - `random-forest` (Breiman 2001): each tree on a bootstrap sample; each split the best
 *   boundary among `maxFeatures` randomly drawn features.
 * - `extra-trees` (Geurts, Ernst & Wehenkel 2006): by default every row in every tree; each split
 *   the best of one random threshold per drawn feature.
 *
 * Trees are grown on the GBDT's quantile bins (≤ 255 per feature, plus a missing bin), so a
 * numeric split can only fall on a bin edge: with more than `maxBins` distinct values this is
 * coarser than scikit-learn's exact trees, and much faster. Missing values and categorical
 * features are native, as in the GBDT: missing values learn a direction per split; random forests
 * split categories by ordering them by mean target, extra trees by a random subset.
 *
 * @example
 * const model = createLearner('random-forest', { nTrees: 200, oobScore: true })
 *   .fit({ X, y, task: 'binary', classes: ['on time', 'late'] }, { rng: createRng(1) })
 * model.predictProba(Xtest)
 */
export class ForestLearner implements Learner<ForestModel, ForestParams> {
  readonly kind: string
  readonly params: Readonly<ForestParams>
  readonly capabilities: LearnerCapabilities = FOREST_CAPABILITIES
  readonly #splitter: Splitter

  constructor(splitter: Splitter, params: ForestParams) {
    this.#splitter = splitter
    this.kind = splitter === 'best' ? RANDOM_FOREST_MODEL_KIND : EXTRA_TREES_MODEL_KIND
    this.params = Object.freeze({ ...params })
  }

  fit(data: TrainingSet, options: FitOptions): ForestModel {
    const { state, oobPredictions } = fitForest(
      this.kind,
      this.#splitter,
      this.params,
      data,
      options,
    )
    return new ForestModel(state, oobPredictions)
  }
}
