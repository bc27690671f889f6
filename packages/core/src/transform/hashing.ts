/**
 * The hashing trick (the book's §4.4): map a category to `murmur3(name=value) mod buckets`, with no
 * vocabulary to store and a place for every category that will ever exist — the answer to dynamic
 * categories (new brands, accounts, IPs). Collisions are random rather than always hitting the
 * rare categories; Booking.com saw < 0.5% log-loss cost with half the features colliding.
 *
 * Two outputs, because a frame holds dense columns:
 * - `categorical` (default): one column per input whose categories are bucket ids — a "hashed
 *   categorical" for tree learners, fine with 2^18 buckets. The dictionary pinned at fit lists the
 *   buckets seen in training (sorted) plus `__UNKNOWN__` for a bucket first seen at serving, which a
 *   tree treats like any unseen category; the bucket ids themselves are the sklearn ones.
 * - `dense`: scikit-learn's FeatureHasher (`input_type='dict'`): all inputs share one space of
 *   `buckets` numeric columns with signed counts (`alternateSign`), string values hashed as
 *   `name=value` with weight 1, numeric values hashed as `name` with weight x. Only for small
 *   spaces (≤ 4096 columns): a linear model over 2^18 hashed features needs a sparse matrix, which
 *   frames do not hold.
 */
import { z } from 'zod'
import type { Column, NumericColumn } from '../frame/index.js'
import { defineLeaf, pinnedCategorical } from './define.js'
import {
  MAX_DENSE_COLUMNS,
  addDense,
  bucketCoder,
  hashedCodes,
  hashedDictionary,
  keyCombinations,
  observedBuckets,
} from './internal/hashing.js'
import { murmurHash3Signed } from './murmur.js'
import type { TransformerColumn } from './protocol.js'

/** Hashing parameters shared by the feature hasher and the hashed cross. */
export const hashingParams = {
  /** Size of the hash space (2^18 = 262,144 by default). */
  buckets: z
    .int()
    .min(2)
    .max(2 ** 31 - 1)
    .default(2 ** 18),
  /** `categorical`: bucket ids as a categorical column; `dense`: one numeric column per bucket. */
  output: z.enum(['categorical', 'dense']).default('categorical'),
  /** Dense output: sign each contribution by the hash so collisions cancel in expectation. */
  alternateSign: z.boolean().default(true),
  /** MurmurHash3 seed (scikit-learn always uses 0). */
  seed: z
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(0),
  /** Dense output column names are `<prefix>_<j>`. */
  prefix: z.string().min(1).default('hash'),
}

const denseLimit = (p: { output: string; buckets: number }): boolean =>
  p.output !== 'dense' || p.buckets <= MAX_DENSE_COLUMNS
const denseLimitMessage = {
  message: `dense output allows at most ${MAX_DENSE_COLUMNS} buckets; use output: 'categorical' for large spaces`,
  path: ['buckets'],
}

const hasherParams = z.strictObject(hashingParams).refine(denseLimit, denseLimitMessage)

/** Parameters of {@link featureHasher}. */
export type FeatureHasherParams = z.input<typeof hasherParams>

/** State of hashed-categorical outputs: per output, the buckets observed at fit. */
export const hashedState = z.strictObject({
  columns: z.array(z.strictObject({ observed: z.array(z.int()) })),
})

/** Dense columns `<prefix>_0 … <prefix>_{n−1}`. */
export const denseOutputs = (prefix: string, buckets: number): TransformerColumn[] =>
  Array.from({ length: buckets }, (_, j) => ({ name: `${prefix}_${j}`, kind: 'numeric' as const }))

/** Zero-filled dense bucket columns for `numRows` rows. */
export const denseColumns = (buckets: number, numRows: number): Float64Array[] =>
  Array.from({ length: buckets }, () => new Float64Array(numRows))

const isNumber = (c: Column): c is NumericColumn => c.kind !== 'categorical' && c.kind !== 'text'

/** Hash categorical (or numeric) columns into buckets. */
export const featureHasherKind = defineLeaf({
  kind: 'feature-hasher',
  description:
    'Hash categories into a fixed number of buckets (hashed categorical or dense signed counts)',
  params: hasherParams,
  state: hashedState,
  accepts: ['categorical', 'text', 'numeric', 'boolean'],
  fit({ params, inputs, columns }) {
    if (params.output === 'dense') {
      return { state: { columns: [] }, outputs: denseOutputs(params.prefix, params.buckets) }
    }
    const state = columns.map((c, j) => ({
      observed: observedBuckets(
        keyCombinations([c], [inputs[j]!.name], params.seed),
        params.buckets,
      ),
    }))
    const outputs = inputs.map((c, j) => ({
      name: `${c.name}__hash`,
      kind: 'categorical' as const,
      categories: hashedDictionary(state[j]!.observed),
    }))
    return { state: { columns: state }, outputs }
  },
  prepare: (state, params) => state.columns.map((s) => bucketCoder(s.observed, params.buckets)),
  apply({ params, cache, outputs, inputs, columns, numRows }): Column[] {
    if (params.output === 'categorical') {
      return columns.map((c, j) =>
        pinnedCategorical(
          hashedCodes(
            keyCombinations([c], [inputs[j]!.name], params.seed),
            params.buckets,
            cache[j]!,
          ),
          outputs[j]!.categories!,
        ),
      )
    }
    const cols = denseColumns(params.buckets, numRows)
    columns.forEach((c, j) => {
      const name = inputs[j]!.name
      if (isNumber(c)) {
        // scikit-learn's dict input with a numeric value: the feature is the name, the weight x.
        const every = {
          ids: new Int32Array(numRows),
          hashes: [murmurHash3Signed(name, params.seed)],
        }
        addDense(every, params.buckets, params.alternateSign, cols, c.values)
      } else
        addDense(
          keyCombinations([c], [name], params.seed),
          params.buckets,
          params.alternateSign,
          cols,
        )
    })
    return cols.map((values) => Object.freeze({ kind: 'numeric' as const, values }))
  },
})

/** An unfitted feature hasher. */
export const featureHasher = (
  params?: FeatureHasherParams,
): ReturnType<typeof featureHasherKind.create> => featureHasherKind.create(params)
