/**
 * Power transforms (Box-Cox and Yeo-Johnson) that make a skewed feature look more Gaussian, with
 * lambda fitted by maximum likelihood exactly as scikit-learn's PowerTransformer does (SciPy's
 * Brent search from the bracket (−2, 2)), optionally followed by standardization.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { NumericColumn } from '../frame/index.js'
import { defineLeaf } from './define.js'
import { brentMinimize } from './internal/brent.js'
import { assertNoInfinity } from './internal/inputs.js'
import {
  mapNumeric,
  missingPolicy,
  noPresentValues,
  sameNamesNumeric,
} from './internal/numeric-map.js'
import { isConstantFeature, meanVar } from './internal/stats.js'

const SPACING_ONE = Number.EPSILON // np.spacing(1.0)

/** SciPy's `special.boxcox`: `expm1(λ·log x) / λ`, which keeps precision for small λ. */
const boxCox = (x: number, lambda: number): number =>
  Math.abs(lambda) < 1e-19 ? Math.log(x) : Math.expm1(lambda * Math.log(x)) / lambda

/** scikit-learn's `_yeo_johnson_transform` for one value. */
const yeoJohnson = (x: number, lambda: number): number => {
  if (x >= 0) {
    return Math.abs(lambda) < SPACING_ONE ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda
  }
  return Math.abs(lambda - 2) > SPACING_ONE
    ? -(Math.pow(-x + 1, 2 - lambda) - 1) / (2 - lambda)
    : -Math.log1p(-x)
}

/**
 * The largest |lambda| kept. The likelihood only runs past it on degenerate columns (all values
 * but a few identical, e.g. zeros and one 4e-9): there the unbounded search scikit-learn uses
 * walks to |lambda| ~ 1e9, and any value a little outside the training range then transforms to
 * ±Infinity. At |lambda| = 10 a value overflows only beyond ~1e30, and every well-posed column
 * (the reference fixtures' lambdas lie in [-0.2, 1.1]) is fitted exactly as scikit-learn does.
 */
export const POWER_LAMBDA_LIMIT = 10

const bounded = (lambda: number): number =>
  Math.min(POWER_LAMBDA_LIMIT, Math.max(-POWER_LAMBDA_LIMIT, lambda))

/** Variance of `f(x)` over `xs` (population), as NumPy's `var`. */
const varianceOf = (xs: Float64Array, f: (x: number) => number): number =>
  meanVar(xs.map(f)).variance

/** Box-Cox lambda by MLE: SciPy's `boxcox_normmax(method='mle')` (negated `boxcox_llf`). */
const boxCoxLambda = (xs: Float64Array): number => {
  let sumLog = 0
  const logs = xs.map((x) => Math.log(x))
  for (const l of logs) sumLog += l
  const n = xs.length
  return brentMinimize(
    (lmb) => {
      const variance =
        lmb === 0 ? meanVar(logs).variance : varianceOf(xs, (x) => Math.pow(x, lmb) / lmb)
      return -((lmb - 1) * sumLog - (n / 2) * Math.log(variance))
    },
    -2,
    2,
  )
}

/** Yeo-Johnson lambda by MLE: scikit-learn's `_yeo_johnson_optimize`. */
const yeoJohnsonLambda = (xs: Float64Array): number => {
  let signedLog = 0
  for (const x of xs) signedLog += Math.sign(x) * Math.log1p(Math.abs(x))
  const n = xs.length
  const tiny = 2.2250738585072014e-308 // np.finfo(np.float64).tiny
  return brentMinimize(
    (lmb) => {
      const variance = varianceOf(xs, (x) => yeoJohnson(x, lmb))
      if (variance < tiny) return Infinity
      return -(-(n / 2) * Math.log(variance) + (lmb - 1) * signedLog)
    },
    -2,
    2,
  )
}

const powerParams = z.strictObject({
  /** `box-cox` needs strictly positive data; `yeo-johnson` accepts any real value. */
  method: z.enum(['yeo-johnson', 'box-cox']).default('yeo-johnson'),
  /** Standardize the transformed values to zero mean and unit variance (fitted on training). */
  standardize: z.boolean().default(true),
  missing: missingPolicy,
})

const powerState = z.strictObject({
  columns: z.array(z.strictObject({ lambda: z.number(), mean: z.number(), scale: z.number() })),
})

const notPositive = (kind: string, name: string, i: number, x: number): never => {
  throw new KeelError(
    'INVALID_DATA',
    `${kind}: Box-Cox needs strictly positive values, column "${name}" row ${i} is ${x}`,
    { path: [name, i], hint: "use method: 'yeo-johnson' for data with zeros or negatives" },
  )
}

/**
 * A power transform per column (scikit-learn's PowerTransformer): lambda is the maximum-likelihood
 * value on the training rows, missing values are ignored at fit and kept at transform.
 */
export const powerTransformerKind = defineLeaf({
  kind: 'power-transformer',
  description: 'Box-Cox or Yeo-Johnson with maximum-likelihood lambda, optionally standardized',
  params: powerParams,
  state: powerState,
  accepts: ['numeric', 'boolean', 'timestamp'],
  fit({ kind, params, inputs, columns }) {
    const state = columns.map((c, j) => {
      const name = inputs[j]!.name
      const values = (c as NumericColumn).values
      assertNoInfinity(kind, name, values)
      const xs = values.filter((v) => !Number.isNaN(v))
      if (xs.length === 0) noPresentValues(kind, name)
      const boxcox = params.method === 'box-cox'
      if (boxcox) {
        const bad = values.findIndex((v) => v <= 0)
        if (bad >= 0) notPositive(kind, name, bad, values[bad]!)
      }
      const fittedLambda = boxcox ? boxCoxLambda(xs) : yeoJohnsonLambda(xs)
      if (!Number.isFinite(fittedLambda)) {
        throw new KeelError('INVALID_DATA', `${kind}: no finite lambda for column "${name}"`, {
          path: [name],
        })
      }
      const lambda = bounded(fittedLambda)
      if (!params.standardize) return { lambda, mean: 0, scale: 1 }
      const f = boxcox ? (x: number) => boxCox(x, lambda) : (x: number) => yeoJohnson(x, lambda)
      const { mean, variance, count } = meanVar(xs.map(f))
      const scale = isConstantFeature(variance, mean, count) ? 1 : Math.sqrt(variance)
      return { lambda, mean, scale }
    })
    return { state: { columns: state }, outputs: sameNamesNumeric(inputs) }
  },
  apply({ kind, params, state, inputs, columns }) {
    const boxcox = params.method === 'box-cox'
    return mapNumeric(kind, inputs, columns, params.missing, (j, x) => {
      const s = state.columns[j]!
      if (boxcox && !(x > 0)) {
        const col = (columns[j] as NumericColumn).values
        notPositive(kind, inputs[j]!.name, col.indexOf(x), x)
      }
      const y = boxcox ? boxCox(x, s.lambda) : yeoJohnson(x, s.lambda)
      return (y - s.mean) / s.scale
    })
  },
})

/** An unfitted power transformer. */
export const powerTransformer = (
  params?: z.input<typeof powerParams>,
): ReturnType<typeof powerTransformerKind.create> => powerTransformerKind.create(params)
