import {
  KeelError,
  LINEAR_MODEL_KIND,
  numericFeatureColumns,
  SGD_LINEAR_MODEL_KIND,
  type FittedModel,
  type Frame,
  type ModelBundle,
} from '@keel/core'

/**
 * A fitted model that can attribute its raw output to its features (SHAP values for trees;
 * linear models are explained here, from their coefficients). Layout, as XGBoost's `pred_contribs`: row-major
 * n × (F + 1) for one output, n × K × (F + 1) for K outputs, the last entry of each block being the
 * bias; each block sums to the raw output (logit or value).
 */
export interface ExplainableModel {
  contributions(X: Frame): Float64Array
}

/** Per-feature contributions to one output, in the model's raw space. */
export interface OutputContributions {
  readonly features: Readonly<Record<string, number>>
  readonly bias: number
}

/** One row's explanation: one block, or one per class for multiclass models. */
export type RowContributions =
  OutputContributions | { readonly classes: Readonly<Record<string, OutputContributions>> }

/** What both linear model kinds (`linear`, `sgd-linear`) expose: `coef[k][j]`, `intercept[k]`. */
interface LinearCoefficients {
  readonly coef: readonly Float64Array[]
  readonly intercept: Float64Array
}

const linearCoefficients = (model: FittedModel): LinearCoefficients | null =>
  (model.kind === LINEAR_MODEL_KIND || model.kind === SGD_LINEAR_MODEL_KIND) &&
  'coef' in model &&
  'intercept' in model
    ? (model as unknown as LinearCoefficients)
    : null

/**
 * Exact contributions of a linear model in the {@link ExplainableModel} layout: feature j adds
 * `coef[k][j] · x[j]` to output k and the bias is `intercept[k]` (the score at x = 0, not at the
 * training mean), so each block adds up to the raw score (value, log-odds of the positive class,
 * or a class's logit before the softmax) up to rounding. `x` is the model's input, after the
 * bundle's pipeline (scaled or one-hot columns, as the coefficients are).
 */
const linearContributions = (
  model: FittedModel,
  { coef, intercept }: LinearCoefficients,
  X: Frame,
): Float64Array => {
  const cols = numericFeatureColumns(X, model.features, 'explain')
  const K = coef.length
  const F = cols.length
  const n = X.numRows
  const out = new Float64Array(n * K * (F + 1))
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const at = (i * K + k) * (F + 1)
      const w = coef[k]!
      for (let j = 0; j < F; j++) out[at + j] = w[j]! * cols[j]![i]!
      out[at + F] = intercept[k]!
    }
  }
  return out
}

/** True when the bundle's model can explain its predictions. */
export const canExplain = (bundle: ModelBundle): boolean =>
  typeof (bundle.model as Partial<ExplainableModel>).contributions === 'function' ||
  linearCoefficients(bundle.model) !== null

/**
 * Contributions for every row of `frame` (raw inputs; the bundle's pipeline is applied first),
 * or `INVALID_ARGUMENT` when the model kind cannot explain.
 */
export const explainRows = (bundle: ModelBundle, frame: Frame): RowContributions[] => {
  if (!canExplain(bundle)) {
    throw new KeelError('INVALID_ARGUMENT', 'explain not supported by this model kind', {
      details: { kind: bundle.model.kind },
    })
  }
  const features = bundle.model.features.map((f) => f.name)
  const F = features.length
  const n = frame.numRows
  const X = bundle.features(frame)
  const linear = linearCoefficients(bundle.model)
  const c = linear
    ? linearContributions(bundle.model, linear, X)
    : (bundle.model as unknown as ExplainableModel).contributions(X)
  const outputs = c.length / (n * (F + 1))
  if (!Number.isInteger(outputs) || outputs < 1) {
    throw new KeelError(
      'INTERNAL',
      `contributions have ${c.length} values for ${n} rows × ${F + 1}`,
    )
  }
  const block = (at: number): OutputContributions => {
    const out: Record<string, number> = {}
    for (let f = 0; f < F; f++) out[features[f]!] = c[at + f]!
    return { features: out, bias: c[at + F]! }
  }
  const classes = bundle.label.classes ?? []
  return Array.from({ length: n }, (_, i) => {
    if (outputs === 1) return block(i * (F + 1))
    const byClass: Record<string, OutputContributions> = {}
    for (let k = 0; k < outputs; k++)
      byClass[classes[k] ?? String(k)] = block((i * outputs + k) * (F + 1))
    return { classes: byClass }
  })
}
