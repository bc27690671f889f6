import { afterAll, describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { loadSqlite } from '../../drivers.js'
import { checkLikePattern, likeToGlob } from './like.js'

/** SQL LIKE with `\` as escape, case-sensitive: the semantics PostgreSQL gives and SQLite must match. */
const likeReference = (text: string, pattern: string): boolean => {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '\\') {
      i += 1
      re += (pattern[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else if (c === '%') re += '[\\s\\S]*'
    else if (c === '_') re += '[\\s\\S]'
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, 'u').test(text)
}

const db = new (loadSqlite('The LIKE tests'))(':memory:')
const glob = db.prepare('select ? glob ? as m')
afterAll(() => db.close())

const alphabet = fc.constantFrom('a', 'A', 'b', '%', '_', '\\', '*', '?', '[', ']', 'é', ' ')

describe('LIKE on SQLite', () => {
  test.prop(
    [
      fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')),
      fc.array(alphabet, { maxLength: 6 }).map((a) => a.join('')),
    ],
    { numRuns: 2000 },
  )('GLOB(likeToGlob(p)) matches exactly what LIKE p matches', (text, pattern) => {
    fc.pre(!/(^|[^\\])(\\\\)*\\$/.test(pattern))
    expect((glob.get(text, likeToGlob(pattern)) as { m: number }).m === 1).toBe(
      likeReference(text, pattern),
    )
  })

  it('refuses a pattern that ends in a lone escape', () => {
    expect(() => checkLikePattern('abc\\')).toThrow(/must not end/)
    expect(checkLikePattern('abc\\\\')).toBe('abc\\\\')
  })
})
