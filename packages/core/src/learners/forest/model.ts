import type { Frame } from '../../frame/index.js'
import { alignFeatures } from '../features.js'
import { Forest } from '../gbdt/predictor.js'
import { rowMajor } from '../gbdt/row-major.js'
import { shapValues } from '../gbdt/shap.js'
import type { Tree } from '../gbdt/tree.js'
import { argmaxRows, rawFromProba } from '../shared/link.js'
import { noProbabilities } from '../shared/no-probabilities.js'
import type { FeatureSpec, FittedModel, ModelJSON, Task } from '../protocol.js'
import { outputTrees } from './forest-tree.js'
import { forestImportance, type ForestImportanceType } from './importance.js'
import { forestToJSON } from './model-json.js'
import { forestOutputs, type ForestState, type OutOfBagScore } from './model-state.js'

/** Rows per chunk when converting a frame for prediction (bounds the scratch memory). */
const CHUNK = 8192

/**
 * A fitted random forest or extra-trees ensemble. Immutable.
 *
 * Predictions average the trees: class probabilities for classification (scikit-learn's soft
 * vote), values for regression. The raw score of a classifier is derived from the averaged
 * probabilities (the clipped logit of the positive class for binary, clipped log probabilities
 * for multiclass), as for every probability-native model in Keel. Trees are walked by the GBDT's
 * flattened predictor on raw values, so missing values (NaN, code −1) take each split's learned
 * direction and unseen categories go the way missing values go.
 */
export class ForestModel implements FittedModel {
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
  readonly state: ForestState
  readonly #forest: Forest
  readonly #trees: readonly Tree[]
  readonly #outputs: Int32Array
  readonly #oobPredictions: Float64Array | undefined

  /** @param oobPredictions - out-of-bag predictions of the fit (not serialized). */
  constructor(state: ForestState, oobPredictions?: Float64Array) {
    this.state = state
    this.kind = state.kind
    this.task = state.task
    this.features = state.features
    this.classes = state.classes
    const m = forestOutputs(state)
    this.#trees = state.trees.flatMap((t) => outputTrees(t, m))
    this.#outputs = Int32Array.from(this.#trees, (_, i) => i % m)
    this.#forest = new Forest(
      this.#trees,
      this.#outputs,
      new Float64Array(m),
      state.features.map((f) => (f.kind === 'categorical' ? f.categories.length : 0)),
    )
    this.#oobPredictions = oobPredictions
  }

  /** Number of trees. */
  get numTrees(): number {
    return this.state.trees.length
  }

  /** The out-of-bag score of the fit (`oobScore: true`), kept in the model's JSON. */
  get oobScore(): OutOfBagScore | undefined {
    return this.state.oob
  }

  /**
   * Out-of-bag predictions of the fit, one per training row: class probabilities (n × K) or
   * values, NaN for a row that every tree drew. Only on the model `fit` returned: they are as
   * large as the training set, so the JSON does not keep them.
   */
  get oobPredictions(): Float64Array | undefined {
    return this.#oobPredictions
  }

  /** The trees' averaged outputs: n × K probabilities (multiclass), P(positive) or values. */
  #average(X: Frame): Float64Array {
    const cols = alignFeatures(X, this.features)
    const n = X.numRows
    const m = this.#forest.numOutputs
    const out = new Float64Array(n * m)
    const buf = new Float64Array(Math.min(n, CHUNK) * this.features.length)
    for (let s = 0; s < n; s += CHUNK) {
      const e = Math.min(n, s + CHUNK)
      rowMajor(cols, s, e, buf)
      this.#forest.rawRowsInto(buf, e - s, out.subarray(s * m, e * m))
    }
    const T = this.numTrees
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / T
    return out
  }

  /** Class probabilities, n × K (K = 2 for binary). Regression models have none. */
  predictProba(X: Frame): Float64Array {
    if (this.task === 'regression') throw noProbabilities()
    const avg = this.#average(X)
    if (this.task !== 'binary') return avg
    const out = new Float64Array(2 * avg.length)
    for (let i = 0; i < avg.length; i++) {
      out[2 * i] = 1 - avg[i]!
      out[2 * i + 1] = avg[i]!
    }
    return out
  }

  /** Regression values, or the logit / log probabilities of the averaged class probabilities. */
  predictRaw(X: Frame): Float64Array {
    if (this.task === 'regression') return this.#average(X)
    return rawFromProba(this.predictProba(X), this.task)
  }

  /** The most probable class per row (the first on ties), or the regression value. */
  predict(X: Frame): Float64Array {
    if (this.task === 'regression') return this.#average(X)
    return argmaxRows(this.predictProba(X), this.classes!.length)
  }

  /**
   * Exact TreeSHAP (path-dependent, the GBDT's implementation) of the averaged output — the
   * positive class's probability for binary, each class's probability for multiclass, the value
   * for regression — layout n × outputs × (F + 1), bias last; each block sums to that output.
   * Classifier blocks sum to probabilities, not to the raw logit, so this is not the GBDT's
   * `contributions` (whose blocks sum to raw scores).
   */
  outputContributions(X: Frame): Float64Array {
    const cols = alignFeatures(X, this.features)
    const m = this.#forest.numOutputs
    const phi = shapValues(
      {
        features: this.features,
        base: new Float64Array(m),
        trees: this.#trees,
        outputs: this.#outputs,
      },
      rowMajor(cols, 0, X.numRows),
      X.numRows,
    )
    const T = this.numTrees
    for (let i = 0; i < phi.length; i++) phi[i] = phi[i]! / T
    return phi
  }

  /** Per-feature importance by name: mean decrease in impurity (default) or split counts. */
  featureImportance(type: ForestImportanceType = 'impurity'): Record<string, number> {
    return forestImportance(this.state, type)
  }

  /** Versioned JSON (format 'keel-model', kind `random-forest` or `extra-trees`). */
  toJSON(): ModelJSON {
    return forestToJSON(this.state)
  }
}
