/**
 * Histogram kernels, unrolled by hand for 6, 4, 3, 2 and 1 features per pass over a node's rows.
 * `gh` holds (gradient, hessian) pairs by row; `c[q]` is the column base (`f * n`) and `b[q]` the
 * histogram offset (`offsets[f] * 3`) of the q-th feature of the group. Stride 3 per bin:
 * gradient sum, hessian sum, count.
 */

/**
 * Add rows `rows[start..end)` to the histograms of six features in one pass: six independent
 * read-modify-write chains per row, with column bases and histogram offsets held in locals.
 * Unrolled by hand because the per-row cost (row index, gradient pair, loop) dominates a pass.
 */
const accumulate6 = (
  hist: Float64Array,
  binned: Uint8Array,
  c: Int32Array,
  b: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  const c0 = c[0]!
  const c1 = c[1]!
  const c2 = c[2]!
  const c3 = c[3]!
  const c4 = c[4]!
  const c5 = c[5]!
  const b0 = b[0]!
  const b1 = b[1]!
  const b2 = b[2]!
  const b3 = b[3]!
  const b4 = b[4]!
  const b5 = b[5]!
  for (let k = start; k < end; k++) {
    const r = rows[k]!
    const gk = gh[2 * r]!
    const hk = gh[2 * r + 1]!
    let j = b0 + binned[c0 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b1 + binned[c1 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b2 + binned[c2 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b3 + binned[c3 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b4 + binned[c4 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b5 + binned[c5 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
  }
}

/** Four features in one pass (see {@link accumulate6}). */
const accumulate4 = (
  hist: Float64Array,
  binned: Uint8Array,
  c: Int32Array,
  b: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  const c0 = c[0]!
  const c1 = c[1]!
  const c2 = c[2]!
  const c3 = c[3]!
  const b0 = b[0]!
  const b1 = b[1]!
  const b2 = b[2]!
  const b3 = b[3]!
  for (let k = start; k < end; k++) {
    const r = rows[k]!
    const gk = gh[2 * r]!
    const hk = gh[2 * r + 1]!
    let j = b0 + binned[c0 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b1 + binned[c1 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b2 + binned[c2 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b3 + binned[c3 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
  }
}

/** Three features in one pass (half of six, for two training threads). */
const accumulate3 = (
  hist: Float64Array,
  binned: Uint8Array,
  c: Int32Array,
  b: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  const c0 = c[0]!
  const c1 = c[1]!
  const c2 = c[2]!
  const b0 = b[0]!
  const b1 = b[1]!
  const b2 = b[2]!
  for (let k = start; k < end; k++) {
    const r = rows[k]!
    const gk = gh[2 * r]!
    const hk = gh[2 * r + 1]!
    let j = b0 + binned[c0 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b1 + binned[c1 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b2 + binned[c2 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
  }
}

/** Two features in one pass. */
const accumulate2 = (
  hist: Float64Array,
  binned: Uint8Array,
  c: Int32Array,
  b: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  const c0 = c[0]!
  const c1 = c[1]!
  const b0 = b[0]!
  const b1 = b[1]!
  for (let k = start; k < end; k++) {
    const r = rows[k]!
    const gk = gh[2 * r]!
    const hk = gh[2 * r + 1]!
    let j = b0 + binned[c0 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
    j = b1 + binned[c1 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
  }
}

/** One feature. */
const accumulate1 = (
  hist: Float64Array,
  binned: Uint8Array,
  c: Int32Array,
  b: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  const c0 = c[0]!
  const b0 = b[0]!
  for (let k = start; k < end; k++) {
    const r = rows[k]!
    const gk = gh[2 * r]!
    const hk = gh[2 * r + 1]!
    const j = b0 + binned[c0 + r]! * 3
    hist[j]! += gk
    hist[j + 1]! += hk
    hist[j + 2]! += 1
  }
}

/** The kernel for the next group of `remaining` features: the widest, but 5 → 3 + 2. */
export const kernelWidth = (remaining: number): KernelWidth =>
  remaining >= 6 ? 6 : remaining === 4 ? 4 : remaining >= 3 ? 3 : remaining === 2 ? 2 : 1

/** Features per kernel pass. */
export type KernelWidth = 6 | 4 | 3 | 2 | 1

/** Run the kernel of width `width` (from {@link kernelWidth}). */
export const accumulate = (
  width: KernelWidth,
  hist: Float64Array,
  binned: Uint8Array,
  c: Int32Array,
  b: Int32Array,
  rows: Int32Array,
  start: number,
  end: number,
  gh: Float32Array,
): void => {
  switch (width) {
    case 6:
      return accumulate6(hist, binned, c, b, rows, start, end, gh)
    case 4:
      return accumulate4(hist, binned, c, b, rows, start, end, gh)
    case 3:
      return accumulate3(hist, binned, c, b, rows, start, end, gh)
    case 2:
      return accumulate2(hist, binned, c, b, rows, start, end, gh)
    case 1:
      return accumulate1(hist, binned, c, b, rows, start, end, gh)
  }
}
