/**
 * Frequency (count) encoding: replace a category by how often it occurred in the training rows.
 * One numeric column per input, no vocabulary explosion, and rare categories — including ones that
 * appear only at serving — get small values instead of a crash.
 */
import { z } from 'zod'
import type { Column } from '../frame/index.js'
import { defineLeaf } from './define.js'
import { categoryView, countLabels, gatherByLabel, sortedLabels } from './internal/categories.js'
import { sameNamesNumeric } from './internal/numeric-map.js'

const frequencyParams = z.strictObject({
  /** `fraction`: share of training rows (0..1); `count`: the raw number of training rows. */
  scale: z.enum(['fraction', 'count']).default('fraction'),
})

const frequencyState = z.strictObject({
  columns: z.array(
    z.strictObject({
      categories: z.array(z.string()),
      values: z.array(z.number()),
      missing: z.number(),
    }),
  ),
})

/**
 * Encode each category by its training frequency. An unseen category was seen zero times, so it
 * encodes as 0; a missing value encodes as the frequency of missing values at fit (missingness is
 * a category of its own).
 */
export const frequencyEncoderKind = defineLeaf({
  kind: 'frequency-encoder',
  description: 'Replace each category by its training frequency (unseen → 0)',
  params: frequencyParams,
  state: frequencyState,
  accepts: ['categorical', 'text', 'numeric', 'boolean'],
  fit({ params, inputs, columns, numRows }) {
    const denom = params.scale === 'fraction' ? numRows : 1
    const state = columns.map((c) => {
      const { counts, missing } = countLabels(categoryView(c))
      const categories = sortedLabels(counts.keys())
      return {
        categories,
        values: categories.map((k) => counts.get(k)! / denom),
        missing: missing / denom,
      }
    })
    return { state: { columns: state }, outputs: sameNamesNumeric(inputs) }
  },
  prepare: (state) =>
    state.columns.map((s) => new Map(s.categories.map((c, k) => [c, s.values[k]!] as const))),
  apply: ({ state, cache, columns, numRows }): Column[] =>
    columns.map((c, j) => {
      const table = cache[j]!
      const values = gatherByLabel(
        categoryView(c),
        (l) => table.get(l) ?? 0,
        state.columns[j]!.missing,
        new Float64Array(numRows),
      )
      return Object.freeze({ kind: 'numeric', values })
    }),
})

/** An unfitted frequency encoder. */
export const frequencyEncoder = (
  params?: z.input<typeof frequencyParams>,
): ReturnType<typeof frequencyEncoderKind.create> => frequencyEncoderKind.create(params)
