/**
 * Tokens of the run filter language. Fields are lexed as one token (`metrics.auc`,
 * ``params.`learning rate` ``) so that keys may contain dots, slashes and dashes.
 */
import { KeelError } from '@keel/core'

/** A lexical token with its offset in the source (for error messages). */
export type Token =
  | { readonly type: 'field'; readonly prefix: string; readonly key: string; readonly at: number }
  | { readonly type: 'word'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly value: string; readonly at: number }
  | { readonly type: 'number'; readonly value: number; readonly at: number }
  | { readonly type: 'op'; readonly text: string; readonly at: number }
  | { readonly type: 'punct'; readonly text: '(' | ')' | ','; readonly at: number }
  | { readonly type: 'end'; readonly at: number }

const KEY_CHARS = /[A-Za-z0-9_./:-]/
const WORD_START = /[A-Za-z_]/
const WORD_CHARS = /[A-Za-z0-9_]/
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/

/** A syntax error at `at` in `source`. */
export const syntaxError = (source: string, at: number, message: string): KeelError =>
  new KeelError('PARSE_ERROR', `filter: ${message} at position ${at + 1}`, {
    path: ['filter'],
    details: { position: at, near: source.slice(at, at + 20) },
  })

const readQuoted = (source: string, start: number, quote: string): [string, number] => {
  // The quote character is escaped by doubling it, as in SQL ('it''s').
  let out = ''
  let i = start + 1
  for (;;) {
    if (i >= source.length) throw syntaxError(source, start, 'unterminated quoted text')
    const c = source[i] as string
    if (c === quote) {
      if (source[i + 1] === quote) {
        out += quote
        i += 2
        continue
      }
      return [out, i + 1]
    }
    out += c
    i += 1
  }
}

/** Split a filter into tokens. */
export const tokenize = (source: string): Token[] => {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i] as string
    if (/\s/.test(c)) {
      i += 1
      continue
    }
    const at = i
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', text: c, at })
      i += 1
    } else if (c === "'") {
      const [value, next] = readQuoted(source, i, "'")
      tokens.push({ type: 'string', value, at })
      i = next
    } else if ('<>=!'.includes(c)) {
      const two = source.slice(i, i + 2)
      const text = ['<=', '>=', '!=', '<>', '=='].includes(two) ? two : c
      if (text === '!') throw syntaxError(source, at, 'expected != ')
      tokens.push({ type: 'op', text: text === '<>' ? '!=' : text === '==' ? '=' : text, at })
      i += text.length
    } else if (/[-\d.]/.test(c)) {
      const m = NUMBER.exec(source.slice(i))
      if (!m) throw syntaxError(source, at, `unexpected "${c}"`)
      tokens.push({ type: 'number', value: Number(m[0]), at })
      i += m[0].length
    } else if (WORD_START.test(c)) {
      let j = i
      while (j < source.length && WORD_CHARS.test(source[j] as string)) j += 1
      const word = source.slice(i, j)
      if (source[j] === '.') {
        const q = source[j + 1]
        if (q === '`' || q === '"') {
          const [key, next] = readQuoted(source, j + 1, q)
          tokens.push({ type: 'field', prefix: word, key, at })
          i = next
        } else {
          let k = j + 1
          while (k < source.length && KEY_CHARS.test(source[k] as string)) k += 1
          if (k === j + 1) throw syntaxError(source, j, 'expected a key after "."')
          tokens.push({ type: 'field', prefix: word, key: source.slice(j + 1, k), at })
          i = k
        }
      } else {
        tokens.push({ type: 'word', text: word, at })
        i = j
      }
    } else {
      throw syntaxError(source, at, `unexpected "${c}"`)
    }
  }
  tokens.push({ type: 'end', at: source.length })
  return tokens
}
