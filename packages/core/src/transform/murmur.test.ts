import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { fixture } from './test-support/fixtures.js'
import { hashBucket, murmurHash3, murmurHash3Signed } from './murmur.js'

const data = fixture('murmurhash.json') as {
  cases: { key: string; seed: number; signed: number; positive: number }[]
}

describe('murmurHash3 against sklearn.utils.murmurhash3_32', () => {
  it('matches every fixture key and seed exactly (ASCII, multi-byte UTF-8, astral, empty)', () => {
    expect(data.cases.length).toBeGreaterThan(100)
    for (const c of data.cases) {
      expect(murmurHash3Signed(c.key, c.seed), JSON.stringify(c.key)).toBe(c.signed)
      expect(murmurHash3(c.key, c.seed), JSON.stringify(c.key)).toBe(c.positive)
    }
  })

  test.prop([fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer()])(
    'hashes a string exactly like its UTF-8 bytes',
    (s, seed) => {
      expect(murmurHash3Signed(s, seed)).toBe(murmurHash3Signed(new TextEncoder().encode(s), seed))
    },
  )

  it('survives keys longer than the scratch buffer', () => {
    const long = 'é'.repeat(5000)
    expect(murmurHash3Signed(long)).toBe(murmurHash3Signed(new TextEncoder().encode(long)))
  })

  it("maps -2^31 to bucket 2^31 mod n, as scikit-learn's hasher defines it", () => {
    expect(hashBucket(-2147483648, 1000)).toBe(2147483648 % 1000)
  })
})
