import { KeelError } from '../errors/index.js'
import { cellAt, type Frame } from '../frame/index.js'
import { combineHash, hashFloat64, hashString } from '../stats/hash.js'

const SEED_A = 0x6b65_656c
const SEED_B = 0x1d87_2c39
const MISSING_A = 0x9e37_79b9
const MISSING_B = 0x85eb_ca6b
/** 2^21: the second hash contributes 21 bits so a key fits a double's 53-bit mantissa exactly. */
const LOW_BITS = 2_097_152

/**
 * A 53-bit hash of each row's values over `columns`, computed column by column. Equal rows always
 * get equal keys: values are hashed by content (category strings, not codes; `-0` = `0`; every
 * missing value alike), so the key does not depend on dictionaries or chunking. Unequal rows
 * collide with probability about n²/2^54, so callers that need certainty compare the rows
 * themselves (see {@link sameRow}).
 */
export const hashRows = (frame: Frame, columns: readonly string[]): Float64Array => {
  const n = frame.numRows
  const a = new Uint32Array(n).fill(SEED_A)
  const b = new Uint32Array(n).fill(SEED_B)
  for (const name of columns) {
    const c = frame.column(name)
    switch (c.kind) {
      case 'numeric':
      case 'boolean':
      case 'timestamp':
        for (let i = 0; i < n; i++) {
          const x = c.values[i]!
          const missing = x !== x
          a[i] = combineHash(a[i]!, missing ? MISSING_A : hashFloat64(x, SEED_A))
          b[i] = combineHash(b[i]!, missing ? MISSING_B : hashFloat64(x, SEED_B))
        }
        break
      case 'categorical': {
        const ha = c.dictionary.map((d) => hashString(d, SEED_A))
        const hb = c.dictionary.map((d) => hashString(d, SEED_B))
        for (let i = 0; i < n; i++) {
          const code = c.codes[i]!
          a[i] = combineHash(a[i]!, code < 0 ? MISSING_A : ha[code]!)
          b[i] = combineHash(b[i]!, code < 0 ? MISSING_B : hb[code]!)
        }
        break
      }
      case 'text':
        for (let i = 0; i < n; i++) {
          const v = c.values[i]
          a[i] = combineHash(a[i]!, v == null ? MISSING_A : hashString(v, SEED_A))
          b[i] = combineHash(b[i]!, v == null ? MISSING_B : hashString(v, SEED_B))
        }
        break
    }
  }
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) keys[i] = a[i]! * LOW_BITS + (b[i]! & (LOW_BITS - 1))
  return keys
}

/** True when rows `i` and `j` hold the same values in `columns` (missing equals missing). */
export const sameRow = (
  frame: Frame,
  columns: readonly string[],
  i: number,
  j: number,
): boolean => {
  for (const name of columns) {
    const c = frame.column(name)
    const x = cellAt(c, i)
    const y = cellAt(c, j)
    if (x !== y && !(typeof x === 'number' && typeof y === 'number' && x !== x && y !== y)) {
      return false
    }
  }
  return true
}

/**
 * Groups of row indices whose values are identical over `columns` (each group has ≥ 2 rows, rows
 * in increasing order; groups ordered by their first row). Finds candidates by sorting 53-bit row
 * hashes, then confirms every candidate by comparing values, so the result is exact.
 */
export const duplicateRowGroups = (frame: Frame, columns: readonly string[]): number[][] => {
  for (const name of columns) {
    if (!frame.has(name)) {
      throw new KeelError('SCHEMA_MISMATCH', `missing column "${name}"`, { path: [name] })
    }
  }
  const keys = hashRows(frame, columns)
  const sorted = keys.slice().sort()
  const repeated = new Set<number>()
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!)
  if (repeated.size === 0) return []
  const byKey = new Map<number, number[]>()
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    if (!repeated.has(k)) continue
    let rows = byKey.get(k)
    if (!rows) byKey.set(k, (rows = []))
    rows.push(i)
  }
  const groups: number[][] = []
  for (const rows of byKey.values()) {
    // Split a hash bucket into groups of truly equal rows (collisions are rare but possible).
    const pending = [...rows]
    while (pending.length > 1) {
      const first = pending[0]!
      const same = pending.filter((r) => sameRow(frame, columns, first, r))
      if (same.length > 1) groups.push(same)
      const taken = new Set(same)
      const rest = pending.filter((r) => !taken.has(r))
      pending.splice(0, pending.length, ...rest)
    }
  }
  return groups.sort((x, y) => x[0]! - y[0]!)
}
