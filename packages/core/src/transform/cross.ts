/**
 * Feature crosses (the book's §4.5): combinations that let linear models (and help trees) capture
 * interactions — marital status × number of children, origin × destination = route. Crossing
 * categoricals multiplies their cardinalities (229 × 228 airports), so crosses are hashed into a
 * fixed space; numeric crosses are products.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { Column, NumericColumn } from '../frame/index.js'
import { defineLeaf, pinnedCategorical, type LeafFitContext } from './define.js'
import {
  MAX_DENSE_COLUMNS,
  addDense,
  bucketCoder,
  hashedCodes,
  hashedDictionary,
  keyCombinations,
  observedBuckets,
} from './internal/hashing.js'
import { missingPolicy } from './internal/numeric-map.js'
import { denseColumns, denseOutputs, hashedState, hashingParams } from './hashing.js'
import type { TransformerColumn } from './protocol.js'

const crossParams = z
  .strictObject({
    ...hashingParams,
    /** Name of the crossed output column (categorical output); default `<a>_x_<b>[_x_<c>…]`. */
    name: z.string().min(1).optional(),
  })
  .refine((p) => p.output !== 'dense' || p.buckets <= MAX_DENSE_COLUMNS, {
    message: `dense output allows at most ${MAX_DENSE_COLUMNS} buckets`,
    path: ['buckets'],
  })

/** Parameters of {@link hashCross}. */
export type HashCrossParams = z.input<typeof crossParams>

type CrossParams = z.output<typeof crossParams>

const fitCross = ({ kind, params, inputs, columns }: LeafFitContext<CrossParams>) => {
  if (inputs.length < 2) {
    throw new KeelError(
      'INVALID_DATA',
      `${kind}: a cross needs at least two columns, got ${inputs.length}`,
    )
  }
  if (params.output === 'dense') {
    return {
      fit: { state: { columns: [] }, outputs: denseOutputs(params.prefix, params.buckets) },
      combos: undefined,
    }
  }
  const names = inputs.map((c) => c.name)
  const combos = keyCombinations(columns, names, params.seed)
  const observed = observedBuckets(combos, params.buckets)
  const outputs: TransformerColumn[] = [
    {
      name: params.name ?? names.join('_x_'),
      kind: 'categorical',
      categories: hashedDictionary(observed),
    },
  ]
  return { fit: { state: { columns: [{ observed }] }, outputs }, combos }
}

/**
 * Cross all input columns into one hashed feature: the key of a row is
 * `a=<value>␟b=<value>…` (␟ = U+001F) in input order, hashed with MurmurHash3 into `buckets`. A row
 * with any part missing is missing. Output is a hashed categorical (see the feature hasher) or
 * dense signed counts.
 *
 * @example
 * hashCross({ buckets: 2 ** 16, name: 'route' }) // on columns origin, destination
 */
export const hashCrossKind = defineLeaf({
  kind: 'hash-cross',
  description: 'Cross categorical columns into one hashed feature',
  params: crossParams,
  state: hashedState,
  accepts: ['categorical', 'text', 'numeric', 'boolean'],
  fit: (ctx) => fitCross(ctx).fit,
  // The training output reuses the key combinations the fit already built.
  fitApply: (ctx) => {
    const { fit, combos } = fitCross(ctx)
    const { params, numRows } = ctx
    if (!combos) {
      const cols = denseColumns(params.buckets, numRows)
      addDense(
        keyCombinations(
          ctx.columns,
          ctx.inputs.map((c) => c.name),
          params.seed,
        ),
        params.buckets,
        params.alternateSign,
        cols,
      )
      return {
        ...fit,
        columns: cols.map((values) => Object.freeze({ kind: 'numeric' as const, values })),
      }
    }
    const coder = bucketCoder(fit.state.columns[0]!.observed, params.buckets)
    const categories = Object.freeze([...fit.outputs[0]!.categories!])
    return {
      state: fit.state,
      outputs: [{ ...fit.outputs[0]!, categories }],
      columns: [pinnedCategorical(hashedCodes(combos, params.buckets, coder), categories)],
    }
  },
  prepare: (state, params) => state.columns.map((s) => bucketCoder(s.observed, params.buckets)),
  apply({ params, cache, inputs, outputs, columns, numRows }): Column[] {
    const combos = keyCombinations(
      columns,
      inputs.map((c) => c.name),
      params.seed,
    )
    if (params.output === 'categorical') {
      return [
        pinnedCategorical(hashedCodes(combos, params.buckets, cache[0]!), outputs[0]!.categories!),
      ]
    }
    const cols = denseColumns(params.buckets, numRows)
    addDense(combos, params.buckets, params.alternateSign, cols)
    return cols.map((values) => Object.freeze({ kind: 'numeric' as const, values }))
  },
})

