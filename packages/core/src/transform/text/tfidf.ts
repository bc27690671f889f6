/**
 * TF-IDF with a fitted vocabulary, matching scikit-learn's TfidfVectorizer: term counts (or
 * `1 + ln(count)` with `sublinearTf`), times `idf = ln((1 + n) / (1 + df)) + 1` (`smoothIdf`, the
 * default) or `ln(n / df) + 1`, then l2/l1 row normalization. The vocabulary is pruned by document
 * frequency (`minDf`, `maxDf`) and capped by total count (`maxFeatures`), then sorted.
 *
 * Limits: one dense numeric column per vocabulary term, at most 4096 — set `maxFeatures` or `minDf`
 * for larger corpora. Where scikit-learn's `maxFeatures` cut falls between terms with equal total
 * counts it picks by an unstable sort; Keel keeps the alphabetically first (stable, documented).
 * Counts of 1.0 for `minDf` and `maxDf` are read as one document and 100% respectively (JavaScript
 * has no int/float distinction to tell them apart).
 */
import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { Column } from '../../frame/index.js'
import { defineLeaf } from '../define.js'
import { compareStrings } from '../internal/categories.js'
import { MAX_DENSE_COLUMNS } from '../internal/hashing.js'
import { analyzeText, analyzerParams } from './analyzer.js'
import { analyzedRows, normalizeRow } from './documents.js'

const docFrequency = z.number().positive()

const tfidfParams = z.strictObject({
  ...analyzerParams,
  /** Keep terms in at least this many documents (integer ≥ 1) or this share of them (< 1). */
  minDf: docFrequency
    .refine((x) => x < 1 || Number.isInteger(x), 'an integer count or a fraction')
    .default(1),
  /** Drop terms in more than this share of documents (≤ 1) or this many documents (integer > 1). */
  maxDf: docFrequency
    .refine((x) => x <= 1 || Number.isInteger(x), 'a fraction or an integer count')
    .default(1),
  /** Keep only the most frequent terms (by total count); at most 4096 (dense output). */
  maxFeatures: z.int().min(1).max(MAX_DENSE_COLUMNS).optional(),
  /** Replace a count c by 1 + ln(c). */
  sublinearTf: z.boolean().default(false),
  /** Add one document containing every term, so no idf divides by zero. */
  smoothIdf: z.boolean().default(true),
  useIdf: z.boolean().default(true),
  norm: z.enum(['l2', 'l1', 'none']).default('l2'),
})

/** Parameters of {@link tfidfVectorizer}. */
export type TfidfVectorizerParams = z.input<typeof tfidfParams>

const tfidfState = z.strictObject({
  columns: z.array(z.strictObject({ vocabulary: z.array(z.string()), idf: z.array(z.number()) })),
})

type Params = z.output<typeof tfidfParams>

const fitVocabulary = (
  kind: string,
  name: string,
  rows: readonly (readonly string[])[],
  p: Params,
) => {
  const df = new Map<string, number>()
  const total = new Map<string, number>()
  for (const terms of rows) {
    for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1)
    for (const t of terms) total.set(t, (total.get(t) ?? 0) + 1)
  }
  const n = rows.length
  const high = p.maxDf <= 1 ? p.maxDf * n : p.maxDf
  const low = p.minDf < 1 ? p.minDf * n : p.minDf
  if (high < low) {
    throw new KeelError('INVALID_PARAMS', `${kind}: maxDf keeps fewer documents than minDf`, {
      path: ['maxDf'],
    })
  }
  let terms = [...df.keys()]
    .sort(compareStrings)
    .filter((t) => df.get(t)! <= high && df.get(t)! >= low)
  if (p.maxFeatures !== undefined && terms.length > p.maxFeatures) {
    const keep = new Set(
      terms
        .map((t, i) => [total.get(t)!, i] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, p.maxFeatures)
        .map(([, i]) => terms[i]!),
    )
    terms = terms.filter((t) => keep.has(t))
  }
  if (terms.length === 0) {
    throw new KeelError('INVALID_DATA', `${kind}: column "${name}" leaves no term after pruning`, {
      path: [name],
      hint: 'lower minDf or raise maxDf',
    })
  }
  if (terms.length > MAX_DENSE_COLUMNS) {
    throw new KeelError(
      'INVALID_DATA',
      `${kind}: column "${name}" has ${terms.length} terms; dense output allows ${MAX_DENSE_COLUMNS}`,
      { path: [name], hint: 'set maxFeatures or raise minDf' },
    )
  }
  const extra = p.smoothIdf ? 1 : 0
  const idf = terms.map((t) => (p.useIdf ? Math.log((n + extra) / (df.get(t)! + extra)) + 1 : 1))
  return { vocabulary: terms, idf }
}

/**
 * TF-IDF columns `<name>__<term>` for each text column, over the vocabulary learnt at fit (terms
 * unseen at fit are ignored at transform). A missing document is empty.
 */
export const tfidfVectorizerKind = defineLeaf({
  kind: 'tfidf-vectorizer',
  description:
    'TF-IDF over a fitted vocabulary (scikit-learn TfidfVectorizer), dense up to 4096 terms',
  params: tfidfParams,
  state: tfidfState,
  accepts: ['text', 'categorical'],
  fit({ kind, params, inputs, columns }) {
    const state = columns.map((c, j) =>
      fitVocabulary(
        kind,
        inputs[j]!.name,
        analyzedRows(c, (d) => analyzeText(d, params)),
        params,
      ),
    )
    const outputs = inputs.flatMap((c, j) =>
      state[j]!.vocabulary.map((t) => ({ name: `${c.name}__${t}`, kind: 'numeric' as const })),
    )
    return { state: { columns: state }, outputs }
  },
  prepare: (state) =>
    state.columns.map((s) => new Map(s.vocabulary.map((t, k) => [t, k] as const))),
  apply({ params, state, cache, columns, numRows }): Column[] {
    const out: Column[] = []
    columns.forEach((c, j) => {
      const { idf } = state.columns[j]!
      const index = cache[j]!
      const cols = idf.map(() => new Float64Array(numRows))
      analyzedRows(c, (d) => analyzeText(d, params)).forEach((terms, i) => {
        const counts = new Map<number, number>()
        for (const t of terms) {
          const k = index.get(t)
          if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1)
        }
        const ks = Int32Array.from(counts.keys()).sort()
        const values = Array.from(ks, (k) => {
          const tf = counts.get(k)!
          return (params.sublinearTf ? Math.log(tf) + 1 : tf) * idf[k]!
        })
        normalizeRow(values, params.norm)
        ks.forEach((k, m) => (cols[k]![i] = values[m]!))
      })
      for (const values of cols) out.push(Object.freeze({ kind: 'numeric', values }))
    })
    return out
  },
})

/** An unfitted TF-IDF vectorizer. */
export const tfidfVectorizer = (
  params?: TfidfVectorizerParams,
): ReturnType<typeof tfidfVectorizerKind.create> => tfidfVectorizerKind.create(params)
