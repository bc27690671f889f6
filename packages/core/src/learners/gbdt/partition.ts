/**
 * Row partitioning kernels: after a split, a node's rows `rows[start..end)` are reordered so the
 * left child's come first, both in their original order (stable), which keeps every later pass
 * over a node's rows walking the data forwards.
 */

/**
 * Stable split of one block `rows[start..end)` by `table[bin]` (1 = left): the left rows are
 * compacted in place from `start`, the right ones written to `scratch[start..]`; returns the
 * number of left rows. Branch-free: every row is written to both destinations and only the
 * counters depend on the side, which avoids a mispredicted branch per row on balanced splits.
 */
export const splitBlock = (
  binned: Uint8Array,
  n: number,
  rows: Int32Array,
  scratch: Int32Array,
  start: number,
  end: number,
  feature: number,
  table: Uint8Array,
): number => {
  const col = feature * n
  let l = start
  let r = start
  for (let k = start; k < end; k++) {
    const row = rows[k]!
    const left = table[binned[col + row]!]!
    rows[l] = row
    scratch[r] = row
    l += left
    r += 1 - left
  }
  return l - start
}

/**
 * Join blocks split by {@link splitBlock}: block `b` covered `rows[cuts[b]..cuts[b + 1])` and
 * kept `lefts[b]` rows on the left. Afterwards all left rows come first, then all right rows,
 * each in block order, exactly as one split of the whole range; returns the first right index.
 */
export const joinBlocks = (
  rows: Int32Array,
  scratch: Int32Array,
  cuts: ArrayLike<number>,
  lefts: ArrayLike<number>,
  blocks: number,
): number => {
  let at = cuts[0]!
  for (let b = 0; b < blocks; b++) {
    const lo = cuts[b]!
    if (lo !== at) rows.copyWithin(at, lo, lo + lefts[b]!)
    at += lefts[b]!
  }
  const mid = at
  for (let b = 0; b < blocks; b++) {
    const lo = cuts[b]!
    const nr = cuts[b + 1]! - lo - lefts[b]!
    rows.set(scratch.subarray(lo, lo + nr), at)
    at += nr
  }
  return mid
}

/** Stable in-place partition of `rows[start..end)`; returns the first index of the right part. */
export const partitionRows = (
  binned: Uint8Array,
  n: number,
  rows: Int32Array,
  scratch: Int32Array,
  start: number,
  end: number,
  feature: number,
  table: Uint8Array,
): number => {
  const nl = splitBlock(binned, n, rows, scratch, start, end, feature, table)
  rows.set(scratch.subarray(start, start + (end - start - nl)), start + nl)
  return start + nl
}
