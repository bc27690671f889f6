/**
 * The hashing vectorizer: terms → MurmurHash3 buckets, with no vocabulary to fit or store, so new
 * words never break serving. Matches scikit-learn's HashingVectorizer (same tokens, same hash, same
 * alternating sign, same l2/l1 normalization, and the same quirk that `binary` sets every stored
 * entry — including a +1/−1 collision that cancelled to 0 — to 1).
 *
 * Limits: a frame holds dense columns, so the transformer emits one numeric column per bucket and
 * allows at most 4096; {@link hashingVectorize} returns scikit-learn's sparse rows for any size.
 */
import { z } from 'zod'
import type { Column } from '../../frame/index.js'
import { defineLeaf } from '../define.js'
import { MAX_DENSE_COLUMNS } from '../internal/hashing.js'
import { hashBucket, murmurHash3Signed } from '../murmur.js'
import { analyzeText, analyzerParams, type AnalyzerOptions } from './analyzer.js'
import { analyzedRows, normalizeRow, type VectorNorm } from './documents.js'

/** Options of {@link hashingVectorize}. */
export interface HashingVectorizeOptions extends AnalyzerOptions {
  readonly nFeatures: number
  readonly alternateSign: boolean
  readonly norm: VectorNorm
  readonly binary: boolean
}

/** One document's sparse vector: ascending bucket indices and their values. */
export interface SparseRow {
  readonly indices: Int32Array
  readonly values: Float64Array
}

/** Hash one document's terms into a sparse row. */
export const hashTerms = (
  terms: readonly string[],
  o: Omit<HashingVectorizeOptions, keyof AnalyzerOptions>,
): SparseRow => {
  const acc = new Map<number, number>()
  for (const t of terms) {
    const h = murmurHash3Signed(t, 0)
    const j = hashBucket(h, o.nFeatures)
    acc.set(j, (acc.get(j) ?? 0) + (o.alternateSign && h < 0 ? -1 : 1))
  }
  const indices = Int32Array.from(acc.keys()).sort()
  const values = Float64Array.from(indices, (j) => (o.binary ? 1 : acc.get(j)!))
  normalizeRow(values, o.norm)
  return { indices, values }
}

/** scikit-learn's `HashingVectorizer(...).transform(docs)` as sparse rows (null = empty document). */
export const hashingVectorize = (
  docs: readonly (string | null)[],
  options: HashingVectorizeOptions,
): SparseRow[] => docs.map((d) => hashTerms(d === null ? [] : analyzeText(d, options), options))

const vectorizerParams = z.strictObject({
  ...analyzerParams,
  /** Buckets, i.e. output columns per input (dense output: at most 4096). */
  nFeatures: z.int().min(1).max(MAX_DENSE_COLUMNS).default(1024),
  alternateSign: z.boolean().default(true),
  norm: z.enum(['l2', 'l1', 'none']).default('l2'),
  /** Presence (1) instead of counts. */
  binary: z.boolean().default(false),
})

/** Parameters of {@link hashingVectorizer}. */
export type HashingVectorizerParams = z.input<typeof vectorizerParams>

/**
 * Hash each text column into `nFeatures` numeric columns `<name>__h<j>`. Stateless: nothing is
 * learned at fit, every string at serving has a bucket. A missing document is empty (all zeros).
 */
export const hashingVectorizerKind = defineLeaf({
  kind: 'hashing-vectorizer',
  description:
    'Bag of hashed word n-grams (scikit-learn HashingVectorizer), dense up to 4096 columns',
  params: vectorizerParams,
  state: z.strictObject({}),
  accepts: ['text', 'categorical'],
  fit: ({ params, inputs }) => ({
    state: {},
    outputs: inputs.flatMap((c) =>
      Array.from({ length: params.nFeatures }, (_, j) => ({
        name: `${c.name}__h${j}`,
        kind: 'numeric' as const,
      })),
    ),
  }),
  apply({ params, columns, numRows }): Column[] {
    const out: Column[] = []
    for (const c of columns) {
      const cols = Array.from({ length: params.nFeatures }, () => new Float64Array(numRows))
      analyzedRows(c, (d) => analyzeText(d, params)).forEach((terms, i) => {
        const row = hashTerms(terms, params)
        row.indices.forEach((j, k) => (cols[j]![i] = row.values[k]!))
      })
      for (const values of cols) out.push(Object.freeze({ kind: 'numeric', values }))
    }
    return out
  },
})

/** An unfitted hashing vectorizer. */
export const hashingVectorizer = (
  params?: HashingVectorizerParams,
): ReturnType<typeof hashingVectorizerKind.create> => hashingVectorizerKind.create(params)
