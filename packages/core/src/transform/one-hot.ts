/**
 * One-hot encoding with an UNKNOWN bucket that exists in training (the book's §4.4).
 *
 * The Amazon brand story: encoding every brand seen in training and adding an UNKNOWN code for
 * new brands stops the crash, but the model never saw UNKNOWN in training, so new brands get
 * garbage. Grouping rare categories (`minFrequency`, `maxCategories`) into `__UNKNOWN__` gives that
 * column real training rows, so an unseen category at serving lands in a bucket the model knows —
 * the behaviour of scikit-learn's `handle_unknown='infrequent_if_exist'`.
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import type { NumericColumn } from '../frame/index.js'
import { defineLeaf } from './define.js'
import { categoryView, countLabels, sortedLabels } from './internal/categories.js'
import { MISSING_CATEGORY, UNKNOWN_CATEGORY } from './labels.js'
import type { TransformerColumn } from './protocol.js'

/**
 * A minimum frequency: an integer ≥ 1 is a row count, a number in (0, 1) a fraction of the training
 * rows (as scikit-learn's int / float distinction).
 */
export const minFrequencySchema = z
  .number()
  .positive()
  .refine((x) => x < 1 || Number.isInteger(x), 'use an integer count ≥ 1 or a fraction in (0, 1)')

const oneHotParams = z.strictObject({
  /** Categories seen fewer times than this at fit go to `__UNKNOWN__`. */
  minFrequency: minFrequencySchema.optional(),
  /** At most this many output columns per input, counting `__UNKNOWN__` (the rarest are grouped). */
  maxCategories: z.int().min(2).optional(),
  /**
   * What an unseen category does at transform:
   * - `bucket` (default): a `__UNKNOWN__` column always exists and takes infrequent and unseen
   *   categories (it is all zeros in training when nothing was infrequent);
   * - `infrequent-if-exist`: scikit-learn's rule — the `__UNKNOWN__` column exists only when some
   *   categories were infrequent; otherwise an unseen category encodes as all zeros;
   * - `ignore`: unseen categories encode as all zeros;
   * - `error`: refuse an unseen category with `INVALID_DATA` naming the row.
   * Whatever the policy, infrequent categories (known at fit) go to `__UNKNOWN__`.
   */
  unknown: z.enum(['bucket', 'infrequent-if-exist', 'ignore', 'error']).default('bucket'),
  /**
   * Missing values: `category` gives them a `__MISSING__` column when some were missing at fit
   * (missingness is often informative), otherwise they encode like unseen categories; `zeros`
   * encodes them as all zeros; `error` refuses them.
   */
  missing: z.enum(['category', 'zeros', 'error']).default('category'),
})

/** Parameters of {@link oneHotEncoder}. */
export type OneHotEncoderParams = z.input<typeof oneHotParams>

const oneHotState = z.strictObject({
  columns: z.array(
    z.strictObject({
      /** Categories with their own column, in output order (code-point sorted). */
      frequent: z.array(z.string()),
      /** Categories grouped into the unknown column at fit (informational). */
      infrequent: z.array(z.string()),
      hasMissing: z.boolean(),
      hasUnknown: z.boolean(),
    }),
  ),
})
type OneHotState = z.output<typeof oneHotState>

const INFREQUENT = -3
const UNSEEN = -2

