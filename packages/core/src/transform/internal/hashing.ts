import type { Column } from '../../frame/index.js'
import { hashBucket, murmurHash3Signed } from '../murmur.js'
import { UNKNOWN_CATEGORY } from '../labels.js'
import { categoryView } from './categories.js'

/** Dense hashed outputs are capped: a frame column per bucket is only sensible for small spaces. */
export const MAX_DENSE_COLUMNS = 4096

/** Separator between the parts of a crossed key; a control character no real value contains. */
export const CROSS_SEPARATOR = '\u001f'

/**
 * The distinct key combinations present in the rows, with their signed MurmurHash3: `ids[i]` is
 * row i's combination (−1 when a part is missing) and `hashes[id]` its hash. A combination is
 * created — and hashed, once — the first time a row uses it, so hashing costs O(distinct keys)
 * and the per-row work is a table lookup; dictionary entries no row uses never appear.
 */
export interface KeyCombinations {
  readonly ids: Int32Array
  readonly hashes: readonly number[]
}

/** The key of one combination: `name=value` parts joined by {@link CROSS_SEPARATOR}. */
const keyOf = (names: readonly string[], labels: readonly string[]): string =>
  labels.map((l, j) => `${names[j]}=${l}`).join(CROSS_SEPARATOR)

/** Build the {@link KeyCombinations} of `columns` (keys hashed with `seed`). */
export const keyCombinations = (
  columns: readonly Column[],
  names: readonly string[],
  seed: number,
): KeyCombinations => {
  const views = columns.map(categoryView)
  const n = views[0]!.codes.length
  const ids = new Int32Array(n)
  const hashes: number[] = []
  const add = (labels: readonly string[]): number => {
    hashes.push(murmurHash3Signed(keyOf(names, labels), seed))
    return hashes.length - 1
  }
  if (views.length <= 2) {
    const a = views[0]!
    const b = views[1]
    const nb = b ? b.labels.length : 1
    const size = a.labels.length * nb
    // A dense table over code pairs while it stays small (229 × 228 airports ≈ 52k entries).
    const table = size <= 1 << 22 ? new Int32Array(size).fill(-1) : undefined
    const map = table ? undefined : new Map<number, number>()
    for (let i = 0; i < n; i++) {
      const ka = a.codes[i]!
      const kb = b ? b.codes[i]! : 0
      if (ka < 0 || kb < 0) {
        ids[i] = -1
        continue
      }
      const key = ka * nb + kb
      let id = table ? table[key]! : (map!.get(key) ?? -1)
      if (id < 0) {
        id = add(b ? [a.labels[ka]!, b.labels[kb]!] : [a.labels[ka]!])
        if (table) table[key] = id
        else map!.set(key, id)
      }
      ids[i] = id
    }
    return { ids, hashes }
  }
  const index = new Map<string, number>()
  const codes: number[] = new Array<number>(views.length)
  for (let i = 0; i < n; i++) {
    let missing = false
    for (let j = 0; j < views.length; j++) {
      codes[j] = views[j]!.codes[i]!
      if (codes[j]! < 0) missing = true
    }
    if (missing) {
      ids[i] = -1
      continue
    }
    const key = codes.join(',')
    let id = index.get(key)
    if (id === undefined) {
      id = add(codes.map((k, j) => views[j]!.labels[k]!))
      index.set(key, id)
    }
    ids[i] = id
  }
  return { ids, hashes }
}

/** The sorted distinct buckets of the combinations present. */
export const observedBuckets = (combos: KeyCombinations, buckets: number): number[] =>
  [...new Set(combos.hashes.map((h) => hashBucket(h, buckets)))].sort((x, y) => x - y)

/** The pinned dictionary of a hashed categorical: observed bucket ids, then `__UNKNOWN__`. */
export const hashedDictionary = (observed: readonly number[]): string[] => [
  ...observed.map(String),
  UNKNOWN_CATEGORY,
]

/** Bucket → code in the pinned dictionary; buckets not observed at fit get the unknown code. */
export const bucketCoder = (
  observed: readonly number[],
  buckets: number,
): ((bucket: number) => number) => {
  const unknown = observed.length
  if (buckets <= 1 << 22) {
    const table = new Int32Array(buckets).fill(unknown)
    observed.forEach((b, k) => (table[b] = k))
    return (b) => table[b]!
  }
  const map = new Map(observed.map((b, k) => [b, k] as const))
  return (b) => map.get(b) ?? unknown
}

/** Codes of a hashed categorical column (missing rows → −1). */
export const hashedCodes = (
  combos: KeyCombinations,
  buckets: number,
  code: (bucket: number) => number,
): Int32Array => {
  const perCombo = Int32Array.from(combos.hashes, (h) => code(hashBucket(h, buckets)))
  const out = new Int32Array(combos.ids.length)
  for (let i = 0; i < out.length; i++) {
    const id = combos.ids[i]!
    out[i] = id < 0 ? -1 : perCombo[id]!
  }
  return out
}

/**
 * Add each row's unit contribution (signed by the hash when `alternateSign`, times `weights[i]`
 * when given) into dense bucket columns, as scikit-learn's FeatureHasher does.
 */
export const addDense = (
  combos: KeyCombinations,
  buckets: number,
  alternateSign: boolean,
  cols: readonly Float64Array[],
  weights?: Float64Array,
): void => {
  const bucket = Int32Array.from(combos.hashes, (h) => hashBucket(h, buckets))
  const sign = Float64Array.from(combos.hashes, (h) => (alternateSign && h < 0 ? -1 : 1))
  for (let i = 0; i < combos.ids.length; i++) {
    const id = combos.ids[i]!
    if (id < 0) continue
    const w = weights ? weights[i]! : 1
    if (Number.isNaN(w) || w === 0) continue
    cols[bucket[id]!]![i]! += sign[id]! * w
  }
}
