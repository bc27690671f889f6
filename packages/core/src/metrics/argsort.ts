/**
 * Row order by decreasing score, the one sort behind every curve, AUC and ranking metric. Large
 * inputs use an LSD radix sort on the IEEE-754 bits (four 16-bit passes, O(n)), which is several
 * times faster than a comparator sort on millions of rows; small inputs use the comparator. Both
 * are stable: tied scores keep increasing row order.
 */

const RADIX_MIN = 4096

/** Word order of a double seen as two uint32s on this platform. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
const HI = LITTLE_ENDIAN ? 1 : 0
const LO = 1 - HI

const comparatorArgsort = (scores: ArrayLike<number>): Int32Array => {
  const idx = Int32Array.from({ length: scores.length }, (_, i) => i)
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b)
}

/**
 * Map a double to two 32-bit words whose unsigned order is the reverse of the numeric order
 * (so an ascending radix sort yields decreasing scores). −0 and +0 land next to each other.
 */
const descendingKeys = (
  scores: ArrayLike<number>,
): { hi: Uint32Array<ArrayBuffer>; lo: Uint32Array<ArrayBuffer> } => {
  const n = scores.length
  const f = new Float64Array(n)
  for (let i = 0; i < n; i++) f[i] = scores[i]!
  const words = new Uint32Array(f.buffer)
  const hi = new Uint32Array(n)
  const lo = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + HI]!
    const l = words[2 * i + LO]!
    // Ascending order key: negative → flip every bit; positive → flip the sign bit.
    const neg = h >>> 31 === 1
    const ah = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0
    const al = neg ? ~l >>> 0 : l
    // Descending: complement the ascending key.
    hi[i] = ~ah >>> 0
    lo[i] = ~al >>> 0
  }
  return { hi, lo }
}

/** Indices ordered by decreasing score, stable among ties. Scores must not be NaN. */
export const argsortDescending = (scores: ArrayLike<number>): Int32Array => {
  const n = scores.length
  if (n < RADIX_MIN) return comparatorArgsort(scores)
  const { hi, lo } = descendingKeys(scores)
  let idx = Int32Array.from({ length: n }, (_, i) => i)
  let kHi = hi
  let kLo = lo
  let tIdx = new Int32Array(n)
  let tHi = new Uint32Array(n)
  let tLo = new Uint32Array(n)
  const count = new Int32Array(65536)
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? kLo : kHi
    const shift = pass % 2 === 0 ? 0 : 16
    count.fill(0)
    for (let i = 0; i < n; i++) count[(word[i]! >>> shift) & 0xffff]!++
    // A pass where every row has the same digit leaves the order unchanged.
    if (count[(word[0]! >>> shift) & 0xffff] === n) continue
    let sum = 0
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!
      count[d] = sum
      sum += c
    }
    for (let i = 0; i < n; i++) {
      const d = (word[i]! >>> shift) & 0xffff
      const at = count[d]!++
      tIdx[at] = idx[i]!
      tHi[at] = kHi[i]!
      tLo[at] = kLo[i]!
    }
    ;[idx, tIdx] = [tIdx, idx]
    ;[kHi, tHi] = [tHi, kHi]
    ;[kLo, tLo] = [tLo, kLo]
  }
  return idx
}
