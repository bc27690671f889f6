/**
 * Ordinal (label) encoding: each training category gets an integer code, in code-point order of
 * the category strings. The codes imply an order the categories may not have, which misleads
 * linear models; trees split on them fine. The `categorical` output instead pins the training
 * dictionary, which is how a tree learner with native categorical support wants its input.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { Column } from '../frame/index.js'
import { defineLeaf, pinnedCategorical } from './define.js'
import { categoryView, countLabels, sortedLabels } from './internal/categories.js'
import { UNKNOWN_CATEGORY } from './labels.js'
import { minFrequencySchema } from './one-hot.js'

const ordinalParams = z.strictObject({
  /** `numeric`: the code as a number; `categorical`: a column over the pinned training dictionary. */
  output: z.enum(['numeric', 'categorical']).default('numeric'),
  /** Categories seen fewer times than this at fit are encoded as unknown. */
  minFrequency: minFrequencySchema.optional(),
  /**
   * Unseen (and infrequent) categories: `value` encodes them as `unknownValue` (numeric output) or
   * as the `__UNKNOWN__` category (categorical output); `error` refuses them with `INVALID_DATA`.
   */
  unknown: z.enum(['value', 'error']).default('value'),
  /** The number unseen categories get in numeric output (scikit-learn's `unknown_value`). */
  unknownValue: z.number().default(-1),
  /** Missing values stay missing (`keep`: NaN or code −1), or are refused (`error`). */
  missing: z.enum(['keep', 'error']).default('keep'),
})

/** Parameters of {@link ordinalEncoder}. */
export type OrdinalEncoderParams = z.input<typeof ordinalParams>

const ordinalState = z.strictObject({
  columns: z.array(z.strictObject({ categories: z.array(z.string()) })),
})

/** Encode categories as integer codes in code-point order of the training categories. */
export const ordinalEncoderKind = defineLeaf({
  kind: 'ordinal-encoder',
  description:
    'Integer codes for categories (or a categorical column over the pinned training dictionary)',
  params: ordinalParams,
  state: ordinalState,
  accepts: ['categorical', 'text', 'numeric', 'boolean'],
  fit({ params, inputs, columns, numRows }) {
    const state = columns.map((c) => {
      const { counts } = countLabels(categoryView(c))
      const min = params.minFrequency
      const threshold = min === undefined ? 0 : min >= 1 ? min : min * numRows
      return {
        categories: sortedLabels([...counts.keys()].filter((k) => counts.get(k)! >= threshold)),
      }
    })
    const outputs = inputs.map((c, j) =>
      params.output === 'categorical'
        ? {
            name: c.name,
            kind: 'categorical' as const,
            categories: [...state[j]!.categories, UNKNOWN_CATEGORY],
          }
        : { name: c.name, kind: 'numeric' as const },
    )
    return { state: { columns: state }, outputs }
  },
  prepare: (state, _params, outputs) =>
    state.columns.map((s, j) => ({
      index: new Map(s.categories.map((c, k) => [c, k] as const)),
      dictionary: outputs[j]!.categories,
    })),
  apply({ kind, params, state, cache, inputs, columns, numRows }): Column[] {
    return columns.map((c, j) => {
      const name = inputs[j]!.name
      const { index, dictionary } = cache[j]!
      const unknownCode = state.columns[j]!.categories.length
      const view = categoryView(c)
      const perCode = view.labels.map((l) => index.get(l) ?? -2)
      const codes = new Int32Array(numRows)
      for (let i = 0; i < numRows; i++) {
        const k = view.codes[i]!
        if (k < 0) {
          if (params.missing === 'error') {
            throw new KeelError('INVALID_DATA', `${kind}: column "${name}" row ${i} is missing`, {
              path: [name, i],
            })
          }
          codes[i] = -1
          continue
        }
        const code = perCode[k]!
        if (code === -2 && params.unknown === 'error') {
          throw new KeelError(
            'INVALID_DATA',
            `${kind}: column "${name}" row ${i} has category "${view.labels[k]}" not seen at fit`,
            {
              path: [name, i],
              details: { value: view.labels[k] },
            },
          )
        }
        codes[i] = code === -2 ? unknownCode : code
      }
      if (dictionary) return pinnedCategorical(codes, dictionary)
      const values = new Float64Array(numRows)
      for (let i = 0; i < numRows; i++) {
        const k = codes[i]!
        values[i] = k < 0 ? NaN : k === unknownCode ? params.unknownValue : k
      }
      return Object.freeze({ kind: 'numeric', values })
    })
  },
})

/** An unfitted ordinal encoder. */
export const ordinalEncoder = (
  params?: OrdinalEncoderParams,
): ReturnType<typeof ordinalEncoderKind.create> => ordinalEncoderKind.create(params)
