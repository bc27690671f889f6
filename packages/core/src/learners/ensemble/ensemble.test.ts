import { describe, expect, it } from 'vitest'
import { createRng } from '../../random/index.js'
import { isKeelError } from '../../errors/index.js'
import { createLearner, loadModel, registerLearner, registerModelKind } from '../registry.js'
import { runLearnerConformance } from '../conformance/conformance.js'
import { syntheticData } from '../conformance/datasets.js'
import { LINEAR_MODEL_KIND, loadLinearModel } from '../linear/linear-model.js'
import { logisticRegression, logisticRegressionDefinition } from '../linear/logistic-regression.js'
import { ridgeDefinition, ridgeRegression } from '../linear/linear-regression.js'
import { KNN_MODEL_KIND, kNearestNeighbors, knnDefinition, loadKnnModel } from '../neighbors/knn.js'
import {
  NAIVE_BAYES_MODEL_KIND,
  loadNaiveBayesModel,
  naiveBayes,
} from '../naive-bayes/naive-bayes.js'
import { ZERO_RULE_MODEL_KIND, loadZeroRuleModel, zeroRule } from '../baseline/zero-rule.js'
import {
  BAGGING_MODEL_KIND,
  baggingEnsemble,
  baggingDefinition,
  loadBaggingModel,
} from './bagging.js'
import { VOTING_MODEL_KIND, loadVotingModel, votingEnsemble } from './voting.js'
import {
  STACKING_MODEL_KIND,
  loadStackingModel,
  stackingEnsemble,
  stackingDefinition,
} from './stacking.js'

registerModelKind(LINEAR_MODEL_KIND, loadLinearModel)
registerModelKind(KNN_MODEL_KIND, loadKnnModel)
registerModelKind(NAIVE_BAYES_MODEL_KIND, loadNaiveBayesModel)
registerModelKind(ZERO_RULE_MODEL_KIND, loadZeroRuleModel)
registerModelKind(BAGGING_MODEL_KIND, loadBaggingModel)
registerModelKind(VOTING_MODEL_KIND, loadVotingModel)
registerModelKind(STACKING_MODEL_KIND, loadStackingModel)
registerLearner(logisticRegressionDefinition)
registerLearner(ridgeDefinition)
registerLearner(knnDefinition)
registerLearner(baggingDefinition)
registerLearner(stackingDefinition)

const bootstrap = 'bootstrap samples are drawn by row; a duplicated row shifts every later draw'
const subLearnerWeights = 'the out-of-fold splits see one more row when it is duplicated'

runLearnerConformance({
  name: 'bagging of logistic regression (binary, OOB)',
  make: () => baggingEnsemble({ base: logisticRegression(), nEstimators: 4, oobScore: true }),
  data: () => syntheticData.binary({ weighted: true }),
  skip: { weights: bootstrap },
  optionalModelKeys: ['oob'],
})
runLearnerConformance({
  name: 'bagging of knn (regression, spec by kind)',
  make: () =>
    baggingEnsemble({ base: { kind: 'knn', params: { k: 3 } }, nEstimators: 3, maxSamples: 0.8 }),
  data: () => syntheticData.regression(),
  skip: { weights: bootstrap },
})
runLearnerConformance({
  name: 'voting soft (multiclass: logistic + naive Bayes + knn)',
  make: () =>
    votingEnsemble({
      members: [logisticRegression(), naiveBayes(), kNearestNeighbors({ k: 7 })],
      weights: [2, 1, 1],
    }),
  data: () => syntheticData.multiclass(),
  skip: { weights: 'knn members: a duplicated row takes a neighbour slot' },
})
runLearnerConformance({
  name: 'voting hard (binary: logistic + naive Bayes + zero-rule)',
  make: () =>
    votingEnsemble({ members: [logisticRegression(), naiveBayes(), zeroRule()], voting: 'hard' }),
  data: () => syntheticData.binary({ weighted: true }),
  // Members are L-BFGS / sums of weights; hard votes only flip if a score sits within 1e-9 of 0.5.
  weightTolerance: 1e-7,
})
runLearnerConformance({
  name: 'stacking (binary: knn + naive Bayes → logistic)',
  make: () => stackingEnsemble({ members: [kNearestNeighbors({ k: 5 }), naiveBayes()], folds: 3 }),
  data: () => syntheticData.binary(),
  skip: { weights: subLearnerWeights },
})
runLearnerConformance({
  name: 'stacking (regression, passthrough, specs by kind)',
  make: () =>
    stackingEnsemble({
      members: [{ kind: 'knn', params: { k: 4 } }, { kind: 'ridge' }],
      final: { kind: 'ridge', params: { alpha: 0.1 } },
      passthrough: true,
      folds: 3,
    }),
  data: () => syntheticData.regression(),
  skip: { weights: subLearnerWeights },
})