const productParams = z.strictObject({
  /** Pairs to multiply; default every pair of input columns, in input order. */
  pairs: z.array(z.tuple([z.string(), z.string()])).optional(),
  /** Keep the input columns in the output, before the products. */
  keepInputs: z.boolean().default(false),
  missing: missingPolicy,
})

/**
 * Products of numeric columns (`<a>*<b>`), the numeric feature cross. A product with a missing
 * factor is missing (or refused with `missing: 'error'`); ±Infinity is refused.
 */
export const numericCrossKind = defineLeaf({
  kind: 'numeric-cross',
  description: 'Products of pairs of numeric columns',
  params: productParams,
  state: z.strictObject({ pairs: z.array(z.tuple([z.int(), z.int()])) }),
  accepts: ['numeric', 'boolean', 'timestamp'],
  fit({ kind, params, inputs }) {
    const index = new Map(inputs.map((c, j) => [c.name, j] as const))
    const pairs: [number, number][] = []
    if (params.pairs) {
      for (const [a, b] of params.pairs) {
        const ia = index.get(a)
        const ib = index.get(b)
        if (ia === undefined || ib === undefined) {
          throw new KeelError(
            'SCHEMA_MISMATCH',
            `${kind}: pair (${a}, ${b}) names a column the frame lacks`,
            {
              path: ['pairs'],
            },
          )
        }
        pairs.push([ia, ib])
      }
    } else
      for (let a = 0; a < inputs.length; a++)
        for (let b = a + 1; b < inputs.length; b++) pairs.push([a, b])
    const outputs = [
      ...(params.keepInputs ? inputs.map((c) => ({ name: c.name, kind: c.kind })) : []),
      ...pairs.map(([a, b]) => ({
        name: `${inputs[a]!.name}*${inputs[b]!.name}`,
        kind: 'numeric' as const,
      })),
    ]
    return { state: { pairs }, outputs }
  },
  apply({ kind, params, state, inputs, columns, numRows }): Column[] {
    const values = columns.map((c) => (c as NumericColumn).values)
    const products = state.pairs.map(([a, b]) => {
      const x = values[a]!
      const y = values[b]!
      const out = new Float64Array(numRows)
      for (let i = 0; i < numRows; i++) {
        const p = x[i]! * y[i]!
        if (Number.isNaN(x[i]!) || Number.isNaN(y[i]!)) {
          if (params.missing === 'error') {
            const name = Number.isNaN(x[i]!) ? inputs[a]!.name : inputs[b]!.name
            throw new KeelError('INVALID_DATA', `${kind}: column "${name}" row ${i} is missing`, {
              path: [name, i],
            })
          }
          out[i] = NaN
        } else if (!Number.isFinite(p)) {
          throw new KeelError(
            'INVALID_DATA',
            `${kind}: product ${inputs[a]!.name}*${inputs[b]!.name} at row ${i} is not finite`,
            {
              path: [inputs[a]!.name, i],
            },
          )
        } else out[i] = p
      }
      return Object.freeze({ kind: 'numeric' as const, values: out })
    })
    const kept = params.keepInputs
      ? values.map((v, j) =>
          Object.freeze({ kind: inputs[j]!.kind as NumericColumn['kind'], values: v }),
        )
      : []
    return [...kept, ...products]
  },
})

/** An unfitted hashed categorical cross. */
export const hashCross = (params?: HashCrossParams): ReturnType<typeof hashCrossKind.create> =>
  hashCrossKind.create(params)
/** An unfitted numeric (product) cross. */
export const numericCross = (
  params?: z.input<typeof productParams>,
): ReturnType<typeof numericCrossKind.create> => numericCrossKind.create(params)
