import {
  alignFeatures,
  ModelBundle,
  registerModelKind,
  type FeatureSpec,
  type FittedModel,
  type InputField,
  type ModelJSON,
  type Task,
  type BundleLineage,
} from '@keel/core'
import type { Frame } from '@keel/core'

/**
 * A tiny hand-written linear model (logistic for binary, identity for regression) used by the
 * serving and batch tests: numeric inputs are weighted (missing counts as 0), categorical inputs add
 * a per-category weight (unseen counts as 0). It exposes `contributions` like a tree model's SHAP.
 */
class ToyLinear implements FittedModel {
  readonly kind = 'toy-linear'
  readonly classes: readonly string[] | undefined
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly bias: number
  readonly weights: readonly (number | readonly number[])[]
  constructor(
    task: Task,
    features: readonly FeatureSpec[],
    bias: number,
    weights: readonly (number | readonly number[])[],
  ) {
    this.task = task
    this.features = features
    this.bias = bias
    this.weights = weights
    this.classes = task === 'binary' ? ['on_time', 'late'] : undefined
  }

  contributions(X: Frame): Float64Array {
    const cols = alignFeatures(X, this.features)
    const n = X.numRows
    const F = this.features.length
    const out = new Float64Array(n * (F + 1))
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) {
        const w = this.weights[f]!
        const v = cols[f]![i]!
        out[i * (F + 1) + f] =
          typeof w === 'number' ? (Number.isNaN(v) ? 0 : w * v) : v >= 0 ? (w[v] ?? 0) : 0
      }
      out[i * (F + 1) + F] = this.bias
    }
    return out
  }

  predictRaw(X: Frame): Float64Array {
    const c = this.contributions(X)
    const F = this.features.length
    const out = new Float64Array(X.numRows)
    for (let i = 0; i < X.numRows; i++) {
      let s = 0
      for (let f = 0; f <= F; f++) s += c[i * (F + 1) + f]!
      out[i] = s
    }
    return out
  }

  predictProba(X: Frame): Float64Array {
    const raw = this.predictRaw(X)
    const out = new Float64Array(raw.length * 2)
    for (let i = 0; i < raw.length; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]!))
      out[2 * i] = 1 - p
      out[2 * i + 1] = p
    }
    return out
  }

  predict(X: Frame): Float64Array {
    if (this.task === 'regression') return this.predictRaw(X)
    const p = this.predictProba(X)
    return Float64Array.from({ length: X.numRows }, (_, i) => (p[2 * i + 1]! >= 0.5 ? 1 : 0))
  }

  toJSON(): ModelJSON {
    return {
      format: 'keel-model',
      formatVersion: 1,
      kind: this.kind,
      task: this.task,
      features: this.features,
      bias: this.bias,
      weights: this.weights,
    }
  }
}

registerModelKind('toy-linear', (json) => {
  const j = json as ModelJSON & { bias: number; weights: (number | number[])[] }
  return new ToyLinear(j.task, j.features, j.bias, j.weights)
})

const AIRPORTS = ['ATL', 'JFK', 'ORD', 'SFO']

/** The inputs the toy bundle pins: what the flights demo would send. */
export const TOY_INPUTS: readonly InputField[] = [
  { name: 'distance', kind: 'numeric', nullable: true, range: [30, 4000] },
  { name: 'hour', kind: 'numeric', nullable: false, range: [0, 23] },
  { name: 'origin', kind: 'categorical', nullable: false, categories: AIRPORTS },
]

/** A bundle over {@link TOY_INPUTS}; `shift` moves the bias so two versions predict differently. */
export const toyBundle = (
  options: {
    task?: 'binary' | 'regression'
    shift?: number
    deferBelow?: number
    lineage?: BundleLineage
  } = {},
): ModelBundle => {
  const task = options.task ?? 'binary'
  const features: FeatureSpec[] = [
    { name: 'distance', kind: 'numeric' },
    { name: 'hour', kind: 'numeric' },
    { name: 'origin', kind: 'categorical', categories: AIRPORTS },
  ]
  const model = new ToyLinear(task, features, -2 + (options.shift ?? 0), [
    0.0004,
    0.09,
    [0.3, -0.2, 0.5, 0.1],
  ])
  return ModelBundle.create({
    name: 'flights',
    task,
    label:
      task === 'binary' ? { column: 'late', classes: ['on_time', 'late'] } : { column: 'delay' },
    inputs: TOY_INPUTS,
    model,
    postprocess: options.deferBelow === undefined ? {} : { deferBelow: options.deferBelow },
    ...(options.lineage ? { lineage: options.lineage } : {}),
  })
}

/** A valid input row for the toy bundle, varied by `i`. */
export const toyRow = (i: number): Record<string, unknown> => ({
  distance: i % 7 === 0 ? null : 100 + ((i * 37) % 3000),
  hour: i % 24,
  origin: AIRPORTS[i % AIRPORTS.length]!,
})
