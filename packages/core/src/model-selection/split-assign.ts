import { KeelError } from '../errors/index.js'
import type { Column, Frame } from '../frame/index.js'
import { permutation, type Rng } from '../random/index.js'
import { allocate } from './split-spec.js'

/**
 * Assignment kernels: each returns one split code per row (0 train, 1 validation, 2 test). They
 * read the frame, never change it, and take all randomness from the generator passed in.
 */

/** Shuffle rows and cut the permutation at the allocated sizes. */
export const assignRandom = (
  n: number,
  fractions: readonly [number, number, number],
  rng: Rng,
): Uint8Array => {
  const out = new Uint8Array(n)
  const [train, validation] = allocate(n, fractions)
  const perm = permutation(rng, n)
  for (let i = 0; i < n; i++) out[perm[i]!] = i < train ? 0 : i < train + validation ? 1 : 2
  return out
}

/** Distinct numeric label values kept as their own strata; more are cut into quantile bins. */
const MAX_NUMERIC_STRATA = 20
const NUMERIC_BINS = 10

/**
 * Stratum of each row: the label value for categorical, boolean and low-cardinality numeric
 * labels; a decile bin for continuous labels. Missing labels form their own stratum.
 */
export const strataOf = (column: Column): { ids: Int32Array; count: number } => {
  const n = column.kind === 'categorical' ? column.codes.length : column.values.length
  const ids = new Int32Array(n)
  const index = new Map<string | number, number>()
  const idOf = (key: string | number): number => {
    let id = index.get(key)
    if (id === undefined) index.set(key, (id = index.size))
    return id
  }
  if (column.kind === 'categorical') {
    for (let i = 0; i < n; i++) ids[i] = idOf(column.codes[i]!)
  } else if (column.kind === 'text') {
    for (let i = 0; i < n; i++) ids[i] = idOf(column.values[i] ?? '\u0000missing')
  } else {
    const values = column.values
    const distinct = new Set<number>()
    for (let i = 0; i < n && distinct.size <= MAX_NUMERIC_STRATA; i++) distinct.add(values[i]!)
    if (distinct.size <= MAX_NUMERIC_STRATA) {
      for (let i = 0; i < n; i++) ids[i] = idOf(values[i]! !== values[i]! ? 'NaN' : values[i]!)
    } else {
      const present = values.filter((x) => x === x).sort()
      const cuts: number[] = []
      for (let b = 1; b < NUMERIC_BINS; b++)
        cuts.push(present[Math.floor((b * present.length) / NUMERIC_BINS)]!)
      for (let i = 0; i < n; i++) {
        const x = values[i]!
        if (x !== x) {
          ids[i] = idOf('NaN')
          continue
        }
        let bin = 0
        while (bin < cuts.length && x >= cuts[bin]!) bin++
        ids[i] = idOf(bin)
      }
    }
  }
  return { ids, count: index.size }
}

/** Shuffle and allocate within each stratum, so every split keeps the label's proportions. */
export const assignStratified = (
  strata: { ids: Int32Array; count: number },
  fractions: readonly [number, number, number],
  rng: Rng,
): Uint8Array => {
  const n = strata.ids.length
  const members: number[][] = Array.from({ length: strata.count }, () => [])
  for (let i = 0; i < n; i++) members[strata.ids[i]!]!.push(i)
  const out = new Uint8Array(n)
  for (const rows of members) {
    const [train, validation] = allocate(rows.length, fractions)
    const perm = permutation(rng, rows.length)
    for (let j = 0; j < rows.length; j++) {
      out[rows[perm[j]!]!] = j < train ? 0 : j < train + validation ? 1 : 2
    }
  }
  return out
}

/** Group id of each row; a missing group value makes the row a group of its own. */
export const groupsOf = (column: Column): { ids: Int32Array; count: number } => {
  const n = column.kind === 'categorical' ? column.codes.length : column.values.length
  const ids = new Int32Array(n)
  const index = new Map<string | number, number>()
  let next = 0
  const idOf = (key: string | number | null): number => {
    if (key === null) return next++
    let id = index.get(key)
    if (id === undefined) index.set(key, (id = next++))
    return id
  }
  for (let i = 0; i < n; i++) {
    if (column.kind === 'categorical') {
      const c = column.codes[i]!
      ids[i] = idOf(c < 0 ? null : `c${c}`)
    } else if (column.kind === 'text') {
      const v = column.values[i]
      ids[i] = idOf(v == null ? null : `s${v}`)
    } else {
      const x = column.values[i]!
      ids[i] = idOf(x !== x ? null : x === 0 ? 0 : x)
    }
  }
  return { ids, count: next }
}