/** scikit-learn's `_identify_infrequent`, on counts in sorted-category order. */
const infrequentMask = (
  counts: readonly number[],
  nRows: number,
  minFrequency: number | undefined,
  maxCategories: number | undefined,
): boolean[] => {
  const threshold =
    minFrequency === undefined ? -Infinity : minFrequency >= 1 ? minFrequency : nRows * minFrequency
  const mask = counts.map((n) => n < threshold)
  const current = counts.length - mask.filter(Boolean).length + 1
  if (maxCategories !== undefined && maxCategories < current) {
    // Stable sort by count: among equal counts the earlier (smaller) category goes first.
    const order = counts.map((n, i) => [n, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
    for (const [, i] of order.slice(0, counts.length - maxCategories + 1)) mask[i] = true
  }
  return mask
}

/**
 * One 0/1 column per frequent category (`<name>=<category>`, categories in code-point order), then
 * `<name>=__MISSING__` and `<name>=__UNKNOWN__` when they exist. Matches scikit-learn's
 * OneHotEncoder with `min_frequency`, `max_categories` and `handle_unknown='infrequent_if_exist'`.
 */
export const oneHotEncoderKind = defineLeaf({
  kind: 'one-hot-encoder',
  description:
    'One 0/1 column per frequent category, with an __UNKNOWN__ bucket for rare and unseen ones',
  params: oneHotParams,
  state: oneHotState,
  accepts: ['categorical', 'text', 'numeric', 'boolean'],
  fit({ params, inputs, columns, numRows }) {
    const state: OneHotState['columns'] = []
    const outputs: TransformerColumn[] = []
    inputs.forEach((input, j) => {
      const { counts, missing } = countLabels(categoryView(columns[j]!))
      const cats = sortedLabels(counts.keys())
      const mask = infrequentMask(
        cats.map((c) => counts.get(c)!),
        numRows,
        params.minFrequency,
        params.maxCategories,
      )
      const frequent = cats.filter((_, k) => !mask[k])
      const infrequent = cats.filter((_, k) => mask[k])
      const hasMissing = params.missing === 'category' && missing > 0
      // Infrequent categories are known, so they always need their bucket; unseen ones use it too
      // unless the policy says otherwise.
      const hasUnknown = params.unknown === 'bucket' || infrequent.length > 0
      if (frequent.length === 0 && !hasUnknown && !hasMissing) {
        throw new KeelError(
          'INVALID_DATA',
          `one-hot-encoder: column "${input.name}" has no category to encode`,
          {
            path: [input.name],
          },
        )
      }
      state.push({ frequent, infrequent, hasMissing, hasUnknown })
      for (const c of frequent) outputs.push({ name: `${input.name}=${c}`, kind: 'boolean' })
      if (hasMissing) outputs.push({ name: `${input.name}=${MISSING_CATEGORY}`, kind: 'boolean' })
      if (hasUnknown) outputs.push({ name: `${input.name}=${UNKNOWN_CATEGORY}`, kind: 'boolean' })
    })
    return { state: { columns: state }, outputs }
  },
  prepare: (state) =>
    state.columns.map((s) => {
      const index = new Map<string, number>(s.frequent.map((c, k) => [c, k] as const))
      for (const c of s.infrequent) index.set(c, INFREQUENT)
      return index
    }),
  apply({ kind, params, state, cache, inputs, columns, numRows }) {
    const out: NumericColumn[] = []
    inputs.forEach((input, j) => {
      const s = state.columns[j]!
      const index = cache[j]!
      const width = s.frequent.length + (s.hasMissing ? 1 : 0) + (s.hasUnknown ? 1 : 0)
      const missingCol = s.hasMissing ? s.frequent.length : -1
      const unknownCol = s.hasUnknown ? width - 1 : -1
      const view = categoryView(columns[j]!)
      const perCode = view.labels.map((label) => index.get(label) ?? UNSEEN)
      const cols = Array.from({ length: width }, () => new Float64Array(numRows))
      for (let i = 0; i < numRows; i++) {
        const code = view.codes[i]!
        let target: number
        if (code < 0) {
          if (params.missing === 'error') {
            throw new KeelError(
              'INVALID_DATA',
              `${kind}: column "${input.name}" row ${i} is missing`,
              {
                path: [input.name, i],
              },
            )
          }
          target = params.missing === 'zeros' ? -1 : s.hasMissing ? missingCol : unknownCol
        } else {
          target = perCode[code]!
          if (target === INFREQUENT) target = unknownCol
          else if (target === UNSEEN) {
            if (params.unknown === 'error') {
              throw new KeelError(
                'INVALID_DATA',
                `${kind}: column "${input.name}" row ${i} has category "${view.labels[code]}" not seen at fit`,
                { path: [input.name, i], details: { value: view.labels[code] } },
              )
            }
            target = params.unknown === 'ignore' ? -1 : unknownCol
          }
        }
        if (target >= 0) cols[target]![i] = 1
      }
      for (const values of cols)
        out.push(Object.freeze({ kind: 'boolean', values }) as NumericColumn)
    })
    return out
  },
})

/** An unfitted one-hot encoder. */
export const oneHotEncoder = (
  params?: OneHotEncoderParams,
): ReturnType<typeof oneHotEncoderKind.create> => oneHotEncoderKind.create(params)
