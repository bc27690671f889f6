import { KeelError } from '../../errors/index.js'
import { checkTrainingSet } from '../shared/training-set.js'
import { cvAccuracy, cvR2 } from '../../model-selection/scorers.js'
import { alignFeatures, pinFeatures } from '../features.js'
import { binColumns, fitBinMapper } from '../gbdt/binning.js'
import { histogramContext, HIST_STRIDE } from '../gbdt/histogram.js'
import { classMultipliers } from '../gbdt/prepare.js'
import type { FitOptions, LearnerCapabilities, TrainingSet } from '../protocol.js'
import { addOutOfBag, buildForestTree } from './build-tree.js'
import type { ForestTree } from './forest-tree.js'
import { forestGrowContext, growForestTree } from './grower.js'
import type { ForestState, OutOfBagScore } from './model-state.js'
import { featuresPerSplit, type ForestParams, type Splitter } from './params.js'
import { perTreeSample } from './sample.js'

/** Rows used to place numeric bin edges (a seeded sample above this), as in the GBDT. */
const BIN_SAMPLE = 200_000

/** Capabilities shared by both forest learners. */
export const FOREST_CAPABILITIES: LearnerCapabilities = {
  tasks: ['binary', 'multiclass', 'regression'],
  categorical: true,
  missing: true,
  weights: true,
  incremental: false,
}

/** Smallest and largest finite value of each numeric column (NaN/±Infinity skipped). */
const valueRanges = (columns: readonly (Float64Array | Int32Array)[], categorical: Uint8Array) => {
  const F = columns.length
  const lowest = new Float64Array(F)
  const highest = new Float64Array(F)
  for (let f = 0; f < F; f++) {
    if (categorical[f] === 1) continue
    let lo = Infinity
    let hi = -Infinity
    const col = columns[f]!
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!
      if (v < lo && v > -Infinity) lo = v
      if (v > hi && v < Infinity) hi = v
    }
    lowest[f] = lo
    highest[f] = hi
  }
  return { lowest, highest }
}

/** Out-of-bag predictions (each row averaged over the trees that left it out) and their score. */
const outOfBagScore = (
  data: TrainingSet,
  sum: Float64Array,
  seen: Int32Array,
  m: number,
  numClasses: number,
): { score: OutOfBagScore | undefined; predictions: Float64Array } => {
  const n = data.y.length
  const width = numClasses > 0 ? numClasses : 1
  const predictions = new Float64Array(n * width).fill(NaN)
  const kept: number[] = []
  for (let r = 0; r < n; r++) {
    if (seen[r] === 0) continue
    kept.push(r)
    const c = seen[r]!
    if (numClasses === 2) {
      const p = sum[r]! / c
      predictions[2 * r] = 1 - p
      predictions[2 * r + 1] = p
    } else for (let k = 0; k < width; k++) predictions[r * width + k] = sum[r * m + k]! / c
  }
  if (kept.length === 0) return { score: undefined, predictions }
  const y = Float64Array.from(kept, (r) => data.y[r]!)
  const p = new Float64Array(kept.length * width)
  kept.forEach((r, t) => p.set(predictions.subarray(r * width, (r + 1) * width), t * width))
  // Unweighted, as scikit-learn's oob_score_ (accuracy for classifiers, R² for regressors).
  const score =
    numClasses > 0
      ? { scoring: 'accuracy', score: cvAccuracy(y, p, data.task), rows: kept.length }
      : { scoring: 'r2', score: cvR2(y, p, data.task), rows: kept.length }
  return { score, predictions }
}

/**
 * Fit a forest: check the data, pin features, bin them once (the GBDT's quantile bins), then grow
 * `nTrees` trees, tree t on its own sample and generator `rng.fork('tree-t')`, so a tree does not
 * depend on how many others there are. Returns the model state and the out-of-bag predictions
 * (n × classes, NaN for rows no tree left out) when `oobScore` is on.
 */
