/**
 * LIKE patterns that mean the same on both engines. PostgreSQL's LIKE is case-sensitive with `\` as
 * escape; SQLite's is case-insensitive and has no escape by default. So on SQLite a LIKE becomes a
 * GLOB (case-sensitive) with the pattern translated, and ILIKE becomes LIKE with `ESCAPE '\'`.
 */
import { KeelError } from '@keel/core'

/** Reject a pattern that ends in a lone escape (PostgreSQL refuses it; SQLite would guess). */
export const checkLikePattern = (pattern: string): string => {
  let escaped = false
  for (const c of pattern) escaped = !escaped && c === '\\'
  if (escaped) {
    throw new KeelError('INVALID_ARGUMENT', 'filter: a LIKE pattern must not end with "\\"', {
      path: ['filter'],
    })
  }
  return pattern
}

/** Translate a LIKE pattern (`%`, `_`, `\` escapes) into the equivalent GLOB pattern. */
export const likeToGlob = (pattern: string): string => {
  let out = ''
  let escaped = false
  for (const c of checkLikePattern(pattern)) {
    if (escaped) {
      out += c === '*' || c === '?' || c === '[' ? `[${c}]` : c
      escaped = false
    } else if (c === '\\') escaped = true
    else if (c === '%') out += '*'
    else if (c === '_') out += '?'
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`
    else out += c
  }
  return out
}
