import { describe, expect, it } from 'vitest'
import {
  createRng,
  Frame,
  logisticRegression,
  ModelBundle,
  pinInputFields,
  ridgeRegression,
  sgdLinear,
  type FittedModel,
  type Task,
} from '@keel/core'
import type { OutputContributions } from './explain.js'
import { postJson, toyServers } from './test-support/harness.js'
import type { PredictResponse } from './predict/response.js'

const start = toyServers()

/** 120 seeded rows of two numeric features; y from a known linear rule plus noise. */
const data = (task: Task): { X: Frame; y: Float64Array; classes?: string[] } => {
  const rng = createRng(11)
  const rows = Array.from({ length: 120 }, () => ({ a: rng.float() * 4 - 2, b: rng.float() * 10 }))
  const score = rows.map((r) => 1.5 * r.a - 0.3 * r.b + 1 + (rng.float() - 0.5))
  const X = Frame.fromRows(rows, { a: 'numeric', b: 'numeric' })
  if (task === 'regression') return { X, y: Float64Array.from(score) }
  if (task === 'binary')
    return { X, y: Float64Array.from(score, (s) => (s > 0 ? 1 : 0)), classes: ['no', 'yes'] }
  return {
    X,
    y: Float64Array.from(score, (s) => (s < -1 ? 0 : s < 1 ? 1 : 2)),
    classes: ['lo', 'mid', 'hi'],
  }
}

const bundleOf = (task: Task, fit: (d: ReturnType<typeof data>) => FittedModel): ModelBundle => {
  const d = data(task)
  return ModelBundle.create({
    name: 'lin',
    task,
    label: d.classes ? { column: 'y', classes: d.classes } : { column: 'y' },
    inputs: pinInputFields(d.X, ['a', 'b']),
    model: fit(d),
  })
}

const explain = async (
  bundle: ModelBundle,
  row: Record<string, number>,
): Promise<PredictResponse> => {
  const { server, source } = await start()
  source.put('lin', '1', bundle)
  source.setAlias('lin', 'production', '1')
  const res = await postJson(server, '/v1/models/lin/predict?explain=true', { row })
  expect(res.status).toBe(200)
  return (await res.json()) as PredictResponse
}

const coefficients = (m: FittedModel): { coef: Float64Array[]; intercept: Float64Array } =>
  m as unknown as { coef: Float64Array[]; intercept: Float64Array }

const row = { a: 0.75, b: 3.5 }

describe('explain=true for linear models', () => {
  it('gives coef × x per feature and the intercept as bias (binary logistic: log-odds)', async () => {
    const bundle = bundleOf('binary', (d) =>
      logisticRegression().fit(
        { ...d, task: 'binary', classes: d.classes! },
        { rng: createRng(1) },
      ),
    )
    const { coef, intercept } = coefficients(bundle.model)
    const p = (await explain(bundle, row)).predictions[0]!
    const c = p.contributions as OutputContributions
    // Exact: the same products, computed by hand.
    expect(c).toEqual({
      features: { a: coef[0]![0]! * 0.75, b: coef[0]![1]! * 3.5 },
      bias: intercept[0]!,
    })
    // They add up to the log-odds of "yes": within 5e-10 (toBeCloseTo, 9 digits), room for the
    // rounding of the sum and of the logistic and its inverse on scores of order 1.
    const yes = p.probabilities!['yes']!
    expect(c.features['a']! + c.features['b']! + c.bias).toBeCloseTo(Math.log(yes / (1 - yes)), 9)
  })

  it('gives one block per class for a multiclass model, each adding up to its logit', async () => {
    const bundle = bundleOf('multiclass', (d) =>
      sgdLinear({ epochs: 20 }).fit(
        { ...d, task: 'multiclass', classes: d.classes! },
        { rng: createRng(1) },
      ),
    )
    const { coef, intercept } = coefficients(bundle.model)
    const p = (await explain(bundle, row)).predictions[0]!
    const c = p.contributions as { classes: Record<string, OutputContributions> }
    expect(Object.keys(c.classes)).toEqual(['lo', 'mid', 'hi'])
    const logits = ['lo', 'mid', 'hi'].map((k, i) => {
      expect(c.classes[k]).toEqual({
        features: { a: coef[i]![0]! * 0.75, b: coef[i]![1]! * 3.5 },
        bias: intercept[i]!,
      })
      return c.classes[k]!.features['a']! + c.classes[k]!.features['b']! + c.classes[k]!.bias
    })
    // The softmax of the summed blocks is the served probabilities, within 5e-10 (rounding of exp
    // and sums on logits of order 1).
    const z = logits.map((l) => Math.exp(l - Math.max(...logits)))
    const total = z.reduce((s, v) => s + v, 0)
    ;['lo', 'mid', 'hi'].forEach((k, i) =>
      expect(p.probabilities![k]!).toBeCloseTo(z[i]! / total, 9),
    )
  })

  it('adds up to the predicted value for a regression model', async () => {
    const bundle = bundleOf('regression', (d) =>
      ridgeRegression({ alpha: 0.1 }).fit(
        { X: d.X, y: d.y, task: 'regression' },
        { rng: createRng(1) },
      ),
    )
    const { coef, intercept } = coefficients(bundle.model)
    const p = (await explain(bundle, row)).predictions[0]!
    const c = p.contributions as OutputContributions
    expect(c).toEqual({
      features: { a: coef[0]![0]! * 0.75, b: coef[0]![1]! * 3.5 },
      bias: intercept[0]!,
    })
    // Within 5e-13 (12 digits): the same three terms as the model's own sum, perhaps in another
    // order, on values of order 1–10.
    expect(c.features['a']! + c.features['b']! + c.bias).toBeCloseTo(p.prediction as number, 12)
  })
})