export const fitForest = (
  kind: string,
  splitter: Splitter,
  params: ForestParams,
  data: TrainingSet,
  options: FitOptions,
): { state: ForestState; oobPredictions: Float64Array | undefined } => {
  const c = checkTrainingSet(data, { learner: kind, capabilities: FOREST_CAPABILITIES })
  const task = data.task
  const regression = task === 'regression'
  const n = c.n
  const specs = pinFeatures(data.X)
  const columns = alignFeatures(data.X, specs)
  const F = specs.length
  const mf = params.maxFeatures
  if (typeof mf === 'number' && mf >= 1 && mf > F) {
    throw new KeelError('INVALID_PARAMS', `maxFeatures ${mf} exceeds the ${F} features`, {
      path: ['maxFeatures'],
    })
  }
  if (regression && params.classWeight) {
    throw new KeelError('INVALID_PARAMS', 'classWeight applies to classification', {
      path: ['classWeight'],
    })
  }
  const K = regression ? 0 : c.numClasses
  const fixedClassWeight =
    params.classWeight && params.classWeight !== 'balancedSubsample'
      ? classMultipliers({ classWeight: params.classWeight }, data)
      : undefined
  const base = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    base[i] = c.weight[i]! * (fixedClassWeight ? fixedClassWeight[data.y[i]!]! : 1)
  }
  const mapper = fitBinMapper(columns, specs, params.maxBins, BIN_SAMPLE, options.rng.fork('bins'))
  const binned = binColumns(mapper, columns)
  // Histogram outputs: K − 1 class indicators (class 0 is the rest), or the centred label.
  const mh = regression ? 1 : K - 1
  const numOutputs = task === 'multiclass' ? K : 1
  let mean = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    mean += base[i]! * data.y[i]!
    total += base[i]!
  }
  mean = total > 0 ? mean / total : 0
  const { lowest, highest } = valueRanges(columns, mapper.categorical)
  const hist = histogramContext(binned, n, mapper.offsets, mapper.totalBins)
  const growParams = {
    maxDepth: params.maxDepth,
    maxLeaves: params.maxLeaves,
    minSamplesLeaf: params.minSamplesLeaf,
    minSamplesSplit: params.minSamplesSplit,
    mtry: featuresPerSplit(mf, F, regression),
    minGain: 0,
  }
  const ctx0 = forestGrowContext(
    hist,
    {
      mapper,
      hists: Array.from({ length: mh }, () => new Float64Array(mapper.totalBins * HIST_STRIDE)),
      classification: !regression,
      splitter,
      minSamplesLeaf: params.minSamplesLeaf,
      lowest,
      highest,
    },
    growParams,
    mh,
  )
  const gh = Array.from({ length: mh }, () => new Float32Array(2 * n))
  const weight = new Float64Array(n)
  const rows = new Int32Array(n)
  const oobSum = params.oobScore ? new Float64Array(n * numOutputs) : undefined
  const oobSeen = params.oobScore ? new Int32Array(n) : undefined
  const trees: ForestTree[] = []
  for (let t = 0; t < params.nTrees; t++) {
    if (options.signal?.aborted) throw new KeelError('CANCELLED', `${kind} training was cancelled`)
    const rng = options.rng.fork(`tree-${t}`)
    const counts = perTreeSample(params, data, base, K, rng, weight)
    let nRows = 0
    let treeW = 0
    for (let i = 0; i < n; i++) {
      const w = weight[i]!
      if (w > 0) {
        rows[nRows++] = i
        treeW += w
      }
      for (let j = 0; j < mh; j++) {
        const v = regression ? data.y[i]! - mean : data.y[i] === j + 1 ? 1 : 0
        gh[j]![2 * i] = w * v
        gh[j]![2 * i + 1] = w
      }
    }
    const minGain = params.minImpurityDecrease * treeW
    const ctx =
      minGain === growParams.minGain ? ctx0 : { ...ctx0, params: { ...growParams, minGain } }
    const grown = growForestTree(ctx, gh, rows, nRows, rng)
    const tree = buildForestTree(
      grown,
      rows,
      { y: data.y, weight, numClasses: K, numOutputs },
      mapper,
    )
    if (oobSum && oobSeen)
      addOutOfBag(grown, tree, counts, binned, n, mapper.numBins, oobSum, oobSeen, numOutputs)
    trees.push(tree)
    options.onProgress?.({ done: t + 1, total: params.nTrees, message: `tree ${t + 1}` })
  }
  const oob = oobSum && oobSeen ? outOfBagScore(data, oobSum, oobSeen, numOutputs, K) : undefined
  return {
    state: {
      kind,
      task,
      features: specs,
      classes: c.classes,
      params,
      trees,
      ...(oob?.score ? { oob: oob.score } : {}),
    },
    oobPredictions: oob?.predictions,
  }
}
