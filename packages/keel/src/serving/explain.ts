import { KeelError, type Frame, type ModelBundle } from '@keel/core'

/**
 * A fitted model that can attribute its raw output to its features (SHAP values for trees,
 * weight × value for linear models). Layout, as XGBoost's `pred_contribs`: row-major
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

/** True when the bundle's model can explain its predictions. */
export const canExplain = (bundle: ModelBundle): boolean =>
  typeof (bundle.model as Partial<ExplainableModel>).contributions === 'function'

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
  const model = bundle.model as unknown as ExplainableModel
  const features = bundle.model.features.map((f) => f.name)
  const F = features.length
  const n = frame.numRows
  const c = model.contributions(bundle.features(frame))
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