describe('ensembles', () => {
  const rng = createRng(11)

  it('bagging reports an out-of-bag score close to a held-out score', () => {
    const train = syntheticData.binary({ n: 200, seed: 21 })
    const test = syntheticData.binary({ n: 400, seed: 22 })
    const m = baggingEnsemble({
      base: kNearestNeighbors({ k: 5 }),
      nEstimators: 15,
      oobScore: true,
    }).fit(train, { rng })
    const oob = m.extra.oob as { score: number; rows: number; scoring: string }
    expect(oob.scoring).toBe('accuracy')
    // A row is in every one of 15 bootstrap samples with probability 0.632^15 ≈ 0.1%.
    expect(oob.rows).toBeGreaterThan(190)
    const pred = m.predict(test.X)
    const acc = pred.reduce((s, p, i) => s + (p === test.y[i] ? 1 : 0), 0) / pred.length
    // Both estimate generalization accuracy from a few hundred rows (standard error ≈ 0.03).
    expect(Math.abs(oob.score - acc)).toBeLessThan(0.1)
  })

  it('hard voting reports vote shares as probabilities', () => {
    const data = syntheticData.binary()
    const m = votingEnsemble({
      members: [logisticRegression(), naiveBayes(), zeroRule()],
      voting: 'hard',
    }).fit(data, { rng })
    const p = m.predictProba(data.X)
    for (const v of p) expect([0, 1 / 3, 2 / 3, 1].some((s) => Math.abs(s - v) < 1e-15)).toBe(true)
  })

  it('stacking learns to trust the better member', () => {
    const data = syntheticData.regression({ n: 150 })
    const m = stackingEnsemble({
      members: [ridgeRegression({ alpha: 0.01 }), zeroRule()],
      folds: 4,
    }).fit(data, { rng })
    const final = m.final.toJSON() as unknown as { coef: number[][] }
    expect(final.coef[0]![0]).toBeGreaterThan(0.9)
    expect(Math.abs(final.coef[0]![1]!)).toBeLessThan(0.2)
  })

  it('builds from the registry with nested specs and validates member hyperparameters', () => {
    const learner = createLearner('bagging', {
      base: { kind: 'logistic-regression', params: { C: 2 } },
      nEstimators: 2,
    })
    expect(learner.params).toMatchObject({
      base: { kind: 'logistic-regression', params: { C: 2 } },
    })
    try {
      createLearner('bagging', { base: { kind: 'logistic-regression', params: { C: -2 } } })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_PARAMS')
    }
    try {
      createLearner('bagging', { base: { kind: 'no-such-learner' } })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_CONFIG')
    }
  })

  it('a member of an unknown kind makes the ensemble JSON unloadable, with its path', () => {
    const json = baggingEnsemble({ base: logisticRegression(), nEstimators: 2 })
      .fit(syntheticData.binary(), { rng })
      .toJSON()
    const members = json.members as Record<string, unknown>[]
    const broken = { ...json, members: [members[0], { ...members[1], kind: 'nope' }] }
    try {
      loadModel(broken)
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('UNSUPPORTED_FORMAT')
      expect(isKeelError(e) && e.path.slice(0, 2)).toEqual(['members', 1])
    }
  })

  it('refuses a task a member cannot do', () => {
    expect(() =>
      votingEnsemble({ members: [naiveBayes(), ridgeRegression()] }).fit(
        syntheticData.regression(),
        {
          rng,
        },
      ),
    ).toThrow(/does not support regression/)
  })
})
