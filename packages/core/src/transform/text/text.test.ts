import { describe, expect, it } from 'vitest'
import { Frame, categoricalColumn, textColumn } from '../../frame/index.js'
import { fixture } from '../test-support/fixtures.js'
import { expectClose, opts, toMatrix } from '../test-support/helpers.js'
import { analyzeText, tokenizeText, wordNgrams } from './analyzer.js'
import { hashingVectorize, hashingVectorizer } from './hashing-vectorizer.js'
import { tfidfVectorizer } from './tfidf.js'

const hv = fixture('hashing.json')
const tf = fixture('tfidf.json')

describe('text analysis against scikit-learn', () => {
  it('tokenizes like (?u)\\b\\w\\w+\\b after lowercasing, Unicode included', () => {
    hv.corpus.forEach((doc: string, i: number) => {
      expect(analyzeText(doc, { lowercase: true, ngramRange: [1, 1] })).toEqual(hv.tokens[i])
    })
  })

  it('builds n-grams by size, then position', () => {
    expect(wordNgrams(['a', 'b', 'c'], [1, 2])).toEqual(['a', 'b', 'c', 'a b', 'b c'])
    expect(wordNgrams(['a', 'b', 'c'], [2, 3])).toEqual(['a b', 'b c', 'a b c'])
  })

  it('honours a custom token pattern with a capture group', () => {
    expect(tokenizeText('k=1 k=2 x', 'k=(\\d)')).toEqual(['1', '2'])
  })
})

describe('HashingVectorizer', () => {
  for (const c of hv.vectorizer) {
    // Tokens and hashes are exact; values are counts divided by a norm summed in the same order as
    // scikit-learn's CSR row loop, so 1e-15 relative covers only the last-bit sqrt/division.
    it(`matches scikit-learn with ${JSON.stringify(c.params)}`, () => {
      const rows = hashingVectorize(hv.corpus, {
        nFeatures: c.n_features,
        alternateSign: c.params.alternate_sign ?? true,
        norm: c.params.norm === null ? 'none' : (c.params.norm ?? 'l2'),
        binary: c.params.binary ?? false,
        lowercase: c.params.lowercase ?? true,
        ngramRange: c.params.ngram_range ?? [1, 1],
      })
      rows.forEach((r, i) => {
        expect(Array.from(r.indices), `doc ${i}`).toEqual(c.out[i].indices)
        expectClose(Array.from(r.values), c.out[i].values, 1e-15, 0, `doc ${i}`)
      })
    })
  }

  it('emits dense columns equal to the sparse rows', () => {
    const c = hv.vectorizer.find((x: { n_features: number }) => x.n_features === 64)
    const f = Frame.fromColumns({ doc: textColumn(hv.corpus) })
    const fitted = hashingVectorizer({ nFeatures: 64, alternateSign: false, norm: 'l1' }).fit(
      f,
      opts(),
    )
    const dense = toMatrix(fitted.transform(f))
    dense.forEach((row, i) => {
      const expected = new Array(64).fill(0)
      c.out[i].indices.forEach((j: number, k: number) => (expected[j] = c.out[i].values[k]))
      expectClose(row, expected, 1e-15)
    })
  })

  it('refuses dense output wider than 4096 columns at construction', () => {
    expect(() => hashingVectorizer({ nFeatures: 2 ** 20 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS' }),
    )
  })
})

describe('TfidfVectorizer', () => {
  const toParams = (p: Record<string, unknown>) => ({
    ...(p.sublinear_tf === undefined ? {} : { sublinearTf: p.sublinear_tf as boolean }),
    ...(p.smooth_idf === undefined ? {} : { smoothIdf: p.smooth_idf as boolean }),
    ...(p.norm === undefined ? {} : { norm: (p.norm ?? 'none') as 'l1' | 'l2' | 'none' }),
    ...(p.min_df === undefined ? {} : { minDf: p.min_df as number }),
    ...(p.max_df === undefined ? {} : { maxDf: p.max_df as number }),
    ...(p.max_features === undefined ? {} : { maxFeatures: p.max_features as number }),
    ...(p.lowercase === undefined ? {} : { lowercase: p.lowercase as boolean }),
    ...(p.ngram_range === undefined ? {} : { ngramRange: p.ngram_range as [number, number] }),
  })
  for (const c of tf.cases) {
    // Vocabulary and idf are exact (same logs of the same ratios); outputs multiply and normalize in
    // scikit-learn's order, so they agree to the last bit or two: 1e-15 relative, 1e-16 absolute.
    it(`matches scikit-learn with ${JSON.stringify(c.params)}`, () => {
      const train = Frame.fromColumns({ d: textColumn(tf.corpus) })
      const fitted = tfidfVectorizer(toParams(c.params)).fit(train, opts())
      expect(fitted.state.columns[0]!.vocabulary).toEqual(c.vocabulary)
      expectClose(fitted.state.columns[0]!.idf, c.idf, 1e-15)
      expectClose(toMatrix(fitted.transform(train)), c.train_out, 1e-15, 1e-16)
      expectClose(
        toMatrix(fitted.transform(Frame.fromColumns({ d: categoricalColumn(tf.test) }))),
        c.test_out,
        1e-15,
        1e-16,
      )
    })
  }
})