/**
 * Whole groups to splits: groups in random order, each to the split furthest below its target row
 * count. No group ever spans two splits; sizes approach the fractions as groups get small.
 */
export const assignGroups = (
  groups: { ids: Int32Array; count: number },
  fractions: readonly [number, number, number],
  rng: Rng,
): Uint8Array => {
  const n = groups.ids.length
  const sizes = new Float64Array(groups.count)
  for (let i = 0; i < n; i++) sizes[groups.ids[i]!]!++
  const targets = allocate(n, fractions)
  const filled = [0, 0, 0]
  const splitOf = new Uint8Array(groups.count)
  for (const g of permutation(rng, groups.count)) {
    let best = 0
    let bestDeficit = -Infinity
    for (let s = 0; s < 3; s++) {
      if (targets[s] === 0) continue
      const deficit = (targets[s]! - filled[s]!) / targets[s]!
      if (deficit > bestDeficit) {
        bestDeficit = deficit
        best = s
      }
    }
    splitOf[g] = best
    filled[best]! += sizes[g]!
  }
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = splitOf[groups.ids[i]!]!
  return out
}

/**
 * Rows in time order: train strictly before validation strictly before test. With `cutoffs`
 * `[c1, c2]`: train `t < c1`, validation `c1 ≤ t < c2`, test `t ≥ c2`. With fractions, the cut points
 * move forward past equal timestamps, so rows sharing an instant stay on one side; when that would
 * empty a part (a coarse timestamp: a few distinct years), the cuts move to the nearest distinct
 * instants that leave every part at least one instant, which is possible from three distinct
 * instants on (two when the validation share is 0). Missing timestamps cannot be placed in time:
 * they are an `INVALID_DATA` error naming the rows.
 */
export const assignTime = (
  frame: Frame,
  column: string,
  fractions: readonly [number, number, number],
  cutoffs?: readonly [number, number],
): Uint8Array => {
  const t = frame.numeric(column)
  const n = t.length
  const missing: number[] = []
  for (let i = 0; i < n; i++) if (t[i]! !== t[i]!) missing.push(i)
  if (missing.length > 0) {
    throw new KeelError(
      'INVALID_DATA',
      `time split: ${missing.length} row(s) have no "${column}" (rows ${missing.slice(0, 5).join(', ')})`,
      {
        path: [column],
        details: { rows: missing.slice(0, 5), count: missing.length },
        hint: 'drop or impute those rows before splitting',
      },
    )
  }
  const out = new Uint8Array(n)
  if (cutoffs) {
    const [c1, c2] = cutoffs
    for (let i = 0; i < n; i++) out[i] = t[i]! < c1 ? 0 : t[i]! < c2 ? 1 : 2
    return out
  }
  const order = Int32Array.from({ length: n }, (_, i) => i)
  let sorted = true
  for (let i = 1; i < n && sorted; i++) sorted = t[i - 1]! <= t[i]!
  // Data often arrives in time order already; only sort (stably, by row on ties) when it does not.
  if (!sorted) order.sort((a, b) => (t[a]! < t[b]! ? -1 : t[a]! > t[b]! ? 1 : a - b))
  const [train, validation] = allocate(n, fractions)
  const [a, b] = timeCuts(t, order, train, train + validation, fractions[1] > 0)
  for (let k = 0; k < n; k++) out[order[k]!] = k < a ? 0 : k < b ? 1 : 2
  return out
}

/**
 * Where the sorted rows are cut: the first position of validation and of test. Cuts fall only where
 * the timestamp changes (ties stay together); each starts at the first change at or after its
 * target, and is then held inside the distinct instants so that train, test and (when `withValidation`)
 * validation each keep at least one of them.
 */
export const timeCuts = (
  t: Float64Array,
  order: Int32Array,
  trainEnd: number,
  validationEnd: number,
  withValidation: boolean,
): [number, number] => {
  const n = order.length
  // starts[g]: the sorted position where the g-th distinct instant begins; starts[last] = n.
  const starts = [0]
  for (let p = 1; p < n; p++) if (t[order[p]!] !== t[order[p - 1]!]) starts.push(p)
  starts.push(n)
  const groups = starts.length - 1
  const atOrAfter = (pos: number): number => {
    let g = 0
    while (g < groups && starts[g]! < pos) g++
    return g
  }
  let i = atOrAfter(trainEnd)
  let j = Math.max(i, atOrAfter(validationEnd))
  const needed = withValidation ? 3 : 2
  if (groups >= needed) {
    j = Math.min(Math.max(j, withValidation ? 2 : 1), groups - 1)
    i = Math.min(Math.max(i, 1), withValidation ? j - 1 : j)
  }
  return [starts[i]!, starts[j]!]
}
