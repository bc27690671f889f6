import { KeelError } from '../errors/index.js'
import { cellAt, type Cell, type Frame } from '../frame/index.js'
import { hasContributions, type ContributionModel } from './model-importance.js'

/** One feature's part in one prediction. */
export interface FeatureContribution {
  readonly feature: string
  /** The feature's value in this row (as the model saw it), for "LSTAT = 4 pushed it up". */
  readonly value: Cell
  /** Additive contribution to the raw output (log-odds for classifiers). */
  readonly contribution: number
}

/** Why one row got its prediction. */
export interface PredictionExplanation {
  /** Which raw output is explained: 0 for binary and regression, the class index for multiclass. */
  readonly output: number
  /** The expected raw output over the training data (the SHAP base value). */
  readonly bias: number
  /** The row's raw output: `bias + Σ contribution`. */
  readonly raw: number
  /** By decreasing |contribution| (ties in feature order). */
  readonly contributions: readonly FeatureContribution[]
}

/** Options of {@link explainPredictions}. */
export interface ExplainOptions {
  /**
   * Multiclass: which output to explain — a class index, or `'predicted'` (default) for each row's
   * arg-max class.
   */
  readonly output?: number | 'predicted'
  /** Keep only the `top` largest |contributions| per row. Default: every feature. */
  readonly top?: number
}

/**
 * Per-prediction explanations for the serving path: each row's raw output split into additive
 * per-feature contributions (exact TreeSHAP for the GBDT), sorted by magnitude. `X` holds the
 * model's input features — for a bundle, pass `bundle.features(raw)` so contributions are in terms
 * of the features the model actually read.
 *
 * @example
 * const [why] = explainPredictions(model, bundle.features(requestFrame), { top: 3 })
 * why.contributions // [{ feature: 'dep_hour', value: 19, contribution: 0.42 }, ...]
 */
export const explainPredictions = (
  model: ContributionModel | { readonly kind: string },
  X: Frame,
  options: ExplainOptions = {},
): PredictionExplanation[] => {
  if (!hasContributions(model)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `model kind "${(model as { kind?: string }).kind ?? 'unknown'}" cannot explain its predictions`,
      { hint: 'per-prediction contributions need a model with contributions(), e.g. gbdt' },
    )
  }
  const F = model.features.length
  const K = model.numOutputs
  const n = X.numRows
  const choice = options.output ?? 'predicted'
  if (choice !== 'predicted' && !(Number.isInteger(choice) && choice >= 0 && choice < K)) {
    throw new KeelError('INVALID_ARGUMENT', `output must be 'predicted' or 0..${K - 1}`)
  }
  const top = options.top ?? F
  const c = model.contributions(X)
  const columns = model.features.map((f) => X.column(f.name))
  const out: PredictionExplanation[] = []
  for (let i = 0; i < n; i++) {
    let k = choice === 'predicted' ? 0 : choice
    if (choice === 'predicted' && K > 1) {
      let best = -Infinity
      for (let o = 0; o < K; o++) {
        const raw = blockSum(c, (i * K + o) * (F + 1), F)
        if (raw > best) {
          best = raw
          k = o
        }
      }
    }
    const at = (i * K + k) * (F + 1)
    const contributions = model.features.map((spec, f) => ({
      feature: spec.name,
      value: cellAt(columns[f]!, i),
      contribution: c[at + f]!,
    }))
    const order = contributions
      .map((x, f) => [x, f] as const)
      .sort((a, b) => Math.abs(b[0].contribution) - Math.abs(a[0].contribution) || a[1] - b[1])
      .slice(0, top)
      .map(([x]) => x)
    out.push({ output: k, bias: c[at + F]!, raw: blockSum(c, at, F), contributions: order })
  }
  return out
}

/** Sum of one contributions block (features and bias): the raw output. */
const blockSum = (c: Float64Array, at: number, F: number): number => {
  let s = 0
  for (let f = 0; f <= F; f++) s += c[at + f]!
  return s
}
