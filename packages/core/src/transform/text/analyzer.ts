/**
 * Text analysis as scikit-learn's vectorizers do it by default: lowercase, then tokens matching
 * `(?u)\b\w\w+\b` (runs of two or more word characters; single characters and punctuation are
 * dropped), then word n-grams joined by a space.
 *
 * Python's Unicode `\w` is letters, digits and numerics (`str.isalnum`) plus `_`; JavaScript's
 * `[\p{L}\p{N}_]` is the same set (checked over every code point), except characters added to
 * Unicode after the version Python ships (14.0 for Python 3.11), which only JavaScript knows.
 * Combining marks are not word characters in either, so a decomposed `é` (e + U+0301) splits a
 * token exactly as scikit-learn splits it.
 */
import { z } from 'zod'
import { KeelError } from '../../errors/index.js'

/** Parameters shared by the text vectorizers. */
export const analyzerParams = {
  /** Lowercase before tokenizing (JavaScript's `toLowerCase`, as Python's `str.lower`). */
  lowercase: z.boolean().default(true),
  /** Word n-gram sizes [min, max]; [1, 2] gives unigrams and bigrams. */
  ngramRange: z
    .tuple([z.int().min(1), z.int().min(1)])
    .default([1, 1])
    .refine(([a, b]) => a <= b && b <= 8, 'ngramRange must be [min, max] with min ≤ max ≤ 8'),
  /**
   * A JavaScript regular expression (source, compiled with the `u` flag) for tokens, replacing the
   * default; as in scikit-learn, a pattern with a capture group yields the group.
   */
  tokenPattern: z
    .string()
    .refine((s) => {
      try {
        new RegExp(s, 'gu')
        return true
      } catch {
        return false
      }
    }, 'not a valid regular expression')
    .optional(),
}

/** Parsed analyzer options. */
export interface AnalyzerOptions {
  readonly lowercase: boolean
  readonly ngramRange: readonly [number, number]
  readonly tokenPattern?: string | undefined
}

const DEFAULT_TOKEN = /[\p{L}\p{N}_]{2,}/gu

/** Tokens of `doc`: scikit-learn's default token pattern unless `pattern` is given. */
export const tokenizeText = (doc: string, pattern?: string): string[] => {
  if (pattern === undefined) return doc.match(DEFAULT_TOKEN) ?? []
  const re = new RegExp(pattern, 'gu')
  const out: string[] = []
  for (const m of doc.matchAll(re)) {
    if (m.length > 2) {
      throw new KeelError('INVALID_PARAMS', 'tokenPattern may have at most one capture group', {
        path: ['tokenPattern'],
      })
    }
    out.push(m.length === 2 ? (m[1] ?? '') : m[0])
  }
  return out
}

/** Word n-grams of `tokens` for sizes min..max, in scikit-learn's order (by size, then position). */
export const wordNgrams = (
  tokens: readonly string[],
  [min, max]: readonly [number, number],
): string[] => {
  if (min === 1 && max === 1) return [...tokens]
  const out: string[] = min === 1 ? [...tokens] : []
  const n = tokens.length
  for (let k = Math.max(min, 2); k <= Math.min(max, n); k++) {
    for (let i = 0; i + k <= n; i++) out.push(tokens.slice(i, i + k).join(' '))
  }
  return out
}

/** The terms of one document: lowercase → tokenize → n-grams. */
export const analyzeText = (doc: string, options: AnalyzerOptions): string[] =>
  wordNgrams(
    tokenizeText(options.lowercase ? doc.toLowerCase() : doc, options.tokenPattern),
    options.ngramRange,
  )
