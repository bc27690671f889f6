/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby), over the UTF-8 bytes of a string: the hash
 * scikit-learn's `murmurhash3_32`, `FeatureHasher` and `HashingVectorizer` use, so hashed features
 * computed here land in the same buckets as theirs. Pure 32-bit integer arithmetic (`Math.imul`),
 * no allocation per call beyond a shared, growing byte buffer.
 */

let scratch = new Uint8Array(256)

/**
 * Encode `s` as UTF-8 into the shared scratch buffer and return the byte length. Lone surrogates
 * become U+FFFD, as `TextEncoder` does (Python would refuse to encode them).
 */
const utf8 = (s: string): number => {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3 + 16)
  const buf = scratch
  let n = 0
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) {
      buf[n++] = c
      continue
    }
    if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6)
      buf[n++] = 0x80 | (c & 0x3f)
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
        buf[n++] = 0xf0 | (c >> 18)
        buf[n++] = 0x80 | ((c >> 12) & 0x3f)
        buf[n++] = 0x80 | ((c >> 6) & 0x3f)
        buf[n++] = 0x80 | (c & 0x3f)
        continue
      }
      c = 0xfffd
    }
    buf[n++] = 0xe0 | (c >> 12)
    buf[n++] = 0x80 | ((c >> 6) & 0x3f)
    buf[n++] = 0x80 | (c & 0x3f)
  }
  return n
}

const hashBytes = (data: Uint8Array, len: number, seed: number): number => {
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  let h = seed | 0
  const blocks = len & ~3
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const tail = len & 3
  if (tail > 0) {
    let k = 0
    if (tail === 3) k ^= data[blocks + 2]! << 16
    if (tail >= 2) k ^= data[blocks + 1]! << 8
    k ^= data[blocks]!
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
  }
  h ^= len
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h | 0
}

/**
 * MurmurHash3 x86_32 of `key` (a string, hashed as UTF-8, or raw bytes) as a signed 32-bit
 * integer: scikit-learn's `murmurhash3_32(key, seed)`.
 *
 * @example
 * murmurHash3Signed('origin=SFO') // the same number sklearn.utils.murmurhash3_32 returns
 */
export const murmurHash3Signed = (key: string | Uint8Array, seed = 0): number => {
  if (typeof key !== 'string') return hashBytes(key, key.length, seed)
  const len = utf8(key) // may grow the scratch buffer: read it only afterwards
  return hashBytes(scratch, len, seed)
}

/** MurmurHash3 x86_32 as an unsigned 32-bit integer: `murmurhash3_32(key, seed, positive=True)`. */
export const murmurHash3 = (key: string | Uint8Array, seed = 0): number =>
  murmurHash3Signed(key, seed) >>> 0

/**
 * The bucket and sign scikit-learn's hashers give a signed hash `h`: bucket `|h| mod buckets`
 * (with |−2³¹| taken as 2³¹, as its `_hashing_fast` defines it) and sign +1 for h ≥ 0, else −1.
 */
export const hashBucket = (h: number, buckets: number): number => Math.abs(h) % buckets

/** The alternate sign of a signed hash (see {@link hashBucket}). */
export const hashSign = (h: number): number => (h >= 0 ? 1 : -1)
